// SPDX-License-Identifier: Apache-2.0
import CNghttp2
import HTTPCore
import Testing

@testable import HTTP2

@Suite struct HTTP2ServerSessionTests {
    @Test func getBuildsTheRequestAndSendsTheResponse() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: true, remoteAddress: "127.0.0.1:5000")
        let id = client.get("/v1/messages?limit=2", headers: [("x-api-key", "k1"), ("accept", "application/json")])
        var responseHeaders: HTTPHeaders = ["Content-Type": "application/json", "X-Request-Id": "r-1"]
        responseHeaders.add(name: "Connection", value: "keep-alive")
        responseHeaders.add(name: "Transfer-Encoding", value: "chunked")
        let requests = try exchange(client, server) { _, _ in
            Response(status: .ok, headers: responseHeaders, body: Array(#"{"ok":true}"#.utf8))
        }

        let request = try #require(requests.first).request
        #expect(requests.count == 1 && requests[0].streamID == id)
        #expect(request.method == .GET)
        #expect(request.target == "/v1/messages?limit=2")
        #expect(request.query("limit") == "2")
        #expect(request.headers["Host"] == "example.test")
        #expect(request.host == "example.test")
        #expect(request.headers.fields.map(\.name) == ["host", "x-api-key", "accept"])
        #expect(request.version == .http2)
        #expect(request.isSecure && request.remoteAddress == "127.0.0.1:5000")
        #expect(request.body.isEmpty)

        let stream = try #require(client.streams[id])
        #expect(stream.status == 200)
        #expect(stream.text == #"{"ok":true}"#)
        #expect(stream.header("content-type") == "application/json")
        #expect(stream.header("x-request-id") == "r-1")
        #expect(stream.header("content-length") == "11")
        #expect(stream.header("date") == testDate)
        #expect(stream.header("connection") == nil && stream.header("transfer-encoding") == nil)
        #expect(stream.closed && stream.closeError == 0)
        #expect(server.openStreamCount == 0)
        #expect(!server.isFinished)
    }

    @Test func postWithThreeMebibyteBodyPassesFlowControl() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        let body = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let id = client.request(
            [
                (":method", "POST"), (":path", "/upload"), (":scheme", "http"), (":authority", "localhost:8080"),
                ("content-type", "application/octet-stream"), ("content-length", String(body.count)),
            ],
            body: body
        )
        let requests = try exchange(client, server) { _, request in Response.text("\(request.body.count)") }
        #expect(requests.count == 1)
        let received = requests.first?.request.body ?? []
        #expect(received.count == body.count && received == body)
        #expect(requests.first?.request.headers["host"] == "localhost:8080")
        #expect(client.streams[id]?.status == 200 && client.streams[id]?.text == "\(3 << 20)")
    }

    @Test func postWithoutContentLengthIsAccumulated() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        let body = Array(repeating: UInt8(ascii: "x"), count: 100_000)
        // nghttp2 requires :authority or host on every request; a plain host field is passed through.
        let id = client.request(
            [(":method", "PUT"), (":path", "/p"), (":scheme", "http"), ("host", "h.test")],
            body: body
        )
        let requests = try exchange(client, server)
        let received = requests.first?.request.body ?? []
        #expect(received.count == body.count && received == body)
        #expect(requests.first?.request.method == .PUT)
        #expect(requests.first?.request.headers.fields.map(\.name) == ["host"])
        #expect(requests.first?.request.host == "h.test")
        #expect(client.streams[id]?.status == 200)
    }

    @Test func fiftyConcurrentStreamsAreAllAnswered() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        let ids = (0..<50).map { client.get("/items/\($0)") }
        var pending: [(Int32, Request)] = []
        // Answer in reverse order on a later "wake-up", as a server completing deferred responses would.
        let requests = try exchange(client, server) { id, request in
            pending.append((id, request))
            return nil
        }
        #expect(requests.count == 50)
        #expect(server.openStreamCount == 50)
        for (id, request) in pending.reversed() {
            server.respond(streamID: id, response: .text("body of \(request.target)"), isHEAD: false, date: testDate)
        }
        try exchange(client, server)
        #expect(server.openStreamCount == 0)
        for (index, id) in ids.enumerated() {
            #expect(client.streams[id]?.status == 200)
            #expect(client.streams[id]?.text == "body of /items/\(index)")
        }
    }

    @Test func headGetsContentLengthWithoutBody() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        let id = client.get("/doc", method: "HEAD")
        try exchange(client, server) { _, _ in Response.text("twelve bytes") }
        let stream = try #require(client.streams[id])
        #expect(stream.status == 200)
        #expect(stream.header("content-length") == "12")
        #expect(stream.body.isEmpty && stream.dataFrames == 0)
        #expect(stream.closed && stream.closeError == 0)
    }

    @Test func largeResponseBodySpansSeveralDataFrames() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let id = client.get("/big")
        // The client keeps the default 64 KiB windows: the rest flows as its WINDOW_UPDATEs arrive.
        try exchange(client, server) { _, _ in Response(body: payload) }
        let stream = try #require(client.streams[id])
        #expect(stream.body.count == payload.count && stream.body == payload)
        #expect(stream.dataFrames >= 19)  // 16 KiB maximum frame size
        #expect(stream.header("content-length") == "300000")
    }

    @Test func noContentHasNeitherBodyNorContentLength() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        let id = client.get("/x", method: "DELETE")
        try exchange(client, server) { _, _ in Response(status: .noContent, body: Array("ignored".utf8)) }
        #expect(client.streams[id]?.status == 204)
        #expect(client.streams[id]?.header("content-length") == nil)
        #expect(client.streams[id]?.body.isEmpty == true)
    }

    @Test func cookieFieldsAreJoined() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        client.get("/", headers: [("cookie", "a=1"), ("x-one", "1"), ("cookie", "b=2"), ("x-empty", "")])
        let requests = try exchange(client, server)
        #expect(requests.first?.request.headers["cookie"] == "a=1; b=2")
        #expect(requests.first?.request.headers["x-one"] == "1")
        #expect(requests.first?.request.headers["x-empty"] == "")
    }

    @Test func inputSplitIntoSingleBytesGivesTheSameRequests() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        let a = client.get("/a")
        let b = client.request(
            [(":method", "POST"), (":path", "/b"), (":scheme", "http"), (":authority", "a.test")],
            body: Array("hello".utf8)
        )
        let requests = try exchange(client, server, chunkSize: 1)
        #expect(requests.map(\.request.target) == ["/a", "/b"])
        #expect(requests.last?.request.body == Array("hello".utf8))
        #expect(client.streams[a]?.status == 200 && client.streams[b]?.status == 200)
    }

    @Test func respondingToAResetStreamIsIgnored() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        let id = client.get("/slow")
        let requests = try exchange(client, server) { _, _ in nil }
        #expect(server.openStreamCount == 1)
        nghttp2_submit_rst_stream(client.session, 0, id, NGHTTP2_CANCEL.rawValue)
        try exchange(client, server)
        #expect(server.openStreamCount == 0)
        server.respond(streamID: requests[0].streamID, response: .text("late"), isHEAD: false, date: testDate)
        server.respond(streamID: 99, response: .text("unknown"), isHEAD: false, date: testDate)
        try exchange(client, server)
        #expect(client.streams[id]?.status == nil)
        #expect(client.streams[id]?.closeError == NGHTTP2_CANCEL.rawValue)
    }

    @Test func headWithoutBodyKeepsTheDeclaredLength() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        let declared = client.get("/a", method: "HEAD")
        let empty = client.get("/b", method: "HEAD")
        try exchange(client, server) { _, request in
            request.target == "/a" ? Response(headers: ["Content-Length": "4096"]) : Response()
        }
        #expect(client.streams[declared]?.header("content-length") == "4096")
        #expect(client.streams[empty]?.header("content-length") == "0")
    }

    @Test func notModifiedHasNoBody() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        let id = client.get("/etag")
        try exchange(client, server) { _, _ in Response(status: .notModified, headers: ["ETag": "\"v1\""]) }
        #expect(client.streams[id]?.status == 304)
        #expect(client.streams[id]?.header("etag") == "\"v1\"")
        #expect(client.streams[id]?.header("content-length") == nil)
        #expect(client.streams[id]?.closed == true)
    }

    @Test func trailersCompleteTheRequestAndAreNotSurfaced() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(isSecure: false, remoteAddress: "")
        let id = client.request(
            [(":method", "POST"), (":path", "/t"), (":scheme", "http"), (":authority", "a.test"), ("te", "trailers")],
            body: Array("data".utf8),
            trailers: [("x-checksum", "abc")]
        )
        let requests = try exchange(client, server)
        #expect(requests.first?.request.body == Array("data".utf8))
        #expect(requests.first?.request.headers["x-checksum"] == nil)
        #expect(requests.first?.request.headers["te"] == "trailers")
        #expect(client.streams[id]?.status == 200)
        #expect(server.streams.isEmpty)
    }

    @Test func closedStreamsLeaveNoState() throws {
        let client = TestClient()
        let server = try HTTP2ServerSession(
            settings: HTTP2Settings(maxConcurrentStreams: 4, maxBodyBytes: 10),
            isSecure: false,
            remoteAddress: ""
        )
        for index in 0..<6 { client.get("/\(index)") }
        client.request(
            [(":method", "POST"), (":path", "/big"), (":scheme", "http"), (":authority", "a")],
            body: Array(repeating: 1, count: 100)
        )
        let reset = client.get("/reset")
        try exchange(client, server)
        nghttp2_submit_rst_stream(client.session, 0, reset, NGHTTP2_CANCEL.rawValue)
        try exchange(client, server)
        #expect(server.streams.isEmpty)
        #expect(server.openStreamCount == 0)
    }
}
