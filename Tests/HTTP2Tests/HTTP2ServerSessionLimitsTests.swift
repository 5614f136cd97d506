// SPDX-License-Identifier: Apache-2.0
import CNghttp2
import HTTP2
import HTTPCore
import Testing

/// Requests the session answers itself (413, 431, 400) or nghttp2 resets; the connection always survives.
@Suite struct HTTP2ServerSessionLimitsTests {
    private func post(_ client: TestClient, body: [UInt8], contentLength: Bool) -> Int32 {
        var fields = [(":method", "POST"), (":path", "/upload"), (":scheme", "https"), (":authority", "a.test")]
        if contentLength { fields.append(("content-length", String(body.count))) }
        return client.request(fields, body: body)
    }

    /// After a rejection, a plain GET on the same connection still works.
    private func expectConnectionUsable(_ client: TestClient, _ server: HTTP2ServerSession) throws {
        let id = client.get("/after")
        let requests = try exchange(client, server)
        #expect(requests.map(\.request.target) == ["/after"])
        #expect(client.streams[id]?.status == 200)
        #expect(client.goaway == nil)
    }

    @Test(arguments: [false, true])
    func bodyOverTheLimitGets413(contentLength: Bool) throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(
            settings: HTTP2Settings(maxBodyBytes: 1000),
            isSecure: true,
            remoteAddress: ""
        )
        let id = post(client, body: Array(repeating: 7, count: 5000), contentLength: contentLength)
        let requests = try exchange(client, server)
        #expect(requests.isEmpty)
        let stream = try #require(client.streams[id])
        #expect(stream.status == 413)
        #expect(stream.header("content-type") == "application/json; charset=utf-8")
        #expect(stream.text.contains("1000 bytes"))
        #expect(stream.rstReceived == nil)  // the whole body arrived before the response went out
        #expect(server.openStreamCount == 0)
        try expectConnectionUsable(client, server)
    }

    @Test func bodyAtTheLimitIsAccepted() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(
            settings: HTTP2Settings(maxBodyBytes: 1000),
            isSecure: true,
            remoteAddress: ""
        )
        let id = post(client, body: Array(repeating: 7, count: 1000), contentLength: false)
        let requests = try exchange(client, server)
        #expect(requests.first?.request.body.count == 1000)
        #expect(client.streams[id]?.status == 200)
    }

    @Test func clientStillSendingIsToldToStopAfterThe413() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(
            settings: HTTP2Settings(maxBodyBytes: 1000),
            isSecure: true,
            remoteAddress: ""
        )
        // 3 MiB cannot pass the 1 MiB stream window in one flight: the 413 goes out while the body is still
        // coming, and as the client goes on sending, RST_STREAM(NO_ERROR) follows the response (RFC 9113 §8.1).
        let id = post(client, body: Array(repeating: 1, count: 3 << 20), contentLength: false)
        let requests = try exchange(client, server)
        #expect(requests.isEmpty)
        let stream = try #require(client.streams[id])
        #expect(stream.status == 413)
        #expect(stream.rstReceived == NGHTTP2_NO_ERROR.rawValue)
        #expect(stream.closed)
        try expectConnectionUsable(client, server)
    }

    @Test func headerListOverTheLimitGets431() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        let big = (0..<20).map { ("x-filler-\($0)", String(repeating: "v", count: 1000)) }
        let id = client.get("/", headers: big)
        let requests = try exchange(client, server)
        #expect(requests.isEmpty)
        #expect(client.streams[id]?.status == 431)
        #expect(client.streams[id]?.text.contains("header list") == true)
        try expectConnectionUsable(client, server)
    }

    @Test func headerListJustUnderTheLimitIsAccepted() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        let fields = (0..<15).map { ("x-filler-\($0)", String(repeating: "v", count: 1000)) }
        client.get("/", headers: fields)
        let requests = try exchange(client, server)
        #expect(requests.first?.request.headers.count == 16)  // host + 15
    }

    @Test func connectGets400() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        let id = client.request([(":method", "CONNECT"), (":authority", "example.test:443")])
        let requests = try exchange(client, server)
        #expect(requests.isEmpty)
        #expect(client.streams[id]?.status == 400)
        #expect(client.streams[id]?.text.contains("CONNECT") == true)
        try expectConnectionUsable(client, server)
    }

    @Test func missingPathIsResetByNghttp2() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        let id = client.request([(":method", "GET"), (":scheme", "https"), (":authority", "a.test")])
        let requests = try exchange(client, server)
        #expect(requests.isEmpty)
        #expect(client.streams[id]?.status == nil)
        #expect(client.streams[id]?.rstReceived == NGHTTP2_PROTOCOL_ERROR.rawValue)
        #expect(server.openStreamCount == 0)
        try expectConnectionUsable(client, server)
    }

    @Test func streamsBeyondTheConcurrencyLimitAreRefused() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(
            settings: HTTP2Settings(maxConcurrentStreams: 2),
            isSecure: false,
            remoteAddress: ""
        )
        // Send before the server's SETTINGS reach the client, so the client does not queue the third.
        let ids = (0..<3).map { client.get("/\($0)") }
        let requests = try exchange(client, server) { _, _ in nil }
        #expect(requests.count == 2)
        #expect(client.streams[ids[2]]?.rstReceived == NGHTTP2_REFUSED_STREAM.rawValue)
        #expect(server.openStreamCount == 2)
    }
}
