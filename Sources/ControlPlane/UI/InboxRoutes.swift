// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Routing

/// `GET /_emulator/ui/`: the web inbox, one page whose HTML, CSS and JavaScript are compiled into the binary
/// (`InboxAssets`), so an installed binary serves it alone and offline. The page is a client of the control
/// routes; it loads without the control token and asks for one when a data call answers 401.
///
/// Every answer carries a Content-Security-Policy: scripts only from this origin (no inline script, no
/// eval), no framing of the inbox (`frame-ancestors 'none'`), no plugins, forms or base URL changes. A
/// message's HTML is shown in an `<iframe sandbox>` through `srcdoc`; such a document inherits this policy
/// too (CSP 3 §"policy container" for `about:srcdoc`), so `style-src` allows inline styles (e-mail HTML is
/// styled inline) and `img-src` allows remote images for the page's "load remote images" toggle: what the
/// frame may really load is narrowed by the frame's own CSP meta, which the page writes.
extension ControlPlane {
    static let inboxPolicy = [
        "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: cid: http: https:", "connect-src 'self'", "frame-src 'self'", "child-src 'self'",
        "font-src 'self'", "base-uri 'none'", "form-action 'none'", "object-src 'none'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    func addInboxRoutes(to router: inout Router) {
        // One route for `/_emulator/ui` and `/_emulator/ui/` (the router ignores empty segments): the page
        // wants the trailing slash, so the bare form is redirected.
        router.get("/_emulator/ui") { request in
            guard request.rawPath.hasSuffix("/") else {
                var r = Self.inboxResponse(status: HTTPStatus(301), type: "text/plain; charset=utf-8", body: [])
                r.headers["Location"] = "/_emulator/ui/" + (request.rawQuery.map { "?" + $0 } ?? "")
                return r
            }
            return Self.inboxResponse(status: .ok, type: "text/html; charset=utf-8", body: InboxAssets.html)
        }
        router.get("/_emulator/ui/{asset}") { request in
            let name = request.parameter("asset")
            guard let asset = InboxAssets.files[name] else {
                throw HTTPError(.notFound, message: "The inbox has no file '\(name)'.")
            }
            var r = Self.inboxResponse(status: .ok, type: asset.type, body: asset.bytes)
            // The page names each asset with its content hash (`?v=`): a new binary means new URLs.
            r.headers["Cache-Control"] = "public, max-age=31536000, immutable"
            r.headers["ETag"] = "\"\(InboxAssets.version)\""
            return r
        }
    }

    static func inboxResponse(status: HTTPStatus, type: String, body: [UInt8]) -> Response {
        Response(
            status: status,
            headers: [
                "Content-Type": type,
                "Content-Security-Policy": inboxPolicy,
                "X-Content-Type-Options": "nosniff",
                "X-Frame-Options": "DENY",
                "Referrer-Policy": "no-referrer",
                "Cross-Origin-Opener-Policy": "same-origin",
                // The page itself is revalidated every time, so a restarted emulator's assets are picked up.
                "Cache-Control": "no-cache",
            ],
            body: body
        )
    }
}

/// The inbox's files as bytes, built once.
enum InboxAssets {
    static let js = Array(InboxScript.source.utf8)
    static let css = Array(InboxStyle.source.utf8)
    /// FNV-1a of both assets: their cache-busting `?v=`.
    static let version: String = {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in js + css {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return String(h, radix: 16)
    }()
    static let files: [String: (type: String, bytes: [UInt8])] = [
        "app.js": ("text/javascript; charset=utf-8", js),
        "app.css": ("text/css; charset=utf-8", css),
    ]
    static let html = Array(
        InboxPage.source.replacing("{{v}}", with: version).utf8
    )
}
