// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTPCore
import HTTPServer
import Testing

/// Start-up refuses a port that another server already listens on, instead of sharing it through
/// `SO_REUSEPORT`; ports chosen with 0 stay distinct for any number of servers.
@Suite struct ListenerPortTests {
    static func makeServer(port: Int, threads: Int = 2) -> HTTPServer {
        var c = ServerConfiguration()
        c.httpsPort = nil
        c.httpPort = port
        c.threads = threads
        return HTTPServer(configuration: c) { _ in .text("ok") }
    }

    /// A port that was free a moment ago: bind port 0, read the number, close.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &a.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                bind(fd, p, length) == 0 ? getsockname(fd, p, &length) : -1
            }
        }
        try #require(rc == 0)
        return Int(UInt16(bigEndian: a.sin_port))
    }

    @Test func aSecondServerOnTheSamePortFailsToStartWithAClearError() throws {
        let port = try Self.freePort()
        let first = Self.makeServer(port: port)
        try first.start()
        defer {
            first.shutdown(drainTimeout: 1)
            first.wait()
        }
        #expect(first.httpPort == port)
        let second = Self.makeServer(port: port)
        #expect {
            try second.start()
        } throws: { error in
            "\(error)" == "port \(port) on 127.0.0.1 is already in use (another MailDouble?)"
        }
        // The first server is untouched and serves on.
        let client = try RawClient(port: port)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
    }

    @Test func theSamePortIsFreeAgainOnceTheFirstServerStopped() throws {
        let port = try Self.freePort()
        let first = Self.makeServer(port: port)
        try first.start()
        first.shutdown(drainTimeout: 1)
        first.wait()
        let second = Self.makeServer(port: port)
        try second.start()
        #expect(second.httpPort == port)
        second.shutdown(drainTimeout: 1)
        second.wait()
    }

    @Test func overlappingHostsOfOneServerDoNotConflictWithEachOther() throws {
        let server = Self.makeServer(port: 0)
        // `makeServer` listens on 127.0.0.1; 0.0.0.0 covers it too (SO_REUSEPORT lets one process hold both).
        var c = server.configuration
        c.hosts = ["0.0.0.0", "127.0.0.1"]
        let both = HTTPServer(configuration: c) { _ in .text("ok") }
        try both.start()
        defer {
            both.shutdown(drainTimeout: 1)
            both.wait()
        }
        let client = try RawClient(port: both.httpPort!)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
    }

    @Test func manyServersOnPortZeroGetDistinctPorts() throws {
        var servers: [HTTPServer] = []
        defer {
            for s in servers {
                s.shutdown(drainTimeout: 1)
                s.wait()
            }
        }
        for _ in 0..<20 {
            let s = Self.makeServer(port: 0, threads: 2)
            try s.start()
            servers.append(s)
        }
        let ports = Set(servers.compactMap(\.httpPort))
        #expect(ports.count == 20)
    }
}
