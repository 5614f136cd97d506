// SPDX-License-Identifier: Apache-2.0
import Dispatch
import Glibc
import HTTP1
import HTTPCore
import HTTPServer
import Testing

/// Live tests: a real server on 127.0.0.1 port 0, real sockets, no sleeps (waits are on semaphores or EOF).
@Suite struct HTTPServerTests {
    /// Handlers: `/echo` echoes method, path and body; `/later` completes when the test says so.
    final class Gate: Sendable {
        let reached = DispatchSemaphore(value: 0)
        let promises = Locked<[ResponsePromise]>([])
    }

    static func makeServer(
        _ gate: Gate = Gate(),
        tweak: (inout ServerConfiguration) -> Void = { _ in }
    ) throws -> HTTPServer {
        var c = ServerConfiguration()
        c.httpsPort = nil
        c.httpPort = 0
        c.threads = 2
        tweak(&c)
        let server = HTTPServer(configuration: c) { request in
            switch request.rawPath {
            case "/later":
                let p = ResponsePromise()
                gate.promises.withLock { $0.append(p) }
                gate.reached.signal()
                return .later(p)
            default:
                var r = Response.text(
                    "\(request.method) \(request.target) \(String(decoding: request.body, as: UTF8.self))"
                )
                r.headers.add(name: "X-Version", value: request.version.rawValue)
                return r
            }
        }
        try server.start()
        return server
    }

    static func stop(_ server: HTTPServer) {
        server.shutdown(drainTimeout: 1)
        server.wait()
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() throws {
        let server = try Self.makeServer()
        defer { Self.stop(server) }
        let client = try RawClient(port: server.httpPort!)
        for i in 0..<3 {
            client.send("GET /echo/\(i) HTTP/1.1\r\nHost: x\r\n\r\n")
            let r = try client.readResponse()
            #expect(r.status == 200)
            #expect(r.text == "GET /echo/\(i) ")
            #expect(r.headers["Connection"] != "close")
            #expect(r.headers["Date"]?.hasSuffix("GMT") == true)
        }
    }

    @Test func threePipelinedRequestsInOnePacketAnswerInOrder() throws {
        let server = try Self.makeServer()
        defer { Self.stop(server) }
        let client = try RawClient(port: server.httpPort!)
        client.send(
            "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyzGET /c HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        #expect(try client.readResponse().text == "GET /a ")
        #expect(try client.readResponse().text == "POST /b xyz")
        #expect(try client.readResponse().text == "GET /c ")
    }

    @Test func deferredResponseFromAnotherThreadKeepsPipelineOrder() throws {
        let gate = Gate()
        let server = try Self.makeServer(gate)
        defer { Self.stop(server) }
        let client = try RawClient(port: server.httpPort!)
        client.send("GET /later HTTP/1.1\r\nHost: x\r\n\r\nGET /now HTTP/1.1\r\nHost: x\r\n\r\n")
        gate.reached.wait()
        let promise = gate.promises.withLock { $0[0] }
        // Complete from a thread the server never saw.
        DispatchQueue.global().async { promise.complete(.text("from elsewhere")) }
        #expect(try client.readResponse().text == "from elsewhere")
        #expect(try client.readResponse().text == "GET /now ")
    }

    @Test func chunkedBodyAndExpectContinue() throws {
        let server = try Self.makeServer()
        defer { Self.stop(server) }
        let client = try RawClient(port: server.httpPort!)
        client.send(
            "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n"
        )
        #expect(try client.readResponse().text == "POST /c abcde")
        client.send("PUT /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        #expect(try client.readResponse().status == 100)
        client.send("body")
        #expect(try client.readResponse().text == "PUT /e body")
    }

    @Test func headHasNoBody() throws {
        let server = try Self.makeServer()
        defer { Self.stop(server) }
        let client = try RawClient(port: server.httpPort!)
        client.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try client.readResponse(headOnly: true)
        #expect(head.status == 200)
        #expect(head.headers["Content-Length"] == "8")
        #expect(try client.readResponse().text == "GET /g ")
    }

    @Test(arguments: [
        ("GARBAGE\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n", 413),
        ("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 17 * 1024) + "\r\n\r\n", 431),
        ("GET / HTTP/3.0\r\nHost: x\r\n\r\n", 505),
    ])
    func badRequestsGetAnErrorThenClose(_ input: String, _ status: Int) throws {
        let server = try Self.makeServer { $0.http1Limits.maxBodyBytes = 1000 }
        defer { Self.stop(server) }
        let client = try RawClient(port: server.httpPort!)
        client.send(input)
        let r = try client.readResponse()
        #expect(r.status == status)
        #expect(r.headers["Connection"] == "close")
        #expect(r.headers["Content-Type"]?.hasPrefix("application/json") == true)
        #expect(try client.readUntilClosed().isEmpty)
    }

    @Test func slowDripClientIsCutOffWithoutBlockingOthers() throws {
        let server = try Self.makeServer { $0.headerReadTimeout = 0.5 }
        defer { Self.stop(server) }
        let slow = try RawClient(port: server.httpPort!)
        slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n")  // never finishes its head
        let fast = try RawClient(port: server.httpPort!)
        fast.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try fast.readResponse().text == "GET /fast ")
        let r = try slow.readResponse()  // arrives when the header-read timeout fires
        #expect(r.status == 408)
        #expect(try slow.readUntilClosed().isEmpty)
    }

    @Test func listensOnSeveralAddresses() throws {
        let server = try Self.makeServer { $0.hosts = ["127.0.0.1", "::1"] }
        defer { Self.stop(server) }
        for host in ["127.0.0.1", "::1"] {
            let client = try RawClient(port: server.httpPort!, host: host)
            client.send("GET /v HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func gracefulShutdownFinishesInFlightRequests() throws {
        let gate = Gate()
        let server = try Self.makeServer(gate)
        let port = server.httpPort!
        let client = try RawClient(port: port)
        client.send("GET /later HTTP/1.1\r\nHost: x\r\n\r\n")
        gate.reached.wait()
        server.shutdown(drainTimeout: 10)
        gate.promises.withLock { $0[0] }.complete(.text("finished"))
        let r = try client.readResponse()
        #expect(r.text == "finished")
        #expect(r.headers["Connection"] == "close")
        server.wait()
        #expect(throws: RawClient.ClientError.self) { try RawClient(port: port) }
    }

    @Test func http10ClosesUnlessKeepAlive() throws {
        let server = try Self.makeServer()
        defer { Self.stop(server) }
        let client = try RawClient(port: server.httpPort!)
        client.send("GET /old HTTP/1.0\r\n\r\n")
        #expect(try client.readResponse().text == "GET /old ")
        #expect(try client.readUntilClosed().isEmpty)
    }
}

@Suite struct BackpressureTests {
    /// A client pipelining far more output than the high-water mark, reading only at the end, still gets
    /// every response in order: the server pauses reading instead of buffering without bound, and
    /// resumes by itself once the client drains.
    @Test func pipelinedFloodIsServedInFullAndInOrder() throws {
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
        var c = ServerConfiguration()
        c.httpsPort = nil
        c.httpPort = 0
        c.threads = 1
        let server = HTTPServer(configuration: c) { request in
            var r = Response(status: .ok, body: big)
            r.headers.add(name: "X-Path", value: request.rawPath)
            return r
        }
        try server.start()
        defer {
            server.shutdown(drainTimeout: 1)
            server.wait()
        }
        let client = try RawClient(port: server.httpPort!)
        let count = 256  // 256 × 64 KiB = 16 MiB of responses, more than the socket buffers hold
        var requests = ""
        for i in 0..<count { requests += "GET /r\(i) HTTP/1.1\r\nHost: x\r\n\r\n" }
        client.send(requests)
        for i in 0..<count {
            let r = try client.readResponse()
            #expect(r.headers["X-Path"] == "/r\(i)")
            #expect(r.body.count == big.count)
        }
    }
}
