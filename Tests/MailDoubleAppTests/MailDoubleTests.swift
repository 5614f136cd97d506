// SPDX-License-Identifier: Apache-2.0
import COpenSSL
import Dispatch
import EmulatorKit
import Glibc
import HTTPCore
import MailDoubleApp
import Routing
import Testing

/// The whole emulator started in-process on port 0, as the executable starts it.
@Suite struct MailDoubleTests {
    static func makeStateDirectory() -> String {
        var template = Array("/tmp/maildouble-test-XXXXXX".utf8CString)
        let dir = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }!
        return String(cString: dir)
    }

    static func start(_ tweak: (inout AppConfiguration) -> Void = { _ in }) throws -> MailDouble {
        var c = AppConfiguration()
        c.httpsPort = 0
        c.httpPort = 0
        c.threads = 2
        c.stateDirectory = makeStateDirectory()
        c.fixturesDirectory = MailDoubleTests.fixturesDirectory
        tweak(&c)
        let app = try MailDouble(configuration: c)
        try app.start()
        return app
    }

    /// `fixtures/` of this checkout (tests run from the package root).
    static let fixturesDirectory: String = {
        var buffer = [CChar](repeating: 0, count: 4096)
        return String(cString: getcwd(&buffer, 4096)!) + "/fixtures"
    }()

    static func stop(_ app: MailDouble) {
        app.shutdown(drainTimeout: 1)
        app.wait()
    }

    @Test func healthOverVerifiedHTTPSAndPlainHTTP() throws {
        let app = try Self.start()
        defer { Self.stop(app) }
        let ca = try #require(app.caFile)
        for alpn in [["http/1.1"], []] {
            let tls = try TLSTestClient(port: app.httpsPort!, caFile: ca, alpn: alpn)
            #expect(tls.negotiatedProtocol == (alpn.isEmpty ? nil : "http/1.1"))
            tls.send("GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let r = try tls.readResponse()
            #expect(r.status == 200)
            #expect(try JSON.parse(r.body)["status"] == "ok")
        }
        // The certificate also names the vendors' hosts, so hard-coded vendor URLs verify.
        let vendor = try TLSTestClient(port: app.httpsPort!, caFile: ca, host: "api.resend.com")
        vendor.send("GET /_emulator/health HTTP/1.1\r\nHost: api.resend.com\r\n\r\n")
        #expect(try vendor.readResponse().status == 200)
        // A client offering h2 first gets h2.
        let h2 = try TLSTestClient(port: app.httpsPort!, caFile: ca, alpn: ["h2", "http/1.1"])
        #expect(h2.negotiatedProtocol == "h2")

        let plain = try PlainClient(port: app.httpPort!)
        plain.send("GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(try plain.readStatus() == 200)
    }

    @Test func certificatesAreCreatedOnceThenReused() throws {
        let dir = Self.makeStateDirectory()
        let first = try Self.start { $0.stateDirectory = dir }
        #expect(first.certificatesCreated)
        Self.stop(first)
        let second = try Self.start { $0.stateDirectory = dir }
        #expect(!second.certificatesCreated)
        #expect(second.caFile == first.caFile)
        Self.stop(second)
    }

    @Test func readyFileNamesThePortsChosenWithZero() throws {
        let app = try Self.start()
        defer { Self.stop(app) }
        let path = Self.makeStateDirectory() + "/ready.json"
        try app.writeReadyFile(path)
        let ready = try JSON.parse(try #require(Fixtures.readFile(path)))
        #expect(ready["https_port"]?.intValue == app.httpsPort)
        #expect(ready["http_port"]?.intValue == app.httpPort)
        #expect(ready["ca_file"]?.stringValue == app.caFile)
        #expect(ready["pid"]?.intValue == Int(getpid()))
    }

    /// Time only moves forward; `clock/reset` (or `reset?clock=1`) goes back to real time.
    @Test func theClockRefusesToGoBackAndResetsToRealTime() throws {
        let app = try Self.start { $0.frozenClockMillis = 1_640_822_400_000 }  // 2021-12-30T00:00:00Z
        defer { Self.stop(app) }
        func call(_ method: HTTPMethod, _ target: String) -> Response {
            app.dispatcher.respond(to: Request(method: method, target: target))
        }
        let back = call(.POST, "/_emulator/clock/advance?seconds=-5")
        #expect(back.status == .badRequest)
        #expect(try JSON.parse(back.body)["message"]?.stringValue?.contains("must not be negative") == true)
        #expect(call(.POST, "/_emulator/clock/advance?seconds=60").status == .ok)
        let reset = call(.POST, "/_emulator/clock/reset")
        #expect(try JSON.parse(reset.body)["now"] == "2021-12-30T00:00:00.000Z")
        #expect(try JSON.parse(reset.body)["offset_ms"]?.intValue == 0)
        #expect(call(.POST, "/_emulator/clock/advance?seconds=60").status == .ok)
        #expect(call(.POST, "/_emulator/reset?clock=maybe").status == .badRequest)
        #expect(call(.POST, "/_emulator/reset?clock=0").status == .ok)
        #expect(try JSON.parse(call(.GET, "/_emulator/clock").body)["offset_ms"]?.intValue == 60_000)
        #expect(call(.POST, "/_emulator/reset?clock=1").status == .ok)
        #expect(try JSON.parse(call(.GET, "/_emulator/clock").body)["offset_ms"]?.intValue == 0)
    }

    /// `--control-token`: the control routes (unmatched ones too) want the bearer token; health stays open.
    @Test func theControlTokenGuardsEveryControlRouteButHealth() throws {
        let app = try Self.start { $0.controlToken = "s3cret" }
        defer { Self.stop(app) }
        func call(_ target: String, _ authorization: String?) -> Response {
            var headers = HTTPHeaders()
            if let authorization { headers.add(name: "Authorization", value: authorization) }
            return app.dispatcher.respond(to: Request(method: .GET, target: target, headers: headers))
        }
        #expect(call("/_emulator/health", nil).status == .ok)
        for target in ["/_emulator/messages", "/_emulator/clock", "/_emulator/no-such-route"] {
            let refused = call(target, nil)
            #expect(refused.status == .unauthorized, "\(target)")
            #expect(refused.headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)
            #expect(try JSON.parse(refused.body)["error"] == "unauthorized")
            #expect(call(target, "Bearer wrong").status == .unauthorized)
            #expect(call(target, "Bearer s3cret").status != .unauthorized)
        }
        #expect(call("/_emulator/messages", "Bearer s3cret").status == .ok)
        // Vendor routes are not the control plane's to guard.
        #expect(call("/emails", nil).status != .ok)
        #expect(call("/emails", nil).headers["WWW-Authenticate"]?.contains("maildouble-control") != true)
    }

    @Test func clockAdvancesThroughTheControlAPI() throws {
        let app = try Self.start { $0.frozenClockMillis = 1_640_822_400_000 }  // 2021-12-30T00:00:00Z
        defer { Self.stop(app) }
        let r = app.dispatcher.respond(to: Request(method: .POST, target: "/_emulator/clock/advance?seconds=90"))
        #expect(r.status == .ok)
        #expect(try JSON.parse(r.body)["now"] == "2021-12-30T00:01:30.000Z")
        let bad = app.dispatcher.respond(to: Request(method: .POST, target: "/_emulator/clock/advance?seconds=abc"))
        #expect(bad.status == .badRequest)
    }

    @Test func injectedLatencyAnswersLaterWithoutBlockingTheLoop() throws {
        let app = try Self.start { $0.threads = 1 }
        defer { Self.stop(app) }
        let slow = try PlainClient(port: app.httpPort!)
        slow.send("GET /_emulator/delay?ms=300 HTTP/1.1\r\nHost: x\r\n\r\n")
        // With one loop thread, this is answered while the delayed one is still pending.
        let fast = try PlainClient(port: app.httpPort!)
        fast.send("GET /_emulator/ping HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try fast.readStatus() == 200)
        #expect(try slow.readStatus() == 200)
    }
}

/// Minimal plain-socket client: sends text, reads the status code of the next response head.
final class PlainClient {
    let fd: Int32
    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &a.sin_addr)
        let rc = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if rc != 0 { throw TLSTestClient.Failure.connect }
    }
    deinit { close(fd) }
    func send(_ text: String) { _ = Array(text.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) } }
    func readStatus() throws -> Int {
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !(head.count >= 4 && head.suffix(4) == [13, 10, 13, 10]) {
            guard recv(fd, &byte, 1, 0) == 1 else { throw TLSTestClient.Failure.io }
            head.append(byte)
        }
        return Int(String(decoding: head, as: UTF8.self).split(separator: " ")[1]) ?? 0
    }
}

@Suite struct ResetTests {
    @Test func resetPutsAVendorBackToItsFixtures() throws {
        let app = try MailDoubleTests.start()
        defer { MailDoubleTests.stop(app) }
        let auth: HTTPHeaders = [
            "Authorization": "Bearer maildouble-flowdock-token", "Content-Type": "application/json",
        ]
        let post = app.dispatcher.respond(
            to: Request(
                method: .POST,
                target: "/flows/acme/my-flow/messages",
                headers: auth,
                body: Array(#"{"event":"message","content":"temporary"}"#.utf8)
            )
        )
        #expect(post.status == .created)
        let id = try #require(try JSON.parse(post.body)["id"]?.intValue)
        let get = {
            app.dispatcher.respond(
                to: Request(method: .GET, target: "/flows/acme/my-flow/messages/\(id)", headers: auth)
            )
        }
        #expect(get().status == .ok)
        let reset = app.dispatcher.respond(to: Request(method: .POST, target: "/_emulator/reset?vendor=flowdock"))
        #expect(try JSON.parse(reset.body)["reset"] == ["flowdock"])
        #expect(get().status == .notFound)
        let unknown = app.dispatcher.respond(to: Request(method: .POST, target: "/_emulator/reset?vendor=nope"))
        #expect(unknown.status == .badRequest)
    }
}

/// `/_emulator/delay` waits on the event loop's timers: many at once cost no threads.
@Suite struct DelayTests {
    static func threadCount() -> Int {
        guard let dir = opendir("/proc/self/task") else { return -1 }
        defer { closedir(dir) }
        var n = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { n += 1 }
        }
        return n
    }

    @Test func twoHundredConcurrentDelaysCreateNoThreadsAndAllAnswer() throws {
        let app = try MailDoubleTests.start { $0.threads = 1 }
        defer { MailDoubleTests.stop(app) }
        let before = Self.threadCount()
        var clients: [PlainClient] = []
        for _ in 0..<200 { clients.append(try PlainClient(port: app.httpPort!)) }
        let started = DispatchTime.now().uptimeNanoseconds
        for c in clients { c.send("GET /_emulator/delay?ms=200 HTTP/1.1\r\nHost: x\r\n\r\n") }
        // One loop: once it answers this, it has read (and deferred) the 200 requests sent before.
        let ping = try PlainClient(port: app.httpPort!)
        ping.send("GET /_emulator/ping HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try ping.readStatus() == 200)
        let during = Self.threadCount()
        // A thread per request would add 200; other suites running meanwhile add a few loop threads.
        #expect(during - before < 50, "threads before \(before), during \(during)")
        for c in clients { #expect(try c.readStatus() == 200) }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        #expect(elapsed >= 0.2)
    }
}
