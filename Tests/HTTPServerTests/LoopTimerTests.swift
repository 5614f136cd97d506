// SPDX-License-Identifier: Apache-2.0
import Dispatch
import Glibc
import HTTPCore
import HTTPServer
import Testing

/// Deferred responses with a deadline run on the event loop's timers: `Response.after` and promise timeouts.
@Suite struct LoopTimerTests {
    final class Probe: Sendable {
        let timeoutsRun = Locked(0)
        let promises = Locked<[ResponsePromise]>([])
        let reached = DispatchSemaphore(value: 0)
    }

    static func makeServer(_ probe: Probe) throws -> HTTPServer {
        var c = ServerConfiguration()
        c.httpsPort = nil
        c.httpPort = 0
        c.threads = 1
        let server = HTTPServer(configuration: c) { request in
            let ms = Int(request.query("ms") ?? "") ?? 0
            switch request.rawPath {
            case "/after":
                return .after(milliseconds: ms) {
                    probe.timeoutsRun.withLock { $0 += 1 }
                    return .text("after \(ms)")
                }
            case "/poll":
                // A long-poll: completed by the test, or by the deadline.
                // Weak: the probe keeps the promise, so a strong capture would be a cycle (LeakSanitizer).
                let p = ResponsePromise(timeoutMilliseconds: ms) { [weak probe] in
                    probe?.timeoutsRun.withLock { $0 += 1 }
                    return .text("timed out")
                }
                probe.promises.withLock { $0.append(p) }
                probe.reached.signal()
                return .later(p)
            default:
                return .text("now")
            }
        }
        try server.start()
        return server
    }

    static func stop(_ server: HTTPServer) {
        server.shutdown(drainTimeout: 1)
        server.wait()
    }

    @Test func afterAnswersOnceTheDelayHasPassedAndKeepsPipelineOrder() throws {
        let probe = Probe()
        let server = try Self.makeServer(probe)
        defer { Self.stop(server) }
        let client = try RawClient(port: server.httpPort!)
        let started = DispatchTime.now().uptimeNanoseconds
        client.send("GET /after?ms=150 HTTP/1.1\r\nHost: x\r\n\r\nGET /now HTTP/1.1\r\nHost: x\r\n\r\n")
        let first = try client.readResponse()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        #expect(first.status == 200 && first.text == "after 150")
        #expect(elapsed >= 0.15)
        #expect(try client.readResponse().text == "now")
        #expect(probe.timeoutsRun.withLock { $0 } == 1)
    }

    @Test func aPromiseCompletedBeforeItsDeadlineIsNotCompletedAgain() throws {
        let probe = Probe()
        let server = try Self.makeServer(probe)
        defer { Self.stop(server) }
        let client = try RawClient(port: server.httpPort!)
        client.send("GET /poll?ms=200 HTTP/1.1\r\nHost: x\r\n\r\n")
        probe.reached.wait()
        probe.promises.withLock { $0 }.first?.complete(.text("event"))
        #expect(try client.readResponse().text == "event")
        // A later timer on the same loop fires after the first deadline: by then it would have run.
        client.send("GET /after?ms=300 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().text == "after 300")
        #expect(probe.timeoutsRun.withLock { $0 } == 1)  // the /after one only
    }

    @Test func aPromiseNobodyCompletesGetsItsTimeoutResponse() throws {
        let probe = Probe()
        let server = try Self.makeServer(probe)
        defer { Self.stop(server) }
        let client = try RawClient(port: server.httpPort!)
        client.send("GET /poll?ms=50 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().text == "timed out")
    }

    @Test func aDeadlineFarInTheFutureIsArmedWithoutOverflow() throws {
        let probe = Probe()
        let server = try Self.makeServer(probe)
        defer { Self.stop(server) }
        let client = try RawClient(port: server.httpPort!)
        client.send("GET /poll?ms=\(Int.max) HTTP/1.1\r\nHost: x\r\n\r\n")
        probe.reached.wait()
        // The loop went round with that timer armed (this request was served after it).
        let other = try RawClient(port: server.httpPort!)
        other.send("GET /now HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try other.readResponse().text == "now")
        probe.promises.withLock { $0 }.first?.complete(.text("event"))
        #expect(try client.readResponse().text == "event")
    }

    @Test func aClientHangingUpCancelsItsTimers() throws {
        let probe = Probe()
        let server = try Self.makeServer(probe)
        defer { Self.stop(server) }
        do {
            let gone = try RawClient(port: server.httpPort!)
            gone.send("GET /poll?ms=300 HTTP/1.1\r\nHost: x\r\n\r\n")
            probe.reached.wait()  // armed
        }  // closed here
        // One loop thread: this timer fires after the first one's deadline would have.
        let client = try RawClient(port: server.httpPort!)
        client.send("GET /after?ms=600 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().text == "after 600")
        #expect(probe.timeoutsRun.withLock { $0 } == 1)  // the /after one; the hung-up poll's never ran
    }

    /// A parked promise is completed (with a 499 nobody receives) when its client hangs up, so the code that
    /// parked it (a long-poll waiter's change-feed observer) is always cleaned up.
    @Test func aClientHangingUpCompletesItsParkedPromise() throws {
        let probe = Probe()
        let server = try Self.makeServer(probe)
        defer { Self.stop(server) }
        do {
            let gone = try RawClient(port: server.httpPort!)
            gone.send("GET /poll?ms=60000 HTTP/1.1\r\nHost: x\r\n\r\n")
            probe.reached.wait()
        }  // closed here
        let done = DispatchSemaphore(value: 0)
        let status = Locked<Int>(0)
        try #require(probe.promises.withLock { $0.first }).whenComplete { response in
            status.withLock { $0 = response.status.code }
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(status.withLock { $0 } == 499)
        #expect(probe.timeoutsRun.withLock { $0 } == 0)
    }
}
