// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Glibc
import HTTPCore
import MailDoubleApp
import Testing

/// `/_emulator/faults` against a live emulator on the plain port: every action over HTTP/1.1 and HTTP/2.
@Suite struct FaultLiveTests {
    static let postflareKey = "Authorization: Bearer re_test_maildouble_full"
    static let flowmailerMedia = "application/vnd.flowmailer.v1.12+json"

    static func start(_ tweak: (inout AppConfiguration) -> Void = { _ in }) throws -> MailDouble {
        try MailDoubleTests.start { c in
            c.httpsPort = nil
            c.threads = 1
            c.postflareWebhooks = false
            c.postflareRateLimit = 0
            tweak(&c)
        }
    }

    /// One request on a fresh connection; nil when the connection ended without an answer.
    static func call(
        _ app: MailDouble,
        _ method: String,
        _ target: String,
        headers: [String] = [],
        body: String = "",
        host: String = "127.0.0.1"
    ) throws -> FaultWire.Answer? {
        let c = try FaultWire(host: host, port: app.httpPort!)
        c.send(FaultWire.request(method, target, headers: headers, body: body))
        return c.readAnswer()
    }

    @discardableResult
    static func addFault(_ app: MailDouble, _ rule: String) throws -> FaultWire.Answer {
        let answer = try #require(try call(app, "POST", "/_emulator/faults", body: rule))
        #expect(answer.status == 201, "\(String(decoding: answer.body, as: UTF8.self))")
        return answer
    }

    static func email(subject: String) -> String {
        #"{"from":"hello@example.org","to":"delivered@resend.dev","subject":"\#(subject)","text":"hi"}"#
    }

    static func flowmailerToken(_ app: MailDouble) throws -> String {
        let answer = try #require(
            try call(
                app,
                "POST",
                "/oauth/token",
                headers: ["Content-Type: application/x-www-form-urlencoded"],
                body: "client_id=maildouble&client_secret=maildouble-secret&grant_type=client_credentials&scope=api"
            )
        )
        return try #require(answer.json["access_token"]?.stringValue)
    }

    static func submitHeaders(_ token: String) -> [String] {
        ["Authorization: Bearer \(token)", "Content-Type: \(flowmailerMedia)", "Accept: \(flowmailerMedia)"]
    }

    static func submission(subject: String) -> String {
        #"{"messageType":"EMAIL","senderAddress":"a@example.com","recipientAddress":"b@example.com","subject":"\#(subject)","text":"t"}"#
    }

    /// How many messages `vendor` holds with this subject, through the control plane.
    static func stored(_ app: MailDouble, _ vendor: String, subject: String) throws -> Int {
        let answer = try #require(try call(app, "GET", "/_emulator/messages?vendor=\(vendor)&subject=\(subject)"))
        return answer.json["data"]?.arrayValue?.count ?? -1
    }

    static func fault(_ app: MailDouble, _ id: String) throws -> JSON {
        try #require(try call(app, "GET", "/_emulator/faults/\(id)")).json
    }

    // MARK: Status faults

    @Test func aStatusFaultAnswersInEachVendorsOwnFormat() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        try Self.addFault(app, #"{"match":{"route":"/{account_id}/messages/submit"},"action":{"status":503}}"#)
        try Self.addFault(app, #"{"match":{"vendor":"postflare","route":"/emails"},"action":{"status":500}}"#)
        try Self.addFault(app, #"{"match":{"vendor":"flowdock"},"action":{"status":502,"message":"Upstream gone"}}"#)

        let flowmailer = try #require(try Self.call(app, "POST", "/545/messages/submit", body: "{}"))
        #expect(flowmailer.status == 503 && flowmailer.headers["Retry-After"] == "1")
        #expect(flowmailer.json["allErrors"]?[0]?["code"] == "serviceunavailable")
        let postflare = try #require(
            try Self.call(app, "POST", "/emails", headers: [Self.postflareKey], body: Self.email(subject: "F1"))
        )
        #expect(postflare.status == 500)
        #expect(
            postflare.json == [
                "statusCode": 500, "message": "An unexpected error occurred.", "name": "application_error",
            ]
        )
        #expect(try Self.stored(app, "postflare", subject: "F1") == 0)  // a status fault handles nothing
        let flowdock = try #require(try Self.call(app, "GET", "/flows", headers: ["Authorization: Bearer x"]))
        #expect(flowdock.status == 502 && flowdock.json == ["message": "Upstream gone"])
        // Each rule fired once (times defaults to 1): the next calls are answered for real.
        #expect(try Self.call(app, "GET", "/flows", headers: ["Authorization: Bearer x"])?.status == 401)
        #expect(try Self.fault(app, "flt_3")["remaining"] == 0)
    }

    @Test func aStatusFaultOnTheFlowmailerTokenEndpointIsOAuthShaped() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        try Self.addFault(app, #"{"match":{"route":"/oauth/token"},"action":{"status":503},"times":2}"#)
        let form = "client_id=maildouble&client_secret=maildouble-secret&grant_type=client_credentials"
        let headers = ["Content-Type: application/x-www-form-urlencoded"]
        let refused = try #require(try Self.call(app, "POST", "/oauth/token", headers: headers, body: form))
        #expect(refused.status == 503 && refused.headers["Retry-After"] == "1")
        #expect(refused.json["error"] == "temporarily_unavailable")
        #expect(refused.json["error_description"]?.stringValue?.isEmpty == false)
        #expect(refused.json["allErrors"] == nil)
        _ = try Self.call(app, "POST", "/oauth/token", headers: headers, body: form)
        #expect(try Self.flowmailerToken(app).isEmpty == false)  // the third attempt gets its token
    }

    @Test func aPostflare429CarriesTheRateLimitHeadersAndOverridesApply() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        try Self.addFault(app, #"{"match":{"route":"/emails"},"action":{"status":429,"retry_after":3}}"#)
        try Self.addFault(
            app,
            #"{"match":{"route":"/emails"},"action":{"status":503,"body":{"custom":true},"headers":{"X-Edge":"cdn"}}}"#
        )
        let limited = try #require(try Self.call(app, "POST", "/emails", headers: [Self.postflareKey], body: "{}"))
        #expect(limited.status == 429 && limited.json["name"] == "rate_limit_exceeded")
        #expect(limited.headers["retry-after"] == "3" && limited.headers["ratelimit-reset"] == "3")
        #expect(limited.headers["ratelimit-remaining"] == "0" && limited.headers["ratelimit-limit"] == "10")
        try Self.addFault(app, #"{"match":{"vendor":"flowmailer"},"action":{"status":429}}"#)
        let flowmailer = try #require(try Self.call(app, "POST", "/545/messages/submit", body: "{}"))
        #expect(flowmailer.status == 429 && flowmailer.headers["Retry-After"] == "1")
        #expect(flowmailer.json["allErrors"]?[0]?["code"] == "ratelimit.exceeded")
        let custom = try #require(try Self.call(app, "POST", "/emails", headers: [Self.postflareKey], body: "{}"))
        #expect(custom.status == 503 && custom.json == ["custom": true] && custom.headers["X-Edge"] == "cdn")
        #expect(custom.headers["Content-Type"]?.hasPrefix("application/json") == true)
    }

    @Test func aStatusFaultOverHTTP2UsesTheSameFormat() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        try Self.addFault(app, #"{"match":{"vendor":"postflare"},"action":{"status":503}}"#)
        let c = try FaultWire(port: app.httpPort!)
        c.startHTTP2()
        c.sendHTTP2(stream: 1, "GET", "/emails", headers: [("authorization", "Bearer re_test_maildouble_full")])
        let frames = c.readHTTP2Stream(1)
        let body = frames.filter { $0.type == 0x0 }.flatMap(\.payload)
        #expect(try JSON.parse(body)["name"] == "service_unavailable")
    }

    // MARK: Drops

    @Test func afterCommitOnAFlowmailerSubmitClosesWithoutAnAnswerYetStoresTheMessage() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        let token = try Self.flowmailerToken(app)
        try Self.addFault(app, #"{"match":{"route":"/{account_id}/messages/submit"},"action":{"drop":"after_commit"}}"#)
        let c = try FaultWire(port: app.httpPort!)
        c.send(
            FaultWire.request(
                "POST",
                "/545/messages/submit",
                headers: Self.submitHeaders(token),
                body: Self.submission(subject: "Committed")
            )
        )
        let (bytes, end) = c.readToEnd()
        #expect(bytes.isEmpty && end == .eof)
        #expect(try Self.stored(app, "flowmailer", subject: "Committed") == 1)
        // A client that retries on the connection error sends it again: Flowmailer has no idempotency.
        let retry = try Self.call(
            app,
            "POST",
            "/545/messages/submit",
            headers: Self.submitHeaders(token),
            body: Self.submission(subject: "Committed")
        )
        #expect(retry?.status == 201)
        #expect(try Self.stored(app, "flowmailer", subject: "Committed") == 2)
        #expect(try Self.fault(app, "flt_1")["fired"] == 1)
    }

    @Test func afterCommitOverHTTP2ClosesTheConnectionWithTheMessageStored() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        try Self.addFault(app, #"{"match":{"route":"/emails"},"action":{"drop":"after_commit"}}"#)
        let c = try FaultWire(port: app.httpPort!)
        c.startHTTP2()
        c.sendHTTP2(
            stream: 1,
            "POST",
            "/emails",
            headers: [("authorization", "Bearer re_test_maildouble_full"), ("content-type", "application/json")],
            body: Self.email(subject: "H2Commit")
        )
        let frames = c.readHTTP2Stream(1)
        #expect(!frames.contains { $0.stream == 1 && ($0.type == 0x1 || $0.type == 0x0) })
        #expect(c.readToEnd().end != .timeout)  // FIN, or RST if our SETTINGS ACK was unread
        #expect(try Self.stored(app, "postflare", subject: "H2Commit") == 1)
    }

    @Test func dropBeforeHandlesNothingAndLeavesThePipelineUnanswered() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        try Self.addFault(app, #"{"match":{"route":"/emails","method":"POST"},"action":{"drop":"before"}}"#)
        let c = try FaultWire(port: app.httpPort!)
        let first = FaultWire.request(
            "POST",
            "/emails",
            headers: [Self.postflareKey, "Content-Type: application/json"],
            body: Self.email(subject: "Dropped")
        )
        // Pipelined behind the dropped one: never answered (the connection ends first).
        c.send(first + FaultWire.request("GET", "/emails", headers: [Self.postflareKey]))
        let (bytes, end) = c.readToEnd()
        #expect(bytes.isEmpty && end == .eof)
        #expect(try Self.stored(app, "postflare", subject: "Dropped") == 0)
    }

    @Test func anAnswerAheadInThePipelineIsSentBeforeTheDrop() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        try Self.addFault(app, #"{"match":{"vendor":"flowdock","method":"POST"},"action":{"drop":"before"}}"#)
        let c = try FaultWire(port: app.httpPort!)
        c.send(
            FaultWire.request("GET", "/flows", headers: ["Authorization: Bearer x"])
                + FaultWire.request("POST", "/flows", headers: ["Authorization: Bearer x"], body: "{}")
        )
        #expect(c.readAnswer()?.status == 401)
        let (bytes, end) = c.readToEnd()
        #expect(bytes.isEmpty && end == .eof)
    }

    // MARK: Resets

    @Test func resetIsATCPResetOnBothProtocols() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        try Self.addFault(app, #"{"match":{"vendor":"flowdock"},"action":{"reset":true},"times":2}"#)
        let h1 = try FaultWire(port: app.httpPort!)
        h1.send(FaultWire.request("GET", "/flows", headers: ["Authorization: Bearer x"]))
        #expect(h1.readToEndWasReset() == ([], true))
        let h2 = try FaultWire(port: app.httpPort!)
        h2.startHTTP2()
        h2.sendHTTP2(stream: 1, "GET", "/flows", headers: [("authorization", "Bearer x")])
        _ = h2.readHTTP2Stream(1)
        #expect(h2.readToEndWasReset().reset)
        #expect(try Self.fault(app, "flt_1")["fired"] == 2)
    }

    @Test func anHTTP2RstStreamResetsOnlyThatStreamWithItsCode() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        try Self.addFault(app, #"{"match":{"vendor":"flowdock"},"action":{"rst_stream":"REFUSED_STREAM"}}"#)
        let c = try FaultWire(port: app.httpPort!)
        c.startHTTP2()
        c.sendHTTP2(stream: 1, "GET", "/flows", headers: [("authorization", "Bearer x")])
        let reset = try #require(c.readHTTP2Stream(1).last)
        #expect(reset.type == 0x3 && reset.stream == 1 && reset.errorCode == 0x7)
        // The connection goes on: the next stream is answered.
        c.sendHTTP2(stream: 3, "GET", "/flows", headers: [("authorization", "Bearer x")])
        let next = c.readHTTP2Stream(3)
        #expect(next.contains { $0.type == 0x1 } && next.last?.flags ?? 0 & 0x1 != 0)
    }

    @Test func rstStreamOnHTTP1IsATCPReset() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        try Self.addFault(app, #"{"match":{"vendor":"flowdock"},"action":{"rst_stream":true}}"#)
        let c = try FaultWire(port: app.httpPort!)
        c.send(FaultWire.request("GET", "/flows", headers: ["Authorization: Bearer x"]))
        #expect(c.readToEndWasReset().reset)
    }

    @Test func goawayNamesTheStreamBeforeAndCloses() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        try Self.addFault(app, #"{"match":{"vendor":"flowdock"},"action":{"goaway":"ENHANCE_YOUR_CALM"}}"#)
        let c = try FaultWire(port: app.httpPort!)
        c.startHTTP2()
        c.sendHTTP2(stream: 1, "GET", "/flows", headers: [("authorization", "Bearer x")])
        let goaway = try #require(c.readHTTP2Stream(1).last)
        #expect(goaway.type == 0x7 && goaway.errorCode == 0xb)
        #expect(goaway.payload.prefix(4) == [0, 0, 0, 0])  // last stream processed: none
        #expect(c.readToEnd().end != .timeout)  // FIN, or RST if our SETTINGS ACK was unread
        // HTTP/1.1: a close.
        try Self.addFault(app, #"{"match":{"vendor":"flowdock"},"action":{"goaway":true}}"#)
        let h1 = try FaultWire(port: app.httpPort!)
        h1.send(FaultWire.request("GET", "/flows", headers: ["Authorization: Bearer x"]))
        #expect(h1.readToEnd() == ([], .eof))
    }

    // MARK: Timing

    @Test func delayAndSlowBodyAnswerLaterOnBothProtocols() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        let real = try #require(try Self.call(app, "GET", "/flows", headers: ["Authorization: Bearer x"]))
        #expect(real.body.count > 30)
        try Self.addFault(app, #"{"match":{"vendor":"flowdock"},"action":{"delay_ms":250}}"#)
        var started = monotonicNow()
        #expect(try Self.call(app, "GET", "/flows", headers: ["Authorization: Bearer x"])?.status == 401)
        #expect(monotonicNow() - started >= 0.24)
        // The 401 body is over 30 bytes: at 60 bytes/s it takes about half a second.
        try Self.addFault(app, #"{"match":{"vendor":"flowdock"},"action":{"slow_body":60},"times":2}"#)
        started = monotonicNow()
        let slow = try #require(try Self.call(app, "GET", "/flows", headers: ["Authorization: Bearer x"]))
        #expect(monotonicNow() - started >= 0.4)
        #expect(slow.status == 401 && slow.body == real.body)
        started = monotonicNow()
        let c = try FaultWire(port: app.httpPort!)
        c.startHTTP2()
        c.sendHTTP2(stream: 1, "GET", "/flows", headers: [("authorization", "Bearer x")])
        let frames = c.readHTTP2Stream(1)
        #expect(monotonicNow() - started >= 0.4)
        #expect(frames.filter { $0.type == 0x0 }.count > 1)  // paced: several DATA frames
        #expect(frames.filter { $0.type == 0x0 }.flatMap(\.payload) == real.body)
    }

    @Test func overTLSAStatusFaultAnswersAndADropClosesAfterStoring() throws {
        let app = try MailDoubleTests.start { c in
            c.httpPort = nil
            c.threads = 1
            c.postflareWebhooks = false
            c.postflareRateLimit = 0
        }
        defer { MailDoubleTests.stop(app) }
        let add = try TLSTestClient(port: app.httpsPort!, caFile: app.caFile!)
        for rule in [
            #"{"match":{"route":"/emails","header":{"name":"X-Case","value":"status"}},"action":{"status":503}}"#,
            #"{"match":{"route":"/emails"},"action":{"drop":"after_commit"}}"#,
        ] {
            add.send(VendorsOverHTTPSTests.request("POST", "/_emulator/faults", host: "localhost", body: rule))
            #expect(try add.readResponse().status == 201)
        }
        let headers = [Self.postflareKey, "Content-Type: application/json"]
        let c = try TLSTestClient(port: app.httpsPort!, caFile: app.caFile!)
        c.send(
            VendorsOverHTTPSTests.request(
                "POST",
                "/emails",
                host: "localhost",
                headers: headers + ["X-Case: status"],
                body: Self.email(subject: "TLSDrop")
            )
        )
        let unavailable = try c.readResponse()
        #expect(unavailable.status == 503 && unavailable.body.contains("service_unavailable"))
        // Same connection: the next send is stored, and the connection ends without its answer.
        c.send(
            VendorsOverHTTPSTests.request(
                "POST",
                "/emails",
                host: "localhost",
                headers: headers,
                body: Self.email(subject: "TLSDrop")
            )
        )
        #expect(throws: (any Error).self) { try c.readResponse() }
        let check = try TLSTestClient(port: app.httpsPort!, caFile: app.caFile!)
        check.send(VendorsOverHTTPSTests.request("GET", "/_emulator/messages?subject=TLSDrop", host: "localhost"))
        #expect(try JSON.parse(Array(check.readResponse().body.utf8))["data"]?.arrayValue?.count == 1)
    }

    // MARK: Listeners

    @Test func aRefusedListenerClosesAtOnceWhileTheOtherServes() throws {
        let app = try Self.start { $0.hosts = ["127.0.0.1", "127.0.0.2"] }
        defer { MailDoubleTests.stop(app) }
        let created = try Self.addFault(
            app,
            #"{"match":{"local_address":"127.0.0.2"},"action":{"refuse":true},"times":null}"#
        )
        #expect(created.json["remaining"] == .null && created.json["times"] == .null)
        for _ in 0..<2 {
            let refused = try FaultWire(host: "127.0.0.2", port: app.httpPort!)
            refused.send(FaultWire.request("GET", "/_emulator/health"))
            #expect(refused.readToEnd().bytes.isEmpty)
        }
        #expect(try Self.call(app, "GET", "/_emulator/health")?.status == 200)
        #expect(try Self.fault(app, "flt_1")["fired"] == 2)
        #expect(try Self.call(app, "DELETE", "/_emulator/faults/flt_1")?.json["id"] == "flt_1")
        #expect(try Self.call(app, "GET", "/_emulator/health", host: "127.0.0.2")?.status == 200)
    }

    @Test func aLocalAddressMatchFaultsRequestsOnOneListenerOnly() throws {
        let app = try Self.start { $0.hosts = ["127.0.0.1", "127.0.0.2"] }
        defer { MailDoubleTests.stop(app) }
        try Self.addFault(
            app,
            #"{"match":{"local_address":"127.0.0.2:\#(app.httpPort!)"},"action":{"status":503},"times":null}"#
        )
        #expect(
            try Self.call(app, "GET", "/flows", headers: ["Authorization: Bearer x"], host: "127.0.0.2")?.status == 503
        )
        #expect(try Self.call(app, "GET", "/flows", headers: ["Authorization: Bearer x"])?.status == 401)
    }

    // MARK: The routes

    @Test func theRoutesListShowAndDeleteRulesAndNeverFaultTheControlPlane() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        let both = try Self.addFault(
            app,
            #"[{"match":{},"action":{"drop":"before"},"times":null},{"action":{"status":500},"probability":0.5,"seed":9}]"#
        )
        #expect(both.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["flt_1", "flt_2"])
        let second = try Self.fault(app, "flt_2")
        #expect(second["seed"] == 9 && second["probability"] == 0.5 && second["fired"] == 0)
        #expect(second["created_at"]?.stringValue?.hasSuffix("Z") == true)
        // `{}` matches every vendor request, never /_emulator/.
        #expect(try Self.call(app, "GET", "/_emulator/health")?.status == 200)
        #expect(try Self.call(app, "GET", "/flows") == nil)
        let list = try #require(try Self.call(app, "GET", "/_emulator/faults"))
        #expect(list.json["data"]?[0]?["fired"] == 1)
        #expect(try Self.call(app, "DELETE", "/_emulator/faults/flt_1")?.json["fired"] == 1)
        #expect(try Self.call(app, "DELETE", "/_emulator/faults/flt_1")?.status == 404)
        #expect(try Self.call(app, "GET", "/_emulator/faults/flt_9")?.status == 404)
        #expect(try Self.call(app, "DELETE", "/_emulator/faults")?.json == ["deleted": 1])
        // A full reset removes rules too; a vendor's reset does not.
        try Self.addFault(app, #"{"action":{"reset":true}}"#)
        _ = try Self.call(app, "POST", "/_emulator/reset?vendor=flowdock")
        #expect(try Self.call(app, "GET", "/_emulator/faults")?.json["data"]?.arrayValue?.count == 1)
        _ = try Self.call(app, "POST", "/_emulator/reset")
        #expect(try Self.call(app, "GET", "/_emulator/faults")?.json == ["data": []])
    }

    @Test func badFaultBodiesGetA400AndStoreNothing() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        let bodies = [
            "", "not json", "[1,", "42", #"{"action":{"status":503,"delay_ms":5}}"#,
            #"[{"action":{"reset":true}},{"action":{"teleport":true}}]"#,
            #"{"match":{"vendor":"mailgun"},"action":{"reset":true}}"#,
            #"{"match":{"local_address":"127.0.0.1"},"action":{"refuse":true},"times":null,"extra":1}"#,
        ]
        for body in bodies {
            let answer = try #require(try Self.call(app, "POST", "/_emulator/faults", body: body))
            #expect(answer.status == 400, "\(body)")
            #expect(answer.json["error"] == "Bad Request" && answer.json["message"]?.stringValue != nil, "\(body)")
        }
        #expect(try Self.call(app, "GET", "/_emulator/faults")?.json == ["data": []])
    }

    @Test func aFaultsFileLoadsAtStartAndABadOneFailsStartUp() throws {
        let dir = MailDoubleTests.makeStateDirectory()
        let good = dir + "/faults.json"
        let bad = dir + "/bad.json"
        for (path, text) in [
            (good, #"[{"match":{"vendor":"flowdock"},"action":{"status":503},"times":null}]"#),
            (bad, #"[{"match":{"vendor":"flowdock"},"action":{"status":99}}]"#),
        ] {
            let f = try #require(fopen(path, "wb"))
            fputs(text, f)
            fclose(f)
        }
        let app = try Self.start { $0.faultsFile = good }
        defer { MailDoubleTests.stop(app) }
        #expect(try Self.call(app, "GET", "/flows", headers: ["Authorization: Bearer x"])?.status == 503)
        #expect(app.faults.entries.first?.fired == 1)
        for path in [bad, dir + "/missing.json"] {
            var c = AppConfiguration()
            c.httpsPort = nil
            c.httpPort = 0
            c.stateDirectory = dir
            c.fixturesDirectory = MailDoubleTests.fixturesDirectory
            c.faultsFile = path
            do {
                _ = try MailDouble(configuration: c)
                Issue.record("started with \(path)")
            } catch {
                #expect("\(error)".hasPrefix("--faults \(path): "), "\(error)")
            }
        }
    }
}
