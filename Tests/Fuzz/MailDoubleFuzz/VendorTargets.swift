// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import FlowdockAPI
import FlowmailerAPI
import HTTPCore
import PostflareAPI
import Routing

/// Targets for the parsers internal to a vendor module (Range and page keys, `scheduled_at`, CSV, multipart,
/// Flowdock bodies and tags), reached through the vendor's public router as a request would reach them.
///
/// Inputs that need a header and a body are written `header value\nbody`: the first line becomes the header
/// (Range, Content-Type), the rest the body or path suffix. That keeps the committed seeds readable.
enum VendorTargets {
    static let all: [FuzzTarget] = [
        FuzzTarget(name: "flowmailer-range", summary: "GET /545/messages: `Range\\n;matrix?query`") {
            flowmailerRange($0)
        },
        FuzzTarget(name: "flowmailer-submit", summary: "POST /545/messages/submit with the input as JSON body") {
            flowmailer.call(.POST, "/545/messages/submit", contentType: mediaType, body: Array($0))
        },
        FuzzTarget(name: "postflare-scheduled", summary: "POST /emails with the input as `scheduled_at`") {
            postflareScheduled($0)
        },
        FuzzTarget(name: "postflare-emails", summary: "POST /emails with the input as JSON body") {
            postflare.call(.POST, "/emails", contentType: "application/json", body: Array($0))
        },
        FuzzTarget(name: "postflare-import", summary: "POST /contacts/imports with the input as the CSV file") {
            postflareImport($0)
        },
        FuzzTarget(name: "postflare-multipart", summary: "POST /contacts/imports: `Content-Type\\nbody`") {
            let (contentType, body) = headerAndBody($0)
            postflare.call(.POST, "/contacts/imports", contentType: contentType, body: body)
        },
        FuzzTarget(name: "flowdock-body", summary: "POST /flows/acme/my-flow/messages: `Content-Type\\nbody`") {
            let (contentType, body) = headerAndBody($0)
            flowdock.call(.POST, "/flows/acme/my-flow/messages", contentType: contentType, body: body)
        },
        FuzzTarget(name: "state", summary: "a state file (FileStateStore.decode), and a stored e-mail's state mutated")
        {
            state($0)
        },
        FuzzTarget(name: "flowdock-tags", summary: "Flowdock message content, tags and the tags filter") {
            flowdockTags($0)
        },
    ]

    static let mediaType = "application/vnd.flowmailer.v1.12+json"

    /// The first line of the input and the bytes after it.
    static func headerAndBody(_ input: UnsafeRawBufferPointer) -> (String, [UInt8]) {
        let bytes = Array(input)
        guard let nl = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
            return (String(decoding: bytes, as: UTF8.self), [])
        }
        return (String(decoding: bytes[..<nl], as: UTF8.self), Array(bytes[(nl + 1)...]))
    }

    // MARK: Vendors

    /// The repository's fixtures, found from this file's path (Tests/Fuzz/MailDoubleFuzz/…).
    static func fixtures(_ vendor: String) -> JSON? {
        let root = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(4).joined(separator: "/")
        do { return try Fixtures.load(vendor: vendor, directory: root + "/fixtures") } catch {
            fatalError("cannot load \(vendor) fixtures: \(error)")
        }
    }

    /// A frozen clock: tokens never expire, scheduled times are reproducible.
    static let now: Int64 = 1_767_225_600_000

    static let flowmailer = VendorHarness(host: "api.flowmailer.net") {
        try FlowmailerAPI(clock: EmulatorClock(frozenAtMillis: now), fixtures: fixtures("flowmailer"))
    } authorize: { router in
        // `restore` drops tokens: every input gets a fresh one, as an SDK would.
        let headers = HTTPHeaders([
            ("Host", "api.flowmailer.net"), ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", mediaType),
        ])
        let body = "client_id=maildouble&client_secret=maildouble-secret&grant_type=client_credentials&scope=api"
        let request = Request(method: .POST, target: "/oauth/token", headers: headers, body: Array(body.utf8))
        let r = router.respond(to: request)
        guard let token = (try? JSON.parse(r.body))?["access_token"]?.stringValue else {
            fatalError("fuzz setup: no Flowmailer token (\(r.status.code))")
        }
        return "Bearer " + token
    }

    static let postflare = VendorHarness(host: "api.resend.com") {
        var options = PostflareAPI.Options(rateLimitPerSecond: 0)
        // No webhook deliveries are generated: nothing would send them.
        options.webhookEndpointFilter = { _ in false }
        return try PostflareAPI(
            clock: EmulatorClock(frozenAtMillis: now),
            fixtures: fixtures("postflare"),
            options: options
        )
    } authorize: { _ in
        "Bearer re_test_maildouble_full"
    }

    static let flowdock = VendorHarness(host: "api.flowdock.com") {
        try FlowdockAPI(clock: EmulatorClock(frozenAtMillis: now), fixtures: fixtures("flowdock"))
    } authorize: { _ in
        "Basic " + Base64.encode(Array("maildouble-flowdock-token:".utf8))
    }

    // MARK: Targets

    /// Postflare's persisted state holding one sent e-mail (so the one-pass table decoding and the e-mail
    /// record layout are reached); the vendor is put back to its fixtures after it was taken.
    static let postflareState: [UInt8] = {
        let body =
            #"{"from":"Acme <hello@example.org>","to":["delivered@resend.dev"],"subject":"Hi","html":"<b>x</b>","tags":[{"name":"k","value":"v"}]}"#
        postflare.call(.POST, "/emails", contentType: "application/json", body: Array(body.utf8))
        defer {
            do { try postflare.vendor.restore(postflare.snapshot) } catch { fatalError("fuzz setup: \(error)") }
        }
        do {
            guard let bytes = try postflare.vendor.persistedState() else { fatalError("fuzz setup: no state") }
            return bytes
        } catch { fatalError("fuzz setup: \(error)") }
    }()

    /// The input as a whole state file (it must decode or throw, and what decodes re-encodes to the same
    /// parts), then as edits of a real persisted Postflare state — `(position, byte)` pairs, the first byte
    /// cutting the length — which must restore or throw, never trap.
    static func state(_ input: UnsafeRawBufferPointer) {
        let data = Array(input)
        if let parts = try? FileStateStore.decode(data, path: "fuzz") {
            let again = try? FileStateStore.decode(FileStateStore.encode(parts), path: "fuzz")
            if again != parts { finding("state file parts do not survive encode → decode") }
        }
        var bytes = postflareState
        if let cut = data.first, cut < 32 { bytes.removeLast(min(bytes.count, Int(cut))) }
        var i = 1
        while i + 2 < data.count, !bytes.isEmpty {
            let position = (Int(data[i]) << 8 | Int(data[i + 1])) % bytes.count
            bytes[position] = data[i + 2]
            i += 3
        }
        _ = try? postflare.vendor.restorePersisted(bytes)
        do { try postflare.vendor.restore(postflare.snapshot) } catch { finding("restore after a bad state: \(error)") }
    }

    static func flowmailerRange(_ input: UnsafeRawBufferPointer) {
        let (range, rest) = headerAndBody(input)
        let suffix = String(decoding: rest, as: UTF8.self)
        flowmailer.call(.GET, "/545/messages" + suffix, headers: [("Range", range), ("Accept", mediaType)])
    }

    static func postflareScheduled(_ input: UnsafeRawBufferPointer) {
        let body: JSON = [
            "from": "Acme <hello@example.org>", "to": "delivered@resend.dev", "subject": "Hello", "html": "<p>Hi</p>",
            "scheduled_at": .string(String(decoding: input, as: UTF8.self)),
        ]
        postflare.call(.POST, "/emails", contentType: "application/json", body: body.serialized())
    }

    static func postflareImport(_ input: UnsafeRawBufferPointer) {
        var body = Array("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\n".utf8)
        body += Array("Content-Type: text/csv\r\n\r\n".utf8) + Array(input) + Array("\r\n--XyZ--\r\n".utf8)
        postflare.call(.POST, "/contacts/imports", contentType: "multipart/form-data; boundary=XyZ", body: body)
    }

    static func flowdockTags(_ input: UnsafeRawBufferPointer) {
        let text = String(decoding: input, as: UTF8.self)
        let tags = text.split(separator: ",").map { JSON.string(String($0)) }
        let body: JSON = ["event": "message", "content": .string(text), "tags": .array(tags)]
        flowdock.call(.POST, "/flows/acme/my-flow/messages", contentType: "application/json", body: body.serialized())
        flowdock.call(
            .GET,
            "/flows/acme/my-flow/messages?tags=" + URLCoding.percentEncode(text),
            reset: false
        )
    }
}

/// One vendor, its router and its state after the fixtures loaded. Every input starts from that state, so a
/// crash file reproduces on its own and memory stays flat however long the run.
final class VendorHarness: Sendable {
    let vendor: any Vendor
    let router: Router
    let snapshot: VendorSnapshot
    let host: String
    let authorize: @Sendable (Router) -> String

    init(
        host: String,
        make: () throws -> any Vendor,
        authorize: @escaping @Sendable (Router) -> String
    ) {
        do { vendor = try make() } catch { fatalError("fuzz setup: \(error)") }
        router = vendor.makeRouter()
        snapshot = vendor.snapshot()
        self.host = host
        self.authorize = authorize
    }

    /// Sends one request; a 5xx answer is a finding (none of these routes answers 5xx on purpose).
    func call(
        _ method: HTTPMethod,
        _ target: String,
        contentType: String? = nil,
        headers extra: [(String, String)] = [],
        body: [UInt8] = [],
        reset: Bool = true
    ) {
        if reset {
            do { try vendor.restore(snapshot) } catch { fatalError("fuzz setup: restore failed: \(error)") }
        }
        var headers = HTTPHeaders([("Host", host), ("Authorization", authorize(router))])
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        for (name, value) in extra { headers.add(name: name, value: value) }
        let request = Request(
            method: method,
            target: target,
            headers: headers,
            body: body,
            isSecure: true,
            remoteAddress: "127.0.0.1"
        )
        let response = router.respond(to: request)
        if response.status.code >= 500 {
            let text = String(decoding: response.body.prefix(500), as: UTF8.self)
            finding("\(method) \(target) answered \(response.status.code): \(text)")
        }
    }
}
