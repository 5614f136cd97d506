// SPDX-License-Identifier: Apache-2.0
import Dispatch
import HTTPCore
import HTTPServer
import Testing

/// The lifecycle state machine carried out on real sockets: keep-alive idle close, the drain deadline.
@Suite struct ConnectionLifecycleTests {
    @Test func anIdleKeepAliveConnectionIsClosedAfterItsTimeout() throws {
        let server = try HTTPServerTests.makeServer { $0.keepAliveTimeout = 0.3 }
        defer { HTTPServerTests.stop(server) }
        let client = try RawClient(port: server.httpPort!)
        client.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
        let answered = DispatchTime.now().uptimeNanoseconds
        let r = try client.readResponse()
        #expect(r.status == 200 && r.headers["Connection"] != "close")
        #expect(try client.readUntilClosed().isEmpty)  // EOF once idle for the timeout
        #expect(Double(DispatchTime.now().uptimeNanoseconds - answered) / 1e9 >= 0.3)
    }

    @Test func theDrainDeadlineClosesWhatIsStillUnansweredAndCountsIt() throws {
        let gate = HTTPServerTests.Gate()
        let server = try HTTPServerTests.makeServer(gate)
        let client = try RawClient(port: server.httpPort!)
        client.send("GET /later HTTP/1.1\r\nHost: x\r\n\r\n")
        gate.reached.wait()  // deferred, and never completed
        server.shutdown(drainTimeout: 0.2)
        server.wait()
        #expect(server.connectionsCutOff == 1)
        #expect(try client.readUntilClosed().isEmpty)
    }

    @Test func aCleanDrainCutsNothingOff() throws {
        let gate = HTTPServerTests.Gate()
        let server = try HTTPServerTests.makeServer(gate)
        let client = try RawClient(port: server.httpPort!)
        client.send("GET /later HTTP/1.1\r\nHost: x\r\n\r\n")
        gate.reached.wait()
        server.shutdown(drainTimeout: 10)
        gate.promises.withLock { $0 }.first?.complete(.text("done"))
        let r = try client.readResponse()
        #expect(r.text == "done")
        server.wait()
        #expect(server.connectionsCutOff == 0)
    }
}
