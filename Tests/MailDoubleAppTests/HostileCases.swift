// SPDX-License-Identifier: Apache-2.0
import EmulatorKit

/// Who a hostile request is addressed to, so whose error format its answer must be in.
enum HostileVendor: String, CaseIterable, CustomStringConvertible {
    case flowmailer, postflare, flowdock, emulator
    var description: String { rawValue }

    var host: String {
        switch self {
        case .flowmailer: "api.flowmailer.net"
        case .postflare: "api.resend.com"
        case .flowdock: "api.flowdock.com"
        case .emulator: "localhost"
        }
    }

    /// A read route of the vendor's that works with `authorization`.
    var readTarget: String {
        switch self {
        case .flowmailer: "/545/messages"
        case .postflare: "/emails"
        case .flowdock: "/flows"
        case .emulator: "/_emulator/messages"
        }
    }

    /// A route that stores what it is sent (the control plane has none: its POST answers 405).
    var writeTarget: String {
        switch self {
        case .flowmailer: "/545/messages/submit"
        case .postflare: "/emails"
        case .flowdock: "/flows/acme/my-flow/messages"
        case .emulator: "/_emulator/messages"
        }
    }

    var contentType: String {
        self == .flowmailer ? HostileCases.flowmailerMedia : "application/json"
    }
}

/// A request as logical parts; any byte may be in any part. Rendered per transport (`HostileCases.http1`,
/// `HostileCase.h2Fields`).
struct HostileRequest {
    var method: [UInt8]
    var target: [UInt8]
    var headers: [([UInt8], [UInt8])]
    var body: [UInt8] = []
    /// Whether to send the vendor's Host (`:authority`) first.
    var host = true
}

/// What is sent for one case.
enum HostilePayload {
    /// One request, rendered for the case's transport.
    case request(HostileRequest)
    /// HTTP/1.1 transports only: bytes as they go on the wire.
    case http1(raw: [UInt8])
    /// HTTP/2 only: after the preface and SETTINGS, `before` raw bytes, then (when `fields` is not nil) a
    /// request on stream 1 with `body`, then `after` raw bytes.
    case http2(before: [UInt8], fields: [([UInt8], [UInt8])]?, body: [UInt8], after: [UInt8])
}

struct HostileCase: CustomStringConvertible {
    var vendor: HostileVendor
    var group: String
    var name: String
    var transport: HostileTransport
    var payload: HostilePayload
    var isHead = false
    /// HTTP/1.1: the request line cannot be parsed (or is over the limit), so the server never reads the
    /// headers that name the vendor and answers in the generic format.
    var requestLineBroken: Bool {
        guard transport != .tlsHTTP2 else { return false }
        return HostileCases.brokenRequestLines.contains(group + ": " + name)
    }
    /// HTTP/2: the server may end the connection without a GOAWAY reaching the client (a flood, a client's own
    /// GOAWAY, or a header block over HPACK's limits still being written when the server closes).
    var mayCloseHTTP2: Bool {
        guard transport == .tlsHTTP2 else { return false }
        if group == "h2" { return true }
        guard case .request(let r) = payload else { return false }
        return r.target.count + r.headers.reduce(0) { $0 + $1.0.count + $1.1.count } > 65_536
    }
    var description: String { "[\(transport)] \(vendor) \(group): \(name)" }
}

/// The tables the hostile suite is generated from. Each entry becomes one case per vendor it applies to and
/// per transport it can travel on; every case is a distinct request.
enum HostileCases {
    static let flowmailerMedia = "application/vnd.flowmailer.v1.12+json"

    static let brokenRequestLines: Set<String> = [
        "target: raw NUL", "target: raw 0xFF", "target: raw tab", "target: no leading slash", "target: backslashes",
        "target: asterisk", "query: raw 0xFF", "query: 10k parameters", "method: method with a slash",
        "method: NUL in the method", "http1: extra spaces in the request line", "http1: binary garbage",
        "http1: TLS ClientHello bytes", "http1: NUL in the request line", "http1: HTTP/0.9 request", "http1: CONNECT",
        "http1: 100 KB request line",
    ]

    struct Credentials {
        var flowmailerToken: String
        var postflare = "Bearer re_test_maildouble_full"
        var flowdock = "Bearer maildouble-flowdock-token"

        func authorization(_ vendor: HostileVendor) -> String? {
            switch vendor {
            case .flowmailer: "Bearer " + flowmailerToken
            case .postflare: postflare
            case .flowdock: flowdock
            case .emulator: nil
            }
        }
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    // MARK: Rendering

    /// The request's HTTP/1.1 bytes: Host first, then the headers, then a Content-Length for the body.
    static func http1(_ r: HostileRequest, _ vendor: HostileVendor) -> [UInt8] {
        var out = r.method + [32] + r.target + bytes(" HTTP/1.1\r\n")
        if r.host { out += bytes("Host: \(vendor.host)\r\n") }
        for (name, value) in r.headers { out += name + bytes(": ") + value + [13, 10] }
        let hasBody = !r.body.isEmpty || ["POST", "PUT", "PATCH"].contains(String(decoding: r.method, as: UTF8.self))
        if hasBody { out += bytes("Content-Length: \(r.body.count)\r\n") }
        return out + [13, 10] + r.body
    }

    /// The request's HTTP/2 fields: pseudo-headers, then the headers with lower-cased names.
    static func h2Fields(_ r: HostileRequest, _ vendor: HostileVendor) -> [([UInt8], [UInt8])] {
        var fields: [([UInt8], [UInt8])] = [(bytes(":method"), r.method), (bytes(":scheme"), bytes("https"))]
        if r.host { fields.append((bytes(":authority"), bytes(vendor.host))) }
        fields.append((bytes(":path"), r.target))
        for (name, value) in r.headers {
            fields.append((name.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, value))
        }
        return fields
    }

    // MARK: The tables

    static func all(_ credentials: Credentials) -> [HostileCase] {
        var cases: [HostileCase] = []
        // Requests rendered on all three transports.
        func add(_ vendor: HostileVendor, _ group: String, _ name: String, _ request: HostileRequest) {
            for transport in HostileTransport.allCases {
                cases.append(
                    HostileCase(
                        vendor: vendor,
                        group: group,
                        name: name,
                        transport: transport,
                        payload: .request(request),
                        isHead: request.method == bytes("HEAD")
                    )
                )
            }
        }
        func standard(_ vendor: HostileVendor, json: Bool) -> [([UInt8], [UInt8])] {
            var headers: [([UInt8], [UInt8])] = []
            if let auth = credentials.authorization(vendor) { headers.append((bytes("Authorization"), bytes(auth))) }
            if json {
                headers.append((bytes("Content-Type"), bytes(vendor.contentType)))
                headers.append((bytes("Accept"), bytes(vendor.contentType)))
            } else if vendor == .flowmailer {
                headers.append((bytes("Accept"), bytes(flowmailerMedia)))
            }
            return headers
        }

        for vendor in HostileVendor.allCases {
            for (name, body) in badBodies {
                add(
                    vendor,
                    "json",
                    name,
                    HostileRequest(
                        method: bytes("POST"),
                        target: bytes(vendor.writeTarget),
                        headers: standard(vendor, json: true),
                        body: body
                    )
                )
            }
            for (name, header) in badHeaders {
                add(
                    vendor,
                    "header",
                    name,
                    HostileRequest(
                        method: bytes("GET"),
                        target: bytes(vendor.readTarget),
                        headers: standard(vendor, json: false) + header
                    )
                )
            }
            let prefix = vendor.readTarget
            for (name, target) in badTargets(prefix) {
                add(
                    vendor,
                    "target",
                    name,
                    HostileRequest(method: bytes("GET"), target: target, headers: standard(vendor, json: false))
                )
            }
            for (name, method) in badMethods {
                add(
                    vendor,
                    "method",
                    name,
                    HostileRequest(method: method, target: bytes(prefix), headers: standard(vendor, json: false))
                )
            }
            if vendor != .emulator {
                for (name, auth) in badAuthorizations {
                    var headers = standard(vendor, json: false).filter { $0.0 != bytes("Authorization") }
                    headers += auth.map { (bytes("Authorization"), $0) }
                    add(
                        vendor,
                        "auth",
                        name,
                        HostileRequest(method: bytes("GET"), target: bytes(prefix), headers: headers)
                    )
                }
            }
            for (name, body) in injections(vendor) {
                add(
                    vendor,
                    "injection",
                    name,
                    HostileRequest(
                        method: bytes("POST"),
                        target: bytes(vendor.writeTarget),
                        headers: standard(vendor, json: true),
                        body: bytes(body)
                    )
                )
            }
            for (name, query) in badQueries(vendor) {
                add(
                    vendor,
                    "query",
                    name,
                    HostileRequest(
                        method: bytes("GET"),
                        target: bytes(prefix) + [UInt8(ascii: "?")] + query,
                        headers: standard(vendor, json: false)
                    )
                )
            }
            // HTTP/1.1 framing: plain and TLS.
            for (name, raw) in http1Wire(vendor, headers: standard(vendor, json: true)) {
                for transport in [HostileTransport.plainHTTP1, .tlsHTTP1] {
                    cases.append(
                        HostileCase(
                            vendor: vendor,
                            group: "http1",
                            name: name,
                            transport: transport,
                            payload: .http1(raw: raw)
                        )
                    )
                }
            }
            // HTTP/2 frames.
            let fields = h2Fields(
                HostileRequest(method: bytes("GET"), target: bytes(prefix), headers: standard(vendor, json: false)),
                vendor
            )
            for (name, payload) in http2Frames(fields) {
                cases.append(
                    HostileCase(vendor: vendor, group: "h2", name: name, transport: .tlsHTTP2, payload: payload)
                )
            }
        }
        for (name, range) in badRanges {
            add(
                .flowmailer,
                "range",
                name,
                HostileRequest(
                    method: bytes("GET"),
                    target: bytes("/545/messages"),
                    headers: standard(.flowmailer, json: false) + [(bytes("Range"), range)]
                )
            )
        }
        for (name, target) in matrixTargets {
            add(
                .flowmailer,
                "matrix",
                name,
                HostileRequest(method: bytes("GET"), target: bytes(target), headers: standard(.flowmailer, json: false))
            )
        }
        for (name, body) in oauthBodies {
            add(
                .flowmailer,
                "oauth",
                name,
                HostileRequest(
                    method: bytes("POST"),
                    target: bytes("/oauth/token"),
                    headers: [(bytes("Content-Type"), bytes("application/x-www-form-urlencoded"))],
                    body: body
                )
            )
        }
        for (name, contentType, body) in multiparts {
            add(
                .postflare,
                "multipart",
                name,
                HostileRequest(
                    method: bytes("POST"),
                    target: bytes("/contacts/imports"),
                    headers: [
                        (bytes("Authorization"), bytes(credentials.postflare)), (bytes("Content-Type"), contentType),
                    ],
                    body: body
                )
            )
        }
        return cases
    }

    // MARK: Bodies

    static let badBodies: [(String, [UInt8])] = {
        let deep = 100_000
        let huge = String(repeating: "a", count: 2 << 20)
        var manyKeys = "{"
        for i in 0..<100_000 { manyKeys += (i == 0 ? "" : ",") + "\"k\(i)\":\(i)" }
        manyKeys += "}"
        return [
            ("empty body", []),
            ("lone brace", bytes("{")),
            ("missing value", bytes(#"{"subject":}"#)),
            ("100k nested [", Array(repeating: UInt8(ascii: "["), count: deep)),
            (
                "100k nested balanced",
                Array(repeating: UInt8(ascii: "["), count: deep) + Array(repeating: 93, count: deep)
            ),
            ("50k nested objects", Array(String(repeating: #"{"a":"#, count: 50_000).utf8)),
            (
                "1k nested objects in a field",
                bytes(
                    #"{"subject":"# + String(repeating: #"{"a":"#, count: 1000) + "1"
                        + String(repeating: "}", count: 1001)
                )
            ),
            ("2 MB subject", bytes(#"{"subject":""# + huge + #"","to":"a@example.org"}"#)),
            ("2 MB key", bytes(#"{""# + huge + #"":1}"#)),
            ("2 MB of spaces", Array(repeating: 32, count: 2 << 20)),
            ("100k keys", bytes(manyKeys)),
            ("100k element array", bytes("[" + Array(repeating: "0", count: 100_000).joined(separator: ",") + "]")),
            ("invalid UTF-8 in a string", bytes(#"{"subject":""#) + [0xFF, 0xFE, 0xC3] + bytes(#""}"#)),
            ("overlong UTF-8 slash", bytes(#"{"subject":""#) + [0xC0, 0xAF] + bytes(#""}"#)),
            ("UTF-16 surrogate bytes", bytes(#"{"subject":""#) + [0xED, 0xA0, 0x80] + bytes(#""}"#)),
            ("lone surrogate escape", bytes(#"{"subject":"\ud800"}"#)),
            ("raw NUL in a string", bytes(#"{"subject":"a"#) + [0] + bytes(#"b"}"#)),
            ("raw NUL between tokens", bytes("{") + [0] + bytes("}")),
            ("escaped NUL", bytes(#"{"subject":"\u0000"}"#)),
            ("raw control characters", bytes(#"{"subject":""#) + [1, 2, 8, 27, 127] + bytes(#""}"#)),
            ("bad escape", bytes(#"{"subject":"\x41"}"#)),
            ("unterminated string", bytes(#"{"subject":"abc"#)),
            ("huge exponent", bytes(#"{"n":1e999999999}"#)),
            ("huge integer", bytes(#"{"n":"# + String(repeating: "9", count: 10_000) + "}")),
            ("NaN and Infinity", bytes(#"{"a":NaN,"b":Infinity,"c":-Infinity}"#)),
            ("leading zeros", bytes(#"{"n":0001}"#)),
            ("trailing garbage", bytes(#"{} trailing"#)),
            ("trailing comma", bytes(#"{"a":1,}"#)),
            ("duplicate keys", bytes(#"{"subject":"a","subject":"b","subject":{}}"#)),
            ("byte order mark", [0xEF, 0xBB, 0xBF] + bytes("{}")),
            ("UTF-16 body", [0xFF, 0xFE, UInt8(ascii: "{"), 0, UInt8(ascii: "}"), 0]),
            ("top-level null", bytes("null")),
            ("top-level string", bytes(#""hello""#)),
            ("top-level number", bytes("-0.0e-0")),
            ("top-level array of objects", bytes("[{},{},{}]")),
            ("wrong field types", bytes(#"{"to":5,"from":[],"subject":{},"headers":"x","html":true,"content":[1]}"#)),
            ("random binary", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }),
        ]
    }()

    /// JSON fields that end up as mail headers or chat fields, with line breaks and NULs in them.
    static func injections(_ vendor: HostileVendor) -> [(String, String)] {
        let crlf = #"\r\nBcc: evil@example.net"#
        switch vendor {
        case .postflare:
            let base = #""from":"Acme <hello@example.org>","to":["delivered@resend.dev"],"html":"<p>x</p>""#
            return [
                ("CRLF in a header value", #"{\#(base),"subject":"s","headers":{"X-A":"v\#(crlf)"}}"#),
                ("CRLF in a header name", #"{\#(base),"subject":"s","headers":{"X-A\#(crlf)":"v"}}"#),
                ("bare LF in a header value", #"{\#(base),"subject":"s","headers":{"X-A":"v\nBcc: e@x.net"}}"#),
                ("bare CR in a header value", #"{\#(base),"subject":"s","headers":{"X-A":"v\rBcc: e@x.net"}}"#),
                ("NUL in a header value", #"{\#(base),"subject":"s","headers":{"X-A":"v\u0000w"}}"#),
                ("empty header name", #"{\#(base),"subject":"s","headers":{"":"v"}}"#),
                ("header name with a colon", #"{\#(base),"subject":"s","headers":{"Bcc:":"e@x.net"}}"#),
                ("header value not a string", #"{\#(base),"subject":"s","headers":{"X-A":{"b":1}}}"#),
                ("CRLF in the subject", #"{\#(base),"subject":"s\#(crlf)"}"#),
                ("NUL in the subject", #"{\#(base),"subject":"s\u0000t"}"#),
                (
                    "CRLF in the from display name",
                    #"{"from":"Evil\#(crlf) <a@example.org>","to":["delivered@resend.dev"],"subject":"s","html":"x"}"#
                ),
                (
                    "CRLF in a quoted display name",
                    #"{"from":"\"Evil\#(crlf)\" <a@example.org>","to":["delivered@resend.dev"],"subject":"s","html":"x"}"#
                ),
                (
                    "CRLF in a recipient",
                    #"{"from":"a@example.org","to":["delivered@resend.dev\#(crlf)"],"subject":"s","html":"x"}"#
                ),
                ("CRLF in reply_to", #"{\#(base),"subject":"s","reply_to":"r@example.org\#(crlf)"}"#),
                ("CRLF in a tag", #"{\#(base),"subject":"s","tags":[{"name":"a\#(crlf)","value":"b"}]}"#),
                (
                    "CRLF in an attachment name",
                    #"{\#(base),"subject":"s","attachments":[{"filename":"a\#(crlf).txt","content":"eA=="}]}"#
                ),
            ]
        case .flowmailer:
            let base =
                #""messageType":"EMAIL","senderAddress":"a@example.com","recipientAddress":"b@example.com","text":"t""#
            return [
                ("CRLF in a header value", #"{\#(base),"subject":"s","headers":[{"name":"X-A","value":"v\#(crlf)"}]}"#),
                ("CRLF in a header name", #"{\#(base),"subject":"s","headers":[{"name":"X-A\#(crlf)","value":"v"}]}"#),
                (
                    "bare LF in a header value",
                    #"{\#(base),"subject":"s","headers":[{"name":"X-A","value":"v\nB: c"}]}"#
                ),
                ("NUL in a header value", #"{\#(base),"subject":"s","headers":[{"name":"X-A","value":"\u0000"}]}"#),
                ("empty header name", #"{\#(base),"subject":"s","headers":[{"name":"","value":"v"}]}"#),
                ("header without a value", #"{\#(base),"subject":"s","headers":[{"name":"X-A"}]}"#),
                ("CRLF in the subject", #"{\#(base),"subject":"s\#(crlf)"}"#),
                ("CRLF in the sender name", #"{\#(base),"subject":"s","headerFromName":"Evil\#(crlf)"}"#),
                (
                    "CRLF in the header from address",
                    #"{\#(base),"subject":"s","headerFromAddress":"a@example.com\#(crlf)"}"#
                ),
                (
                    "CRLF in the recipient",
                    #"{"messageType":"EMAIL","senderAddress":"a@example.com","recipientAddress":"b@example.com\#(crlf)","subject":"s","text":"t"}"#
                ),
                ("CRLF in a tag", #"{\#(base),"subject":"s","tags":["a\#(crlf)"]}"#),
                (
                    "CRLF in an attachment filename",
                    #"{\#(base),"subject":"s","attachments":[{"filename":"a\#(crlf)","contentType":"text/plain","content":"eA=="}]}"#
                ),
            ]
        case .flowdock:
            return [
                ("CRLF in the content", #"{"event":"message","content":"a\#(crlf)"}"#),
                ("NUL in the content", #"{"event":"message","content":"a\u0000b"}"#),
                ("CRLF in a tag", #"{"event":"message","content":"a","tags":["x\#(crlf)"]}"#),
                (
                    "CRLF in the external user name",
                    #"{"event":"message","content":"a","external_user_name":"e\#(crlf)"}"#
                ),
                ("CRLF in the event", #"{"event":"message\#(crlf)","content":"a"}"#),
                ("content as an object", #"{"event":"message","content":{"a":1}}"#),
            ]
        case .emulator:
            return [("CRLF in a field", #"{"subject":"a\#(crlf)"}"#)]
        }
    }

    // MARK: Headers

    static let badHeaders: [(String, [([UInt8], [UInt8])])] = [
        ("NUL in a header value", [(bytes("X-Test"), bytes("a") + [0] + bytes("b"))]),
        ("bare CR in a header value", [(bytes("X-Test"), bytes("a\rb"))]),
        ("bare LF in a header value", [(bytes("X-Test"), bytes("a\nX-Smuggled: b"))]),
        ("CRLF in a header value", [(bytes("X-Test"), bytes("a\r\nX-Smuggled: b"))]),
        ("invalid UTF-8 in a header value", [(bytes("X-Test"), [0xFF, 0xFE, 0x80])]),
        ("DEL in a header value", [(bytes("X-Test"), [0x7F])]),
        ("space in a header name", [(bytes("X Test"), bytes("v"))]),
        ("empty header name", [([], bytes("v"))]),
        ("NUL in a header name", [(bytes("X-") + [0], bytes("v"))]),
        ("non-ASCII header name", [([0xC3, 0xA9], bytes("v"))]),
        ("obs-fold continuation", [(bytes("X-Test"), bytes("a\r\n folded"))]),
        ("100 KB header value", [(bytes("X-Big"), Array(repeating: UInt8(ascii: "b"), count: 100_000))]),
        ("1000 headers", (0..<1000).map { (bytes("X-H\($0)"), bytes("v")) }),
        ("second Host", [(bytes("Host"), bytes("evil.example"))]),
        ("Content-Length on a GET", [(bytes("Content-Length"), bytes("0"))]),
        ("negative Content-Length", [(bytes("Content-Length"), bytes("-1"))]),
        ("Content-Type with NUL", [(bytes("Content-Type"), bytes("application/json") + [0])]),
        ("Accept of garbage", [(bytes("Accept"), bytes(";;;=,,/*;q=abc"))]),
        ("Accept-Encoding bomb", [(bytes("Accept-Encoding"), bytes(String(repeating: "gzip,", count: 2000)))]),
        ("Expect garbage", [(bytes("Expect"), bytes("\u{1}"))]),
        ("Connection header lists", [(bytes("Connection"), bytes("close, Authorization, Host"))]),
        ("If-Modified-Since garbage", [(bytes("If-Modified-Since"), [0xFF] + bytes("Mon, 99 Foo 99999"))]),
    ]

    // MARK: Targets and queries

    static func badTargets(_ prefix: String) -> [(String, [UInt8])] {
        [
            ("dot-dot segment", bytes("/.." + prefix)),
            ("traversal to /etc/passwd", bytes(prefix + "/../../../../etc/passwd")),
            ("encoded dot-dot", bytes(prefix + "/%2e%2e/%2e%2e/etc/passwd")),
            ("encoded slash", bytes(prefix + "%2F..%2Fx")),
            ("encoded NUL", bytes(prefix + "/%00")),
            ("raw NUL", bytes(prefix + "/") + [0]),
            ("raw 0xFF", bytes(prefix + "/") + [0xFF, 0xFE]),
            ("encoded invalid UTF-8", bytes(prefix + "/%FF%FE%C0%AF")),
            ("truncated escape", bytes(prefix + "/%")),
            ("bad escape", bytes(prefix + "/%zz")),
            ("double slashes", bytes("//" + prefix.dropFirst() + "//")),
            ("backslashes", bytes(prefix.replacing("/", with: "\\"))),
            ("matrix garbage", bytes(prefix + ";foo;;=;")),
            ("fragment", bytes(prefix + "#frag")),
            ("asterisk", bytes("*")),
            ("absolute form", bytes("http://evil.example" + prefix)),
            ("no leading slash", bytes(String(prefix.dropFirst()))),
            ("10 KB path", bytes(prefix + "/" + String(repeating: "x", count: 10_000))),
            ("1000 segments", bytes(prefix + String(repeating: "/a", count: 1000))),
            ("raw tab", bytes(prefix + "/\t")),
            ("encoded CRLF", bytes(prefix + "/%0d%0aX-Injected:%20y")),
        ]
    }

    static func badQueries(_ vendor: HostileVendor) -> [(String, [UInt8])] {
        let common: [(String, [UInt8])] = [
            ("bare ampersands", bytes("&&&=&=")),
            ("truncated escape", bytes("a=%")),
            ("bad escape", bytes("a=%zz")),
            ("encoded NUL", bytes("a=%00")),
            ("raw 0xFF", bytes("a=") + [0xFF]),
            ("10k parameters", bytes((0..<10_000).map { "p\($0)=\($0)" }.joined(separator: "&"))),
            ("question marks", bytes("???")),
        ]
        let specific: [String]
        switch vendor {
        case .flowmailer:
            specific = [
                "daterange=garbage", "daterange=2021-01-01T00:00:00Z,", "flowselector=%00", "addevents=maybe",
                "sortorder=SIDEWAYS",
            ]
        case .postflare:
            specific = [
                "limit=-1", "limit=99999999999999999999", "limit=1e3", "after=%FF", "before=x&after=y", "limit=",
            ]
        case .flowdock:
            specific = ["users=%zz", "access_token=", "limit=-5"]
        case .emulator:
            specific = ["limit=-1", "limit=99999999999999999999", "since=%FF", "vendor=%00", "cursor=garbage"]
        }
        return common + specific.map { ($0, bytes($0)) }
    }

    static let badRanges: [(String, [UInt8])] = [
        ("20-digit start", bytes("items=99999999999999999999:")),
        ("negative end", bytes("items=:-1")),
        ("bytes unit", bytes("bytes=0-1")),
        ("huge end", bytes("items=0:99999999999")),
        ("negative start", bytes("items=-5:10")),
        ("letters", bytes("items=abc")),
        ("empty items", bytes("items=")),
        ("zero width", bytes("items=0:0")),
        ("reversed", bytes("items=10:5")),
        ("lone colon", bytes("items=:")),
        ("empty", []),
        ("multiple ranges", bytes("items=0:10,20:30")),
        ("parameters", bytes("items=0:10;x=y")),
        ("invalid UTF-8", bytes("items=") + [0xFF]),
        ("10 KB key", bytes("items=" + String(repeating: "A", count: 10_000) + ":")),
        ("Int64 overflow end", bytes("items=0:9223372036854775808")),
        ("Int64.max end", bytes("items=9223372036854775806:9223372036854775807")),
    ]

    static let matrixTargets: [(String, String)] = [
        ("matrix on the collection", "/545/messages;foo;;=;"),
        ("matrix on the account", "/545;x=y/messages"),
        ("jsessionid", "/545/messages;jsessionid=ABC"),
        ("empty matrix", "/545/messages;"),
        ("matrix on an id", "/545/messages/abc;def"),
        ("encoded semicolon", "/545/messages%3Bx"),
        ("huge account id", "/99999999999999999999999/messages"),
        ("negative account", "/-1/messages"),
        ("matrix only", "/;/;/;"),
    ]

    static let oauthBodies: [(String, [UInt8])] = [
        ("empty form", []),
        ("no grant", bytes("client_id=maildouble&client_secret=maildouble-secret")),
        ("bad escape", bytes("client_id=%zz&client_secret=%&grant_type=client_credentials")),
        (
            "NUL in the secret",
            bytes("client_id=maildouble&client_secret=maildouble-secret%00&grant_type=client_credentials")
        ),
        ("invalid UTF-8", bytes("client_id=") + [0xFF] + bytes("&grant_type=client_credentials")),
        ("JSON instead of a form", bytes(#"{"client_id":"maildouble"}"#)),
        ("100k parameters", bytes((0..<100_000).map { "a\($0)=b" }.joined(separator: "&"))),
        (
            "2 MB secret",
            bytes(
                "client_id=maildouble&grant_type=client_credentials&client_secret="
                    + String(repeating: "s", count: 2 << 20)
            )
        ),
        ("unknown grant", bytes("client_id=maildouble&client_secret=maildouble-secret&grant_type=password")),
    ]

    static let badMethods: [(String, [UInt8])] = [
        ("unknown method", bytes("FOO")),
        ("WebDAV method", bytes("PROPFIND")),
        ("TRACE", bytes("TRACE")),
        ("lower-case get", bytes("get")),
        ("1000-byte method", Array(repeating: UInt8(ascii: "X"), count: 1000)),
        ("NUL in the method", bytes("GE") + [0] + bytes("T")),
        ("method with a slash", bytes("M/SEARCH")),
        ("DELETE on a list", bytes("DELETE")),
        ("HEAD", bytes("HEAD")),
        ("OPTIONS", bytes("OPTIONS")),
    ]

    static let badAuthorizations: [(String, [[UInt8]])] = [
        ("empty header", [[]]),
        ("empty Bearer", [bytes("Bearer")]),
        ("Bearer and a space", [bytes("Bearer ")]),
        ("Bearer with spaces", [bytes("Bearer    ")]),
        ("token with inner spaces", [bytes("Bearer a b c")]),
        ("Basic with invalid base64", [bytes("Basic !!!not*base64")]),
        ("Basic with padding only", [bytes("Basic ====")]),
        ("Basic without a colon", [bytes("Basic " + Base64.encode(Array("nocolon".utf8)))]),
        ("Basic of invalid UTF-8", [bytes("Basic " + Base64.encode([0xFF, 0xFE, 0x3A, 0xC0]))]),
        ("Basic empty", [bytes("Basic ")]),
        ("wrong scheme", [bytes("Digest username=\"x\"")]),
        ("token scheme", [bytes("Token token=abc")]),
        ("scheme only garbage", [bytes(";;;")]),
        ("8 KB token", [bytes("Bearer " + String(repeating: "t", count: 8_000))]),
        ("100 KB token", [bytes("Bearer " + String(repeating: "t", count: 100_000))]),
        ("NUL in the token", [bytes("Bearer re_") + [0]]),
        ("invalid UTF-8 token", [bytes("Bearer re_") + [0xFF, 0xFE]]),
        ("two headers", [bytes("Bearer re_test_maildouble_full"), bytes("Basic eDp5")]),
        ("token plus garbage", [bytes("Bearer re_test_maildouble_full garbage")]),
    ]

    // MARK: Multipart

    static let multiparts: [(String, [UInt8], [UInt8])] = {
        func form(_ boundary: String, _ parts: [String], close: Bool = true) -> [UInt8] {
            var text = parts.map { "--\(boundary)\r\n\($0)\r\n" }.joined()
            if close { text += "--\(boundary)--\r\n" }
            return bytes(text)
        }
        let csvPart = { (csv: String) in
            "Content-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)"
        }
        let mp = { (b: String) in bytes("multipart/form-data; boundary=\(b)") }
        return [
            ("no boundary parameter", bytes("multipart/form-data"), form("x", [csvPart("email\na@b.c")])),
            ("empty boundary", bytes("multipart/form-data; boundary="), form("", [csvPart("email")])),
            ("boundary mismatch", mp("aaa"), form("bbb", [csvPart("email\na@b.c")])),
            ("no closing boundary", mp("b"), form("b", [csvPart("email\na@b.c")], close: false)),
            ("no parts", mp("b"), bytes("--b--\r\n")),
            ("garbage body", mp("b"), bytes("not multipart at all")),
            ("part without headers", mp("b"), form("b", ["\r\nemail"])),
            ("part without a name", mp("b"), form("b", ["Content-Disposition: form-data\r\n\r\nemail"])),
            (
                "unterminated quoted name", mp("b"),
                form("b", ["Content-Disposition: form-data; name=\"file\r\n\r\nemail"])
            ),
            (
                "10k parts", mp("b"),
                form("b", (0..<10_000).map { "Content-Disposition: form-data; name=\"p\($0)\"\r\n\r\nv" })
            ),
            (
                "100 KB part header", mp("b"),
                form(
                    "b",
                    [
                        "Content-Disposition: form-data; name=\"file\"; x=\"" + String(repeating: "h", count: 100_000)
                            + "\"\r\n\r\nemail"
                    ]
                )
            ),
            ("5 MB single-line CSV", mp("b"), form("b", [csvPart("email," + String(repeating: "x", count: 5 << 20))])),
            ("CSV of invalid UTF-8", mp("b"), form("b", [csvPart("email\n")]) + [0xFF, 0xFE]),
            ("CSV with NUL", mp("b"), form("b", [csvPart("email\na\u{0}@b.c")])),
            ("CSV with unbalanced quotes", mp("b"), form("b", [csvPart("email\n\"a@b.c\n\"\"\"")])),
            ("CSV header only", mp("b"), form("b", [csvPart("")])),
            (
                "200-byte boundary", mp(String(repeating: "z", count: 200)),
                form(String(repeating: "z", count: 200), [csvPart("email")])
            ),
            ("quoted boundary unterminated", bytes("multipart/form-data; boundary=\"b"), form("b", [csvPart("email")])),
            (
                "column_map not JSON", mp("b"),
                form("b", [csvPart("email\na@b.c"), "Content-Disposition: form-data; name=\"column_map\"\r\n\r\n{{{"])
            ),
            (
                "column_map 100k deep", mp("b"),
                form(
                    "b",
                    [
                        csvPart("email\na@b.c"),
                        "Content-Disposition: form-data; name=\"column_map\"\r\n\r\n"
                            + String(repeating: "[", count: 100_000),
                    ]
                )
            ),
            (
                "bad on_conflict", mp("b"),
                form(
                    "b",
                    [csvPart("email\na@b.c"), "Content-Disposition: form-data; name=\"on_conflict\"\r\n\r\n\u{0}"]
                )
            ),
            ("JSON content type", bytes("application/json"), bytes("{}")),
            (
                "nested multipart", mp("b"),
                form(
                    "b",
                    [
                        "Content-Disposition: form-data; name=\"file\"\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\n\r\nx\r\n--c--"
                    ]
                )
            ),
        ]
    }()

    // MARK: HTTP/1.1 framing

    static func http1Wire(_ vendor: HostileVendor, headers: [([UInt8], [UInt8])]) -> [(String, [UInt8])] {
        let target = vendor.writeTarget
        var head = "POST \(target) HTTP/1.1\r\nHost: \(vendor.host)\r\n"
        for (name, value) in headers {
            head += String(decoding: name, as: UTF8.self) + ": " + String(decoding: value, as: UTF8.self) + "\r\n"
        }
        let body = "{}"
        let get = "GET \(vendor.readTarget) HTTP/1.1\r\nHost: \(vendor.host)\r\n"
        let shapes: [(String, String)] = [
            (
                "Content-Length and chunked",
                head + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
            ),
            (
                "chunked and Content-Length",
                head + "Transfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
            ),
            ("two equal Content-Lengths", head + "Content-Length: 2\r\nContent-Length: 2\r\n\r\n" + body),
            ("two different Content-Lengths", head + "Content-Length: 2\r\nContent-Length: 1\r\n\r\n" + body),
            ("Content-Length list", head + "Content-Length: 2, 1\r\n\r\n" + body),
            ("signed Content-Length", head + "Content-Length: +2\r\n\r\n" + body),
            ("hex Content-Length", head + "Content-Length: 0x2\r\n\r\n" + body),
            ("20-digit Content-Length", head + "Content-Length: 99999999999999999999\r\n\r\n" + body),
            ("Content-Length with spaces inside", head + "Content-Length: 1 1\r\n\r\n" + body),
            ("chunked, identity", head + "Transfer-Encoding: chunked, identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
            ("identity, chunked", head + "Transfer-Encoding: identity, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
            (
                "chunked twice",
                head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
            ),
            ("xchunked", head + "Transfer-Encoding: xchunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
            ("chunked with a tab", head + "Transfer-Encoding:\tchunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
            ("space before the colon", head + "Transfer-Encoding : chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
            (
                "chunked on HTTP/1.0",
                "POST \(target) HTTP/1.0\r\nHost: \(vendor.host)\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
            ),
            ("chunk size not hex", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"),
            ("negative chunk size", head + "Transfer-Encoding: chunked\r\n\r\n-2\r\n{}\r\n0\r\n\r\n"),
            ("huge chunk size", head + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n{}\r\n0\r\n\r\n"),
            ("chunk size with 0x", head + "Transfer-Encoding: chunked\r\n\r\n0x2\r\n{}\r\n0\r\n\r\n"),
            ("chunk extension garbage", head + "Transfer-Encoding: chunked\r\n\r\n2;;;==\"\r\n{}\r\n0\r\n\r\n"),
            ("chunk extension with NUL", head + "Transfer-Encoding: chunked\r\n\r\n2;a=\u{0}\r\n{}\r\n0\r\n\r\n"),
            (
                "chunk extension 10 KB",
                head + "Transfer-Encoding: chunked\r\n\r\n2;" + String(repeating: "e", count: 10_000)
                    + "\r\n{}\r\n0\r\n\r\n"
            ),
            ("chunk longer than its size", head + "Transfer-Encoding: chunked\r\n\r\n1\r\n{}\r\n0\r\n\r\n"),
            ("chunk without CRLF", head + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n"),
            ("chunk size with LF only", head + "Transfer-Encoding: chunked\r\n\r\n2\n{}\n0\n\n"),
            (
                "trailer with a CRLF",
                head + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-T: a\r\n\rB: c\r\n\r\n"
            ),
            ("bad trailer line", head + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nnot a header\r\n\r\n"),
            (
                "smuggled request after chunked",
                head
                    + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\nGET /_emulator/health HTTP/1.1\r\nHost: x\r\n\r\n"
            ),
            ("LF-only head", get.replacing("\r\n", with: "\n") + "\n"),
            ("leading empty lines", "\r\n\r\n" + get + "\r\n"),
            ("extra spaces in the request line", "GET  \(vendor.readTarget)  HTTP/1.1\r\nHost: \(vendor.host)\r\n\r\n"),
            ("HTTP/0.9 request", "GET \(vendor.readTarget)\r\n\r\n"),
            ("HTTP/1.1 without Host", "GET \(vendor.readTarget) HTTP/1.1\r\n\r\n"),
            ("HTTP/2.0 in the request line", "GET \(vendor.readTarget) HTTP/2.0\r\nHost: \(vendor.host)\r\n\r\n"),
            ("HTTP/9.9", "GET \(vendor.readTarget) HTTP/9.9\r\nHost: \(vendor.host)\r\n\r\n"),
            ("lower-case version", "GET \(vendor.readTarget) http/1.1\r\nHost: \(vendor.host)\r\n\r\n"),
            ("space in the target", "GET \(vendor.readTarget) x HTTP/1.1\r\nHost: \(vendor.host)\r\n\r\n"),
            (
                "100 KB request line",
                "GET \(vendor.readTarget)?" + String(repeating: "q", count: 100_000)
                    + " HTTP/1.1\r\nHost: \(vendor.host)\r\n\r\n"
            ),
            ("header without a colon", get + "NoColon\r\n\r\n"),
            ("Expect 100-continue with the body", head + "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n" + body),
            ("h2c upgrade", get + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: !!!\r\n\r\n"),
            ("websocket upgrade", get + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: x\r\n\r\n"),
            ("CONNECT", "CONNECT \(vendor.host):443 HTTP/1.1\r\nHost: \(vendor.host)\r\n\r\n"),
        ]
        return shapes.map { ($0.0, bytes($0.1)) }
            + [
                (
                    "NUL in the request line",
                    bytes("GET \(vendor.readTarget)") + [0] + bytes(" HTTP/1.1\r\nHost: \(vendor.host)\r\n\r\n")
                ),
                ("binary garbage", (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) } + bytes("\r\n\r\n")),
                (
                    "TLS ClientHello bytes",
                    [0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00] + bytes("\r\n\r\n")
                ),
            ]
    }

    // MARK: HTTP/2 frames

    static func http2Frames(_ fields: [([UInt8], [UInt8])]) -> [(String, HostilePayload)] {
        typealias C = HostileConnection
        let block = C.headerBlock(fields)
        let get = C.headersFrames(block, stream: 1, endStream: true)
        func field(_ name: String, _ value: String) -> ([UInt8], [UInt8]) { (bytes(name), bytes(value)) }
        func without(_ name: String) -> [([UInt8], [UInt8])] { fields.filter { $0.0 != bytes(name) } }
        func raw(_ before: [UInt8]) -> HostilePayload { .http2(before: before, fields: nil, body: [], after: []) }
        func request(
            _ f: [([UInt8], [UInt8])],
            body: [UInt8] = [],
            before: [UInt8] = [],
            after: [UInt8] = []
        )
            -> HostilePayload
        { .http2(before: before, fields: f, body: body, after: after) }
        let post = fields.map { $0.0 == bytes(":method") ? field(":method", "POST") : $0 }
        return [
            ("DATA on stream 0", raw(C.frame(type: 0x0, stream: 0, bytes("{}")))),
            ("HEADERS on stream 0", raw(C.headersFrames(block, stream: 0, endStream: true))),
            ("HEADERS on an even stream", raw(C.headersFrames(block, stream: 2, endStream: true))),
            ("stream depends on itself", raw(C.frame(type: 0x2, stream: 1, [0, 0, 0, 1, 16]) + get)),
            ("SETTINGS of 5 bytes", raw(C.frame(type: 0x4, stream: 0, [0, 2, 0, 0, 0]))),
            ("SETTINGS on a stream", raw(C.frame(type: 0x4, stream: 1, []))),
            ("ENABLE_PUSH 2", raw(C.frame(type: 0x4, stream: 0, [0, 2, 0, 0, 0, 2]))),
            ("INITIAL_WINDOW_SIZE 2^31", raw(C.frame(type: 0x4, stream: 0, [0, 4, 0x80, 0, 0, 0]))),
            ("MAX_FRAME_SIZE too small", raw(C.frame(type: 0x4, stream: 0, [0, 5, 0, 0, 0, 1]))),
            (
                "unknown setting then a request",
                request(fields, before: C.frame(type: 0x4, stream: 0, [0xFF, 0xFF, 0, 0, 0, 1]))
            ),
            ("WINDOW_UPDATE of 0", raw(C.frame(type: 0x8, stream: 0, [0, 0, 0, 0]))),
            ("WINDOW_UPDATE overflow", raw(C.frame(type: 0x8, stream: 0, [0x7F, 0xFF, 0xFF, 0xFF]))),
            ("WINDOW_UPDATE of 3 bytes", raw(C.frame(type: 0x8, stream: 0, [0, 0, 1]))),
            ("frame over MAX_FRAME_SIZE", raw(C.frame(type: 0x0, stream: 1, Array(repeating: 0, count: 16_385)))),
            (
                "unknown frame type then a request",
                request(fields, before: C.frame(type: 0xEE, flags: 0xFF, stream: 7, [1, 2, 3]))
            ),
            ("CONTINUATION without HEADERS", raw(C.frame(type: 0x9, flags: 0x4, stream: 1, block))),
            (
                "DATA inside a header block",
                raw(C.frame(type: 0x1, stream: 1, block) + C.frame(type: 0x0, stream: 1, [1]))
            ),
            ("HPACK index 0", raw(C.frame(type: 0x1, flags: 0x5, stream: 1, [0x80]))),
            ("HPACK index out of range", raw(C.frame(type: 0x1, flags: 0x5, stream: 1, [0xFF, 0xFF, 0x7F]))),
            (
                "HPACK integer overflow",
                raw(C.frame(type: 0x1, flags: 0x5, stream: 1, [0x0F] + Array(repeating: 0xFF, count: 12)))
            ),
            ("HPACK truncated literal", raw(C.frame(type: 0x1, flags: 0x5, stream: 1, [0x00, 0x05, 0x61]))),
            (
                "HPACK table size update too big",
                raw(C.frame(type: 0x1, flags: 0x5, stream: 1, [0x3F, 0xE1, 0xFF, 0xFF, 0x0F] + block))
            ),
            ("RST_STREAM on an idle stream", raw(C.frame(type: 0x3, stream: 5, [0, 0, 0, 8]))),
            ("PING of 7 bytes", raw(C.frame(type: 0x6, stream: 0, Array(repeating: 0, count: 7)))),
            ("PUSH_PROMISE from a client", raw(C.frame(type: 0x5, flags: 0x4, stream: 1, [0, 0, 0, 2] + block))),
            (
                "GOAWAY from the client then a request",
                request(fields, before: C.frame(type: 0x7, stream: 0, [0, 0, 0, 0, 0, 0, 0, 0]))
            ),
            (
                "frame length lies",
                raw(C.frame(length: 4, type: 0x6, flags: 0, stream: 0, Array(repeating: 0, count: 8)))
            ),
            ("pad length beyond the payload", raw(C.frame(type: 0x1, flags: 0x0D, stream: 1, [200] + block))),
            ("upper-case header name", request(fields + [field("X-Upper", "v")])),
            ("pseudo-header after a field", request(without(":path") + [field(":path", "/x")])),
            ("missing :path", request(without(":path"))),
            ("missing :method", request(without(":method"))),
            ("duplicate :path", request(fields + [field(":path", "/other")])),
            ("empty :path", request(without(":path") + [field(":path", "")])),
            ("unknown pseudo-header", request(fields + [field(":evil", "1")])),
            ("connection-specific header", request(fields + [field("connection", "keep-alive")])),
            ("TE other than trailers", request(fields + [field("te", "gzip")])),
            ("CRLF in a value", request(fields + [(bytes("x-a"), bytes("a\r\nb: c"))])),
            ("NUL in a value", request(fields + [(bytes("x-a"), [0])])),
            ("content-length larger than the DATA", request(post + [field("content-length", "10")], body: bytes("{}"))),
            ("content-length smaller than the DATA", request(post + [field("content-length", "1")], body: bytes("{}"))),
            (
                "two content-lengths",
                request(post + [field("content-length", "2"), field("content-length", "3")], body: bytes("{}"))
            ),
            ("DATA after END_STREAM", raw(get + C.frame(type: 0x0, flags: 0x1, stream: 1, bytes("{}")))),
            ("HEADERS twice on one stream", raw(get + get)),
            (
                "trailers with a pseudo-header",
                request(
                    post,
                    body: [],
                    after: C.headersFrames(C.headerBlock([field(":path", "/x")]), stream: 1, endStream: true)
                )
            ),
            (
                "1000 empty CONTINUATION frames",
                raw(
                    C.frame(type: 0x1, stream: 1, block)
                        + Array((0..<1000).map { _ in C.frame(type: 0x9, stream: 1, []) }.joined())
                        + C.frame(type: 0x9, flags: 0x4, stream: 1, [])
                )
            ),
            (
                "200 PINGs then a request",
                request(
                    fields,
                    before: Array(
                        (0..<200).map { _ in C.frame(type: 0x6, stream: 0, Array(repeating: 1, count: 8)) }.joined()
                    )
                )
            ),
        ]
    }
}
