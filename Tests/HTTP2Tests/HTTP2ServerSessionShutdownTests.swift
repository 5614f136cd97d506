// SPDX-License-Identifier: Apache-2.0
import CNghttp2
import HTTP2
import HTTPCore
import Testing

/// Connection-level endings: graceful shutdown, protocol errors, a peer that does not speak HTTP/2.
@Suite struct HTTP2ServerSessionShutdownTests {
    @Test func gracefulShutdownLetsTheInFlightStreamFinish() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: true, remoteAddress: "")
        let id = client.get("/slow")
        let requests = try exchange(client, server) { _, _ in nil }
        #expect(server.openStreamCount == 1)

        server.beginGracefulShutdown()
        server.beginGracefulShutdown()  // idempotent
        try exchange(client, server)
        let goaway = try #require(client.goaway)
        #expect(goaway.lastStreamID == id && goaway.errorCode == NGHTTP2_NO_ERROR.rawValue)
        #expect(!server.isFinished)

        server.respond(streamID: requests[0].streamID, response: .text("done"), isHEAD: false, date: testDate)
        try exchange(client, server)
        #expect(client.streams[id]?.text == "done")
        #expect(server.openStreamCount == 0)
        #expect(server.isFinished)
    }

    @Test func gracefulShutdownOfAnIdleConnectionFinishesAtOnce() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        try exchange(client, server)
        server.beginGracefulShutdown()
        var out: [UInt8] = []
        try server.drainOutput(into: &out)
        #expect(!out.isEmpty)
        #expect(server.isFinished)
    }

    @Test func http1RequestInsteadOfPrefaceThrows() throws {
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        let garbage = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        let error = #expect(throws: HTTP2Error.self) { try garbage.withUnsafeBytes { try server.receive($0) } }
        #expect(error?.code == Int(NGHTTP2_ERR_BAD_CLIENT_MAGIC.rawValue))
        #expect(error?.description.contains("receive") == true)
        var out: [UInt8] = []
        try? server.drainOutput(into: &out)  // whatever is queued may be flushed; it must not crash
        #expect(server.openStreamCount == 0)
    }

    @Test func frameErrorAfterThePrefaceSendsGoaway() throws {
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        // Preface, an empty SETTINGS, then a HEADERS frame on stream 0: a connection error (RFC 9113 §6.2).
        var bytes = HTTP2ServerSession.clientPreface
        bytes += [0, 0, 0, 0x4, 0, 0, 0, 0, 0]
        bytes += [0, 0, 1, 0x1, 0x5, 0, 0, 0, 0, 0x82]
        let requests = try bytes.withUnsafeBytes { try server.receive($0) }
        #expect(requests.isEmpty)
        var out: [UInt8] = []
        try server.drainOutput(into: &out)
        let client = TestClient()
        _ = client.output()  // the client's own preface, not sent: we only parse the server's bytes
        _ = client.input(out)
        #expect(client.goaway?.errorCode == NGHTTP2_PROTOCOL_ERROR.rawValue)
        #expect(server.isFinished)
    }

    @Test func randomBytesNeverCrash() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
            var bytes = Bool.random(using: &generator) ? HTTP2ServerSession.clientPreface : []
            bytes += (0..<Int.random(in: 1...300, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            _ = try? bytes.withUnsafeBytes { try server.receive($0) }
            var out: [UInt8] = []
            try? server.drainOutput(into: &out)
            #expect(server.openStreamCount == 0)
        }
    }
}
