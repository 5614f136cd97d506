// SPDX-License-Identifier: Apache-2.0
import Dispatch
import EmulatorKit
import Glibc
import HTTPCore
import HTTPServer
import Testing

@testable import MailDoubleApp

/// `GET /_emulator/events` (Server-Sent Events) over HTTP/1.1 and h2c on a live emulator, and the server's
/// streamed responses underneath (heartbeats, a handler finishing its stream, drain).
@Suite struct EventStreamLiveTests {
    static let sendHeaders = ["Authorization: Bearer re_test_maildouble_full", "Content-Type: application/json"]
    static let sendBody = #"{"from":"hello@example.org","to":"delivered@resend.dev","subject":"Hi","text":"hi"}"#

    static func start() throws -> MailDouble {
        try MailDoubleTests.start {
            $0.threads = 1
            $0.postflareWebhooks = false
            $0.postflareRateLimit = 0
        }
    }

    static func send(_ app: MailDouble) throws -> String {
        let r = try VendorContractTests.call(app, "POST", "/emails", headers: sendHeaders, body: sendBody)
        return try #require(try JSON.parse(Array(r.body.utf8))["id"]?.stringValue)
    }

    /// Round trips through the (single) event loop until the hung-up stream's observer is gone; each one
    /// lets the loop handle the hang-up first. Bounded, and no sleeping.
    static func observersDrop(_ app: MailDouble, to count: Int) throws -> Bool {
        for _ in 0..<50 {
            if app.changes.observerCount == count { return true }
            _ = try VendorContractTests.call(app, "GET", "/_emulator/health")
        }
        return app.changes.observerCount == count
    }

    @Test func http1StreamReceivesAChangeMadeAfterConnecting() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        let baseline = app.changes.observerCount
        let client = try SSEClient(port: app.httpPort!)
        client.send(
            Array("GET /_emulator/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n".utf8)
        )
        let head = try client.read(until: ": stream open")
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(head.lowercased().contains("content-type: text/event-stream"))
        #expect(head.lowercased().contains("transfer-encoding: chunked"))
        #expect(app.changes.observerCount == baseline + 1)
        let id = try Self.send(app)
        let text = try client.read(until: id)
        #expect(text.contains("event: message.stored\ndata: {\"seq\":"))
        #expect(text.contains(#""vendor":"postflare""#))
        client.close()
        #expect(try Self.observersDrop(app, to: baseline))
    }

    @Test func http2StreamReceivesChangesAndAResetFreesItsObserver() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        let baseline = app.changes.observerCount
        let client = try SSEClient(port: app.httpPort!)
        client.startHTTP2(path: "/_emulator/events?vendor=postflare&kind=message.stored")
        let opened = try client.readHTTP2(until: ": stream open")
        #expect(opened.status == 200)
        _ = try VendorContractTests.call(app, "POST", "/_emulator/reset?vendor=flowmailer")  // filtered out
        let id = try Self.send(app)
        let data = try client.readHTTP2(until: id).text
        #expect(data.contains("event: message.stored") && !data.contains("event: reset"))
        #expect(app.changes.observerCount == baseline + 1)
        // RST_STREAM then PING: once the PING's ACK is back, the server has handled the reset.
        try client.resetHTTP2StreamAndPing()
        #expect(app.changes.observerCount == baseline)
    }

    @Test func lastEventIDResumesAfterThatChange() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        _ = try VendorContractTests.call(app, "POST", "/_emulator/reset?vendor=flowdock")
        let seen = app.changes.lastSeq
        let id = try Self.send(app)
        let client = try SSEClient(port: app.httpPort!)
        client.send(Array("GET /_emulator/events HTTP/1.1\r\nHost: localhost\r\nLast-Event-ID: \(seen)\r\n\r\n".utf8))
        let text = try client.read(until: id)
        #expect(text.contains("id: \(seen + 1)\nevent: message.stored"))
        #expect(!text.contains("id: \(seen)\n"))
        // `?since=` does the same over h2, and filters still apply to the replay.
        let h2 = try SSEClient(port: app.httpPort!)
        h2.startHTTP2(path: "/_emulator/events?since=0&kind=reset&vendor=flowdock")
        let replay = try h2.readHTTP2(until: "id: \(seen)\n").text
        #expect(replay.contains("event: reset") && !replay.contains("message.stored"))
    }

    @Test func drainEndsAnOpenStream() throws {
        let app = try Self.start()
        let client = try SSEClient(port: app.httpPort!)
        client.send(Array("GET /_emulator/events HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
        _ = try client.read(until: ": stream open")
        app.shutdown(drainTimeout: 5)
        app.wait()
        let all = try client.readUntilClosed()
        #expect(all.hasSuffix("0\r\n\r\n"))
        #expect(app.connectionsCutOff == 0)
        #expect(app.changes.observerCount == app.permanentObservers)
    }

    @Test(arguments: [
        "/_emulator/events?kind=nope", "/_emulator/events?vendor=nobody", "/_emulator/events?since=yesterday",
    ])
    func badStreamQueriesAreClear400s(target: String) throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let r = try VendorContractTests.call(app, "GET", target)
        #expect(r.status == 400)
        #expect(try JSON.parse(Array(r.body.utf8))["message"]?.stringValue?.isEmpty == false)
    }

    /// The server's side alone: heartbeats from the loop timers, a handler that finishes its stream (the
    /// connection then serves the next request), writes from another thread.
    @Test func streamedResponsesHeartbeatFinishAndKeepTheConnection() throws {
        var c = ServerConfiguration()
        c.httpsPort = nil
        c.httpPort = 0
        c.threads = 1
        let server = HTTPServer(configuration: c) { request in
            guard request.rawPath == "/stream" else { return .text("plain") }
            let stream = ResponseStream(heartbeat: .init(seconds: 0.02, bytes: Array("beat\n".utf8)))
            stream.write(Array("hello\n".utf8))
            let finish = request.query("finish") != nil
            stream.onClose {}
            DispatchQueue.global().async {
                stream.write(Array("from-another-thread\n".utf8))
                if finish { stream.finish() }
            }
            return .streaming(stream, headers: ["Content-Type": "text/plain"])
        }
        try server.start()
        defer {
            server.shutdown(drainTimeout: 1)
            server.wait()
        }
        let client = try SSEClient(port: server.httpPort!)
        client.send(Array("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        _ = try client.read(until: "from-another-thread\n")
        let text = try client.read(until: "beat\n", occurrences: 2)
        // Chunked; "hello" alone in its chunk, or with the other thread's write when both came between two
        // turns of the loop (writes between turns go out together).
        #expect(text.lowercased().contains("transfer-encoding: chunked"))
        #expect(text.contains("6\r\nhello\n\r\n") || text.contains("1a\r\nhello\nfrom-another-thread\n\r\n"))
        client.close()

        let again = try SSEClient(port: server.httpPort!)
        again.send(Array("GET /stream?finish=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /plain HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        let both = try again.read(until: "\r\n\r\nplain")
        #expect(both.contains("0\r\n\r\nHTTP/1.1 200 OK"))

        let h2 = try SSEClient(port: server.httpPort!)
        h2.startHTTP2(path: "/stream?finish=1")
        let done = try h2.readHTTP2UntilEnd()
        #expect(done.status == 200 && done.text.hasPrefix("hello\n") && done.text.contains("from-another-thread\n"))
    }
}

/// A blocking plain-socket client for streamed responses: HTTP/1.1 as raw text, HTTP/2 with prior knowledge
/// framed by hand (stream 1). Reads time out after 10 s, so a server bug fails the test instead of hanging it.
final class SSEClient {
    enum Failure: Error { case connect, io, closed, reset }
    private(set) var fd: Int32
    private var buffer: [UInt8] = []
    private var text: [UInt8] = []

    init(port: Int) throws {
        guard let fd = TestSocket.connect(port: port) else { throw Failure.connect }
        self.fd = fd
    }

    deinit { close() }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    func send(_ bytes: [UInt8]) { TestSocket.send(fd, bytes) }

    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 65536, 0) }
        if n > 0 {
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
        if n < 0 { throw Failure.io }
        return false
    }

    // MARK: HTTP/1.1

    /// Reads until `needle` has appeared `occurrences` times; returns everything read so far.
    func read(until needle: String, occurrences: Int = 1) throws -> String {
        while Self.count(of: Array(needle.utf8), in: buffer) < occurrences {
            guard try fill() else { throw Failure.closed }
        }
        return String(decoding: buffer, as: UTF8.self)
    }

    static func count(of needle: [UInt8], in haystack: [UInt8]) -> Int {
        guard !needle.isEmpty, haystack.count >= needle.count else { return 0 }
        var n = 0
        var i = 0
        while i <= haystack.count - needle.count {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) {
                n += 1
                i += needle.count
            } else {
                i += 1
            }
        }
        return n
    }

    func readUntilClosed() throws -> String {
        while try fill() {}
        return String(decoding: buffer, as: UTF8.self)
    }

    // MARK: HTTP/2

    func startHTTP2(path: String) {
        var block: [UInt8] = []
        for (name, value) in [(":method", "GET"), (":scheme", "http"), (":authority", "localhost"), (":path", path)] {
            block.append(0x00)
            block.append(UInt8(name.utf8.count))
            block += Array(name.utf8)
            precondition(value.utf8.count < 127)
            block.append(UInt8(value.utf8.count))
            block += Array(value.utf8)
        }
        var out = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        out += Self.frame(type: 0x4, flags: 0, stream: 0, [])
        out += Self.frame(type: 0x1, flags: 0x5, stream: 1, block)  // END_STREAM | END_HEADERS
        send(out)
    }

    private var status = 0

    /// Reads frames until stream 1's DATA holds `needle`.
    func readHTTP2(until needle: String) throws -> (status: Int, text: String) {
        while Self.count(of: Array(needle.utf8), in: text) == 0 {
            if try nextFrame() { throw Failure.closed }
        }
        return (status, String(decoding: text, as: UTF8.self))
    }

    func readHTTP2UntilEnd() throws -> (status: Int, text: String) {
        while try !nextFrame() {}
        return (status, String(decoding: text, as: UTF8.self))
    }

    /// Cancels stream 1 and waits for the ACK of a PING sent after it.
    func resetHTTP2StreamAndPing() throws {
        send(
            Self.frame(type: 0x3, flags: 0, stream: 1, [0, 0, 0, 8])
                + Self.frame(type: 0x6, flags: 0, stream: 0, Array(repeating: 7, count: 8))
        )
        while true {
            let (type, flags, _, _) = try readFrame()
            if type == 0x6 && flags & 0x1 != 0 { return }
        }
    }

    /// One frame; true when stream 1 ended.
    private func nextFrame() throws -> Bool {
        let (type, flags, stream, payload) = try readFrame()
        if type == 0x4 && flags & 0x1 == 0 { send(Self.frame(type: 0x4, flags: 0x1, stream: 0, [])) }
        guard stream == 1 else { return false }
        if type == 0x3 { throw Failure.reset }
        if type == 0x1 {
            // The server's HPACK: `:status: 200` is the indexed static entry 8.
            status = payload.first == 0x88 ? 200 : -1
        }
        if type == 0x0 { text += payload }
        return (type == 0x0 || type == 0x1) && flags & 0x1 != 0
    }

    private func readFrame() throws -> (type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) {
        while buffer.count < 9 { guard try fill() else { throw Failure.closed } }
        let length = Int(buffer[0]) << 16 | Int(buffer[1]) << 8 | Int(buffer[2])
        while buffer.count < 9 + length { guard try fill() else { throw Failure.closed } }
        let stream =
            UInt32(buffer[5] & 0x7F) << 24 | UInt32(buffer[6]) << 16 | UInt32(buffer[7]) << 8 | UInt32(buffer[8])
        let frame = (buffer[3], buffer[4], stream, Array(buffer[9..<(9 + length)]))
        buffer.removeFirst(9 + length)
        return frame
    }

    private static func frame(type: UInt8, flags: UInt8, stream: UInt32, _ payload: [UInt8]) -> [UInt8] {
        let n = payload.count
        return [
            UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF), type, flags,
            UInt8(stream >> 24 & 0x7F), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF),
        ] + payload
    }
}
