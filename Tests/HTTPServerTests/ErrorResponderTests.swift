// SPDX-License-Identifier: Apache-2.0
import HTTP1
import HTTPCore
import HTTPServer
import Testing

/// The server's own answers (parse errors, limits, the header timeout) go through `errorResponder`, which
/// sees what was known of the request; the server keeps the status and closes.
@Suite struct ErrorResponderTests {
    static func makeServer(_ tweak: (inout ServerConfiguration) -> Void = { _ in }) throws -> HTTPServer {
        try HTTPServerTests.makeServer { c in
            c.http1Limits.maxBodyBytes = 1000
            c.errorResponder = { context in
                var r = Response.json(
                    [
                        "reason": .string(context.reason), "target": .string(context.target),
                        "auth": .string(context.headers["Authorization"]),
                    ],
                    status: .ok
                )  // overruled: the protocol's status stands
                r.headers.add(name: "X-Rendered", value: "yes")
                return r
            }
            tweak(&c)
        }
    }

    @Test(arguments: [
        ("GET /a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nBad Name: y\r\n\r\n", 400, "invalid field name"),
        (
            "POST /a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Length: 5000\r\n\r\n", 413,
            "Content-Length over limit"
        ),
        ("POST /a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nExpect: later\r\n\r\n", 417, "unsupported Expect"),
        (
            "POST /a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nTransfer-Encoding: gzip\r\n\r\n", 501,
            "unsupported transfer coding"
        ),
        ("GET /a HTTP/1.2\r\nHost: x\r\n\r\n", 505, "unsupported HTTP version"),
    ])
    func parseErrorsAreRenderedByTheResponder(_ input: String, _ status: Int, _ reason: String) throws {
        let server = try Self.makeServer()
        defer { HTTPServerTests.stop(server) }
        let client = try RawClient(port: server.httpPort!)
        client.send(input)
        let r = try client.readResponse()
        #expect(r.status == status)
        #expect(r.headers["Connection"] == "close")
        #expect(r.headers["X-Rendered"] == "yes")
        let body = try JSON.parse(r.body)
        #expect(body["reason"]?.stringValue == reason)
        #expect(body["target"] == "/a")
        if status != 505 { #expect(body["auth"] == "Bearer t") }
        #expect(try client.readUntilClosed().isEmpty)
    }

    @Test func theHeaderTimeoutIsRenderedWithTheHeadSoFar() throws {
        let server = try Self.makeServer { $0.headerReadTimeout = 0.3 }
        defer { HTTPServerTests.stop(server) }
        let client = try RawClient(port: server.httpPort!)
        client.send("GET /slow HTTP/1.1\r\nAuthorization: Basic eDp5\r\n")
        let r = try client.readResponse()
        #expect(r.status == 408)
        let body = try JSON.parse(r.body)
        #expect(body["target"] == "/slow")
        #expect(body["auth"] == "Basic eDp5")
    }

    @Test func theDefaultIsTheGenericBody() throws {
        let server = try HTTPServerTests.makeServer()
        defer { HTTPServerTests.stop(server) }
        let client = try RawClient(port: server.httpPort!)
        client.send("GET /a HTTP/1.2\r\nHost: x\r\n\r\n")
        let r = try client.readResponse()
        #expect(r.status == 505)
        let body = try JSON.parse(r.body)
        #expect(body["error"] == "HTTP Version Not Supported")
        #expect(body["message"] == "Only HTTP/1.0 and HTTP/1.1 are supported on this connection.")
    }
}
