// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Glibc
import HTTPCore
import HTTPServer
import Logging
import Routing
import Testing

@testable import MailDoubleApp

/// `/_emulator/metrics` (exporter text and the counters behind it), the probes, request ids and log records.
@Suite struct OperationsTests {
    // MARK: Exporter text

    @Test func exporterTextEscapesLabelsAndHelpAndWritesCumulativeHistograms() {
        var out = PrometheusText()
        out.family("x_total", .counter, help: "a \\ back\nslash")
        out.sample("x_total", [("route", "/a\"b\\c\nd"), ("status", "200")], 3)
        out.family("d_seconds", .histogram, help: "h")
        out.histogram("d_seconds", [("v", "p")], bounds: [0.5, 1], counts: [1, 2, 3], sum: 4.25, count: 6)
        let text = String(decoding: out.bytes, as: UTF8.self)
        #expect(
            text == """
                # HELP x_total a \\\\ back\\nslash
                # TYPE x_total counter
                x_total{route="/a\\"b\\\\c\\nd",status="200"} 3
                # HELP d_seconds h
                # TYPE d_seconds histogram
                d_seconds_bucket{v="p",le="0.5"} 1
                d_seconds_bucket{v="p",le="1"} 3
                d_seconds_bucket{v="p",le="+Inf"} 6
                d_seconds_sum{v="p"} 4.25
                d_seconds_count{v="p"} 6

                """
        )
        #expect(PrometheusText.format(.infinity) == "+Inf" && PrometheusText.format(-.infinity) == "-Inf")
        #expect(PrometheusText.format(.nan) == "NaN" && PrometheusText.format(2) == "2")
        #expect(PrometheusText.format(0.000_25) == "0.00025")
    }

    // MARK: Counters

    static func metrics() -> RequestMetrics {
        RequestMetrics(routers: [("emulator", ["/_emulator/ping"]), ("postflare", ["/emails", "/emails/{id}"])])
    }

    @Test func requestsAreCountedByRouteMethodAndStatusAcrossThreads() async throws {
        let m = Self.metrics()
        let emails = m.slot(router: 1, route: "/emails")
        #expect(m.routes[emails].vendor == "postflare" && m.routes[emails].route == "/emails")
        // A template the router does not have, and a request no router took, have slots of their own.
        #expect(m.routes[m.slot(router: 1, route: nil)].route == "unmatched")
        #expect(m.routes[m.slot(router: nil, route: nil)].vendor == "none")
        let post = RequestMetrics.methodIndex(.POST)
        // Two threads, each on its own shard; the scrape adds them up.
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    for i in 0..<500 {
                        m.record(slot: emails, method: post, status: i % 5 == 0 ? 422 : 200, seconds: 0.0003)
                    }
                }
            }
        }
        m.record(slot: emails, method: RequestMetrics.methodIndex("BREW"), status: 405, seconds: 20)
        let totals = m.totals()
        let byStatus = Dictionary(
            totals.requests.filter { $0.slot == emails && $0.method == post }.map { ($0.status, $0.count) },
            uniquingKeysWith: +
        )
        #expect(byStatus == [200: 800, 422: 200])
        #expect(totals.requests.contains { RequestMetrics.methods[$0.method] == "OTHER" && $0.status == 405 })
        let latency = try #require(totals.latency.first { $0.slot == emails })
        #expect(latency.count == 1001)
        // 0.3 ms falls in the ≤ 0.5 ms bucket; 20 s beyond the last bound, in +Inf.
        #expect(latency.buckets[RequestMetrics.bucket(for: 0.0003)] == 1000)
        #expect(RequestMetrics.bucketBounds[RequestMetrics.bucket(for: 0.0003)] == 0.0005)
        #expect(latency.buckets.last == 1)
        #expect(abs(latency.sum - (1000 * 0.0003 + 20)) < 1e-9)
    }

    // MARK: Request ids

    @Test func requestIDsAreEchoedWhenValidElseMade() {
        var random = FastRandom(seed: 7)
        func id(_ given: String?) -> String {
            var headers = HTTPHeaders()
            if let given { headers.add(name: "x-request-id", value: given) }
            let request = Request(method: .GET, target: "/", headers: headers)
            return RequestID.of(request, random: &random)
        }
        #expect(id("abc-123_XYZ.~") == "abc-123_XYZ.~")
        #expect(id(String(repeating: "a", count: 128)) == String(repeating: "a", count: 128))
        for bad in [nil, "", "has space", "tab\there", String(repeating: "a", count: 129), "é"] {
            let made = id(bad)
            #expect(made.utf8.count == RequestID.length && made.utf8.allSatisfy { FastRandom.hexDigits.contains($0) })
        }
        #expect(id(nil) != id(nil))
    }

    // MARK: Log records

    @Test func logRecordsRenderAsTextAndAsJSON() throws {
        let at = Timestamp(millis: 1_764_700_000_123)
        let metadata: Logger.Metadata = [
            "id": "abc", "status": .stringConvertible(201), "latency_ms": .stringConvertible(0.5),
            "note": "two words \"quoted\"",
        ]
        let text = String(
            decoding: MailDoubleLogHandler.render(
                level: .info,
                message: "POST /emails → 201",
                metadata: metadata,
                format: .text,
                time: at
            ),
            as: UTF8.self
        )
        #expect(
            text
                == "\(at.iso8601()) info POST /emails → 201 id=abc latency_ms=0.5 note=\"two words \\\"quoted\\\"\" status=201\n"
        )
        let line = MailDoubleLogHandler.render(
            level: .warning,
            message: "a \"b\"\n\u{1}",
            metadata: metadata,
            format: .json,
            time: at
        )
        #expect(line.last == 0x0A && !line.dropLast().contains(0x0A))
        let json = try JSON.parse(Array(line.dropLast()))
        #expect(json["time"]?.stringValue == at.iso8601() && json["level"] == "warning")
        #expect(json["message"]?.stringValue == "a \"b\"\n\u{1}")
        #expect(json["status"]?.intValue == 201 && json["latency_ms"]?.doubleValue == 0.5 && json["id"] == "abc")
    }

    /// Captures what a logger writes.
    final class Captured: Sendable {
        let lines = Locked<[String]>([])
        var sink: LogSink {
            LogSink { [lines] bytes in lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } }
        }
        var all: [String] { lines.withLock { $0 } }
    }

    static func start(
        level: Logger.Level = .notice,
        format: LogFormat = .text,
        token: String? = nil,
        captured: Captured = Captured()
    ) throws -> MailDouble {
        var c = AppConfiguration()
        c.httpsPort = 0
        c.httpPort = 0
        c.threads = 1
        c.stateDirectory = MailDoubleTests.makeStateDirectory()
        c.fixturesDirectory = MailDoubleTests.fixturesDirectory
        c.postflareWebhooks = false
        c.postflareRateLimit = 0
        c.logLevel = level
        c.logFormat = format
        c.logSink = captured.sink
        c.controlToken = token
        let app = try MailDouble(configuration: c)
        try app.start()
        return app
    }

    static func call(
        _ app: MailDouble,
        _ method: String,
        _ target: String,
        headers: [String] = [],
        body: String = ""
    )
        throws -> (status: Int, body: String, head: String)
    {
        let c = try TLSTestClient(port: app.httpsPort!, caFile: app.caFile!)
        c.send(VendorsOverHTTPSTests.request(method, target, host: "localhost", headers: headers, body: body))
        return try c.readResponse()
    }

    static func header(_ name: String, in head: String) -> String? {
        for line in head.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                return String(parts[1].drop { $0 == " " })
            }
        }
        return nil
    }

    /// `name{labels} value` lines of an exposition, by `name{labels}`.
    static func samples(_ text: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            out[String(line[..<space])] = Double(line[line.index(after: space)...])
        }
        return out
    }

    static let send = (
        headers: ["Authorization: Bearer re_test_maildouble_full", "Content-Type: application/json"],
        body: #"{"from":"hello@example.org","to":"ada@acme.io","subject":"Hi","text":"hi"}"#
    )

    @Test func metricsCountTheRequestsMadeAndReadGaugesAtScrapeTime() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        for _ in 0..<3 {
            #expect(
                try Self.call(app, "POST", "/emails", headers: Self.send.headers, body: Self.send.body).status == 200
            )
        }
        let bad = try Self.call(app, "POST", "/emails", headers: Self.send.headers, body: "{").status
        #expect((400...499).contains(bad))
        #expect(try Self.call(app, "GET", "/no/such/route").status == 404)
        let scrape = try Self.call(app, "GET", "/_emulator/metrics")
        #expect(scrape.status == 200)
        #expect(Self.header("content-type", in: scrape.head) == "text/plain; version=0.0.4; charset=utf-8")
        let s = Self.samples(scrape.body)
        #expect(s[#"maildouble_requests_total{vendor="postflare",method="POST",route="/emails",status="200"}"#] == 3)
        #expect(
            s[#"maildouble_requests_total{vendor="postflare",method="POST",route="/emails",status="\#(bad)"}"#] == 1
        )
        #expect(s[#"maildouble_request_duration_seconds_count{vendor="postflare",route="/emails"}"#] == 4)
        #expect(s[#"maildouble_request_duration_seconds_bucket{vendor="postflare",route="/emails",le="+Inf"}"#] == 4)
        let unmatched = s.filter { $0.key.hasPrefix("maildouble_requests_total{") && $0.key.contains("unmatched") }
        #expect(unmatched.values.reduce(0, +) == 1)
        // Stored messages: the fixture team's e-mails plus the three sent, read from the vendor now.
        let stored = try VendorContractTests.vendor(app, "postflare").storedMessageCounts()["team_maildouble"]
        #expect(stored != nil)
        #expect(s[#"maildouble_stored_messages{vendor="postflare",tenant="team_maildouble"}"#] == Double(stored ?? -1))
        #expect(s["maildouble_parked_waiters"] == 0 && s["maildouble_ready"] == 1)
        // Every call above was its own TLS connection, h1 by ALPN; the scrape's own one is still open.
        #expect(s["maildouble_connections_accepted_total"] == 6)
        #expect(s[#"maildouble_tls_handshakes_total{result="completed"}"#] == 6)
        #expect(s[#"maildouble_open_connections{tls="true",protocol="h1"}"#] == 1)
        #expect(s[#"maildouble_open_connections{tls="false",protocol="h2"}"#] == 0)
    }

    @Test func faultsFiredAreCountedAndLogged() throws {
        let captured = Captured()
        let app = try Self.start(captured: captured)
        defer { MailDoubleTests.stop(app) }
        let rule = #"{"match":{"vendor":"postflare","route":"/emails"},"action":{"status":503},"times":2}"#
        let added = try Self.call(
            app,
            "POST",
            "/_emulator/faults",
            headers: ["Content-Type: application/json"],
            body: rule
        )
        #expect(added.status == 201)
        let id = try #require(try JSON.parse(Array(added.body.utf8))["id"]?.stringValue)
        for _ in 0..<3 { _ = try Self.call(app, "POST", "/emails", headers: Self.send.headers, body: Self.send.body) }
        let s = Self.samples(try Self.call(app, "GET", "/_emulator/metrics").body)
        #expect(s[#"maildouble_faults_fired_total{vendor="postflare",rule="\#(id)"}"#] == 2)
        #expect(s[#"maildouble_requests_total{vendor="postflare",method="POST",route="/emails",status="503"}"#] == 2)
        #expect(captured.all.filter { $0.contains("event=fault.fired") && $0.contains("rule=\(id)") }.count == 2)
    }

    @Test func responsesCarryTheRequestIDAndRequestLinesLogIt() throws {
        let captured = Captured()
        let app = try Self.start(level: .info, format: .json, captured: captured)
        defer { MailDoubleTests.stop(app) }
        let echoed = try Self.call(app, "GET", "/_emulator/ping", headers: ["X-Request-Id: ci-job-42.step-1"])
        #expect(Self.header("x-request-id", in: echoed.head) == "ci-job-42.step-1")
        let made = try Self.call(app, "GET", "/_emulator/ping", headers: ["X-Request-Id: two words"])
        let id = try #require(Self.header("x-request-id", in: made.head))
        #expect(id.utf8.count == RequestID.length && id != "two words")
        // A deferred answer gets it too, when it comes.
        let later = try Self.call(app, "GET", "/_emulator/delay?ms=1", headers: ["X-Request-Id: deferred-1"])
        #expect(later.status == 200 && Self.header("x-request-id", in: later.head) == "deferred-1")
        let records = try captured.all.map { try JSON.parse(Array($0.utf8)) }
        let requests = records.filter { $0["event"] == "request" }
        #expect(requests.count == 3)
        #expect(requests.map { $0["id"]?.stringValue } == ["ci-job-42.step-1", id, "deferred-1"])
        #expect(requests[0]["status"]?.intValue == 200 && requests[0]["level"] == "info")
        #expect(requests[0]["message"]?.stringValue == "GET /_emulator/ping → 200")
    }

    @Test func theDefaultLevelLogsNoRequestLines() throws {
        let captured = Captured()
        let app = try Self.start(captured: captured)
        _ = try Self.call(app, "GET", "/_emulator/ping")
        #expect(try Self.call(app, "GET", "/_emulator/stall?ms=0").status == 200)
        MailDoubleTests.stop(app)
        #expect(!captured.all.contains { $0.contains("event=request") })
        #expect(
            captured.all.contains { $0.contains(" notice /_emulator/stall: holding an event-loop thread for 0 ms") }
        )
    }

    // MARK: Probes

    @Test func probesAnswerWithoutTheControlTokenAndMetricsWantIt() throws {
        let app = try Self.start(token: "s3cret")
        defer { MailDoubleTests.stop(app) }
        #expect(try Self.call(app, "GET", "/_emulator/livez").status == 200)
        let ready = try Self.call(app, "GET", "/_emulator/readyz")
        let readyBody = try JSON.parse(Array(ready.body.utf8))
        #expect(ready.status == 200 && readyBody["status"] == "ready")
        #expect(try Self.call(app, "GET", "/_emulator/metrics").status == 401)
        #expect(
            try Self.call(app, "GET", "/_emulator/metrics", headers: ["Authorization: Bearer s3cret"]).status == 200
        )
    }

    @Test func readinessIsFalseBeforeStartAndWhileDraining() throws {
        var c = AppConfiguration()
        c.httpsPort = nil
        c.httpPort = 0
        c.stateDirectory = MailDoubleTests.makeStateDirectory()
        c.fixturesDirectory = "none"
        let app = try MailDouble(configuration: c)
        func readyz() -> (Int, JSON?) {
            let r = app.dispatcher.respond(
                to: Request(method: .GET, target: "/_emulator/readyz")
            )
            return (r.status.code, try? JSON.parse(r.body))
        }
        #expect(readyz().0 == 503 && readyz().1?["status"] == "starting" && !app.isReady)
        try app.start()
        #expect(readyz().0 == 200 && app.isReady)
        app.shutdown(drainTimeout: 1)
        #expect(readyz().0 == 503 && readyz().1?["status"] == "draining")
        app.wait()
    }

    // MARK: Container banner

    @Test func theHostPathOfABindMountedStateDirectoryComesFromMountInfo() {
        let info = """
            22 1 0:21 / / rw,relatime - overlay overlay rw
            30 22 8:1 /home/ada/my\\040app/.maildouble /var/lib/maildouble rw,relatime - ext4 /dev/sda1 rw
            31 22 0:40 / /var/lib/other rw - tmpfs tmpfs rw
            """
        let host = ContainerHost(mounts: ContainerHost.parseMountInfo(info))
        #expect(host.hostPath(of: "/var/lib/maildouble/ca.pem") == "/home/ada/my app/.maildouble/ca.pem")
        #expect(host.hostPath(of: "/var/lib/other/ca.pem") == nil)  // a tmpfs volume: no host directory
        #expect(host.hostPath(of: "/var/lib/maildoublex/ca.pem") == nil)
    }
}
