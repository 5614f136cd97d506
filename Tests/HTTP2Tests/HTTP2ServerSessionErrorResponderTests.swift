// SPDX-License-Identifier: Apache-2.0
import HTTP2
import HTTPCore
import Synchronization
import Testing

/// The session's own answers (413, 431) go through its `errorResponder`, which is told what the stream carried.
@Suite struct HTTP2ServerSessionErrorResponderTests {
    final class Seen: Sendable {
        let contexts = Mutex<[HTTPErrorContext]>([])
    }

    static func session(_ seen: Seen, maxBodyBytes: Int = 1000) throws -> HTTP2ServerSession {
        try HTTP2ServerSession(
            settings: HTTP2Settings(maxBodyBytes: maxBodyBytes),
            isSecure: true,
            remoteAddress: "",
            errorResponder: { context in
                seen.contexts.withLock { $0.append(context) }
                // A wrong status is overruled: the protocol's status stands.
                return .json(["vendor": .string(context.target ?? "-")], status: .ok)
            }
        )
    }

    @Test(arguments: [false, true])
    func aBodyOverTheLimitIsRenderedByTheResponder(contentLength: Bool) throws {
        let seen = Seen()
        let server = try Self.session(seen)
        let client = TestClient()
        var fields = [
            (":method", "POST"), (":path", "/emails"), (":scheme", "https"), (":authority", "api.resend.com"),
            ("authorization", "Bearer re_x"), ("user-agent", "u"),
        ]
        let body = [UInt8](repeating: 1, count: 5000)
        if contentLength { fields.append(("content-length", String(body.count))) }
        let id = client.request(fields, body: body)
        _ = try exchange(client, server)
        let stream = try #require(client.streams[id])
        #expect(stream.status == 413)
        #expect(stream.text == "{\"vendor\":\"/emails\"}")
        let context = try #require(seen.contexts.withLock { $0.first })
        #expect(context.status == .contentTooLarge)
        #expect(context.method == .POST)
        #expect(context.version == .http2)
        #expect(context.headers["host"] == "api.resend.com")
        #expect(context.headers["authorization"] == "Bearer re_x")
        #expect(context.headers["user-agent"] == nil)
    }

    @Test func aHeaderListOverTheLimitKeepsTheCredentialsSentBeforeIt() throws {
        let seen = Seen()
        let server = try Self.session(seen)
        let client = TestClient()
        let big = (0..<20).map { ("x-filler-\($0)", String(repeating: "v", count: 1000)) }
        let id = client.get("/flows", headers: [("authorization", "Basic eDp5")] + big)
        _ = try exchange(client, server)
        #expect(client.streams[id]?.status == 431)
        let context = try #require(seen.contexts.withLock { $0.first })
        #expect(context.status == .requestHeaderFieldsTooLarge)
        #expect(context.target == "/flows")
        #expect(context.headers["authorization"] == "Basic eDp5")
    }
}
