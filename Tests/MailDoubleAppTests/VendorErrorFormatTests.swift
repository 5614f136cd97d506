// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTPCore
import MailDoubleApp
import Routing
import Testing

/// Errors the HTTP layer raises itself (HTTP/1.1 parse errors and limits, the header timeout, HTTP/2 limits)
/// answer in the format of the vendor the request names — by credentials, `Accept`, `Host` or path — and in
/// the generic format when nothing names one. Live: the whole emulator on its plain port.
@Suite struct VendorErrorFormatTests {
    enum Format: String, CaseIterable { case flowmailer, postflare, flowdock, generic }

    /// How a request names its vendor: the target and the header lines it sends.
    struct Naming: CustomStringConvertible {
        var format: Format
        var how: String
        var target: String
        var lineFormat: Format
        var headers: [(String, String)]
        var description: String { "\(format) by \(how)" }
    }

    // Each naming also carries a later step's contrary hint (another vendor's host), so it shows the step's
    // precedence; `lineFormat` is what the request line alone names (all a bad request line leaves).
    static let namings: [Naming] = [
        Naming(
            format: .flowmailer,
            how: "credentials",
            target: "/545/x",
            lineFormat: .flowmailer,
            headers: [
                ("Host", "api.resend.com"), ("Authorization", "Bearer opaque-oauth-token"),
            ]
        ),
        Naming(
            format: .flowmailer,
            how: "Accept",
            target: "/x",
            lineFormat: .generic,
            headers: [
                ("Host", "api.flowdock.com"), ("Accept", "application/vnd.flowmailer.v1.12+json"),
            ]
        ),
        Naming(
            format: .flowmailer,
            how: "host",
            target: "/x",
            lineFormat: .generic,
            headers: [("Host", "api.flowmailer.net")]
        ),
        Naming(
            format: .flowmailer,
            how: "path",
            target: "/545/messages",
            lineFormat: .flowmailer,
            headers: [("Host", "localhost")]
        ),
        Naming(
            format: .postflare,
            how: "credentials",
            target: "/545/x",
            lineFormat: .flowmailer,
            headers: [
                ("Host", "api.flowdock.com"), ("Authorization", "Bearer re_test_maildouble_full"),
            ]
        ),
        Naming(
            format: .postflare,
            how: "host",
            target: "/flows",
            lineFormat: .flowdock,
            headers: [("Host", "api.resend.com")]
        ),
        Naming(
            format: .postflare,
            how: "path",
            target: "/emails",
            lineFormat: .postflare,
            headers: [("Host", "localhost")]
        ),
        Naming(
            format: .flowdock,
            how: "credentials",
            target: "/x",
            lineFormat: .generic,
            headers: [
                ("Host", "api.resend.com"), ("Authorization", "Basic eDp5"),
            ]
        ),
        Naming(
            format: .flowdock,
            how: "access_token",
            target: "/x?access_token=t",
            lineFormat: .flowdock,
            headers: [
                ("Host", "api.resend.com")
            ]
        ),
        Naming(
            format: .flowdock,
            how: "host",
            target: "/x",
            lineFormat: .generic,
            headers: [("Host", "api.flowdock.com")]
        ),
        Naming(
            format: .flowdock,
            how: "path",
            target: "/flows",
            lineFormat: .flowdock,
            headers: [("Host", "localhost")]
        ),
        Naming(format: .generic, how: "nothing", target: "/x", lineFormat: .generic, headers: [("Host", "localhost")]),
    ]

    /// One malformed or over-limit request per status, built around a naming's target and headers.
    enum Failure: String, CaseIterable, CustomStringConvertible {
        case badHeader, badVersion, bodyTooLarge, headersTooLarge, unknownCoding, unsupportedExpect, version505
        var description: String { rawValue }

        var status: Int {
            switch self {
            case .badHeader, .badVersion: 400
            case .bodyTooLarge: 413
            case .headersTooLarge: 431
            case .unknownCoding: 501
            case .unsupportedExpect: 417
            case .version505: 505
            }
        }

        /// Errors in the request line leave only the target to name the vendor.
        var onlyThePathIsKnown: Bool { self == .badVersion || self == .version505 }

        func bytes(_ n: Naming) -> String {
            let head = n.headers.map { "\($0.0): \($0.1)\r\n" }.joined()
            switch self {
            case .badHeader: return "GET \(n.target) HTTP/1.1\r\n\(head)Bad Name: x\r\n\r\n"
            case .badVersion: return "GET \(n.target) HTTP/1.x\r\n\(head)\r\n"
            case .bodyTooLarge: return "POST \(n.target) HTTP/1.1\r\n\(head)Content-Length: 5000\r\n\r\n"
            case .headersTooLarge:
                return "GET \(n.target) HTTP/1.1\r\n\(head)X-Filler: \(String(repeating: "f", count: 17000))\r\n\r\n"
            case .unknownCoding: return "POST \(n.target) HTTP/1.1\r\n\(head)Transfer-Encoding: gzip\r\n\r\n"
            case .unsupportedExpect: return "POST \(n.target) HTTP/1.1\r\n\(head)Expect: x\r\nContent-Length: 1\r\n\r\n"
            case .version505: return "GET \(n.target) HTTP/1.2\r\n\(head)\r\n"
            }
        }
    }

    static func start() throws -> MailDouble {
        try MailDoubleTests.start {
            $0.maxBodyBytes = 1000
            $0.headerReadTimeout = 0.5
            $0.threads = 1
        }
    }

    /// Checks `body` is an error in `format` carrying `status`, and its `Content-Type` unless nil (the h2 client
    /// decodes only `:status` of the Huffman-coded header block; the HTTP/2 unit tests check the rest).
    static func expectFormat(
        _ format: Format,
        status: Int,
        contentType: String?,
        body: [UInt8],
        _ context: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let json = try? JSON.parse(body), case .object(let object) = json else {
            Issue.record("\(context): not a JSON object: \(String(decoding: body, as: UTF8.self))")
            return
        }
        let keys = Set(object.keys)
        switch format {
        case .flowmailer:
            let first = json["allErrors"]?.arrayValue?.first
            #expect(keys == ["allErrors"], "\(context)", sourceLocation: sourceLocation)
            #expect(
                first?["defaultMessage"]?.stringValue?.isEmpty == false,
                "\(context)",
                sourceLocation: sourceLocation
            )
            #expect(first?["code"]?.stringValue != nil, "\(context)", sourceLocation: sourceLocation)
            if let contentType { #expect(contentType.hasPrefix("application/vnd.flowmailer.v1.12+json"), "\(context)") }
        case .postflare:
            #expect(keys == ["statusCode", "message", "name"], "\(context)", sourceLocation: sourceLocation)
            #expect(json["statusCode"]?.intValue == status, "\(context)", sourceLocation: sourceLocation)
            if let contentType { #expect(contentType.hasPrefix("application/json"), "\(context)") }
        case .flowdock:
            #expect(keys == ["message"], "\(context)", sourceLocation: sourceLocation)
        case .generic:
            #expect(keys == ["error", "message"], "\(context)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: Failure.allCases)
    func http1ErrorsAnswerInTheNamedVendorsFormat(_ failure: Failure) throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        for naming in Self.namings {
            let client = try WireClient(port: app.httpPort!)
            client.send(Array(failure.bytes(naming).utf8))
            let r = try client.readHTTP1UntilClosed()
            let context = "\(failure) \(naming)"
            #expect(r.status == failure.status, "\(context)")
            #expect(r.headers["Connection"] == "close", "\(context)")
            let expected = failure.onlyThePathIsKnown ? naming.lineFormat : naming.format
            Self.expectFormat(
                expected,
                status: failure.status,
                contentType: r.headers["Content-Type"],
                body: r.body,
                context
            )
        }
    }

    @Test func theHeaderTimeoutAnswersInTheNamedVendorsFormat() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        // All heads are left unfinished at once, so the timeouts run together.
        let clients = try Self.namings.map { naming in
            let client = try WireClient(port: app.httpPort!)
            let head = naming.headers.map { "\($0.0): \($0.1)\r\n" }.joined()
            client.send(Array("GET \(naming.target) HTTP/1.1\r\n\(head)".utf8))
            return (naming, client)
        }
        for (naming, client) in clients {
            let r = try client.readHTTP1UntilClosed()
            #expect(r.status == 408, "\(naming)")
            Self.expectFormat(
                naming.format,
                status: 408,
                contentType: r.headers["Content-Type"],
                body: r.body,
                "408 \(naming)"
            )
        }
    }

    @Test(arguments: [false, true])
    func http2LimitsAnswerInTheNamedVendorsFormat(headersTooLarge: Bool) throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        for naming in Self.namings {
            let client = try WireClient(port: app.httpPort!)
            var fields = [(":method", "POST"), (":scheme", "http"), (":path", naming.target)]
            for (name, value) in naming.headers {
                fields.append(name == "Host" ? (":authority", value) : (name.lowercased(), value))
            }
            if headersTooLarge {
                fields += (0..<20).map { ("x-filler-\($0)", String(repeating: "v", count: 1000)) }
            } else {
                fields.append(("content-length", "5000"))
            }
            let (status, body) = try client.h2Exchange(fields)
            let expected = headersTooLarge ? 431 : 413
            #expect(status == expected, "h2 \(naming)")
            Self.expectFormat(naming.format, status: expected, contentType: nil, body: body, "h2 \(expected) \(naming)")
        }
    }

    @Test func anEncodedSlashInAFlowmailerPathIsRejectedLikeSpringDoes() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        for target in ["/545%2fmessages", "/545%2Fmessages/abc"] {
            let r = app.dispatcher.respond(
                to: Request(method: .GET, target: target, headers: ["Host": "localhost"])
            )
            #expect(r.status == .badRequest)
            Self.expectFormat(.flowmailer, status: 400, contentType: r.headers["Content-Type"], body: r.body, target)
            #expect(String(decoding: r.body, as: UTF8.self).contains("potentially malicious String"))
        }
        // An unknown path answered by the vendor the credentials name, even when the path says nothing.
        let unknown = app.dispatcher.respond(
            to: Request(method: .GET, target: "/nowhere", headers: ["Authorization": "Bearer re_test_maildouble_full"])
        )
        #expect(unknown.status == .notFound)
        Self.expectFormat(
            .postflare,
            status: 404,
            contentType: unknown.headers["Content-Type"],
            body: unknown.body,
            "404"
        )
    }

    /// Tokens a vendor issued name it on any path (item 2 of issue 13): a Flowmailer OAuth token (live or
    /// expired) and a Flowdock user token used as a bearer; an opaque token nobody issued names no one there.
    @Test func issuedBearerTokensNameTheirVendorOnAnyPath() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        let token = app.dispatcher.respond(
            to: Request(
                method: .POST,
                target: "/oauth/token",
                headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: Array("client_id=maildouble&client_secret=maildouble-secret&grant_type=client_credentials".utf8)
            )
        )
        let access = try #require((try JSON.parse(token.body))["access_token"]?.stringValue)
        func unknown(_ bearer: String, host: String = "localhost") -> Response {
            app.dispatcher.respond(
                to: Request(
                    method: .DELETE,
                    target: "/nowhere/at/all",
                    headers: ["Authorization": "Bearer \(bearer)", "Host": host]
                )
            )
        }
        // The Flowmailer token wins over another vendor's host.
        let flowmailer = unknown(access, host: "api.flowdock.com")
        // (Flowmailer's router reads the first segment as an account, which the token is not for: its 403.)
        #expect([403, 404].contains(flowmailer.status.code))
        Self.expectFormat(
            .flowmailer,
            status: flowmailer.status.code,
            contentType: flowmailer.headers["Content-Type"],
            body: flowmailer.body,
            "Flowmailer token"
        )
        let flowdock = unknown("maildouble-flowdock-token")  // the fixtures' user token
        Self.expectFormat(
            .flowdock,
            status: 404,
            contentType: flowdock.headers["Content-Type"],
            body: flowdock.body,
            "Flowdock token"
        )
        let nobody = unknown("never-issued")
        Self.expectFormat(
            .generic,
            status: 404,
            contentType: nobody.headers["Content-Type"],
            body: nobody.body,
            "opaque token"
        )
    }
}
