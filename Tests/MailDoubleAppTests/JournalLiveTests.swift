// SPDX-License-Identifier: Apache-2.0
import ControlPlane
import EmulatorKit
import HTTPCore
import Routing
import Testing

@testable import MailDoubleApp

/// `/_emulator/requests`, `/_emulator/deliveries(/wait)` and `DELETE /_emulator/messages` against a live
/// emulator on port 0.
@Suite struct JournalLiveTests {
    static let sendHeaders = ["Authorization: Bearer re_test_maildouble_full", "Content-Type: application/json"]
    static let sendBody = #"{"from":"hello@example.org","to":"delivered@resend.dev","subject":"Hi","text":"hi"}"#

    static func json(_ body: String) throws -> JSON { try JSON.parse(Array(body.utf8)) }

    static func call(
        _ app: MailDouble,
        _ method: String,
        _ target: String,
        headers: [String] = [],
        body: String = ""
    )
        throws -> (status: Int, body: String)
    {
        try VendorContractTests.call(app, method, target, headers: headers, body: body)
    }

    static func items(_ app: MailDouble, _ target: String) throws -> [JSON] {
        let r = try call(app, "GET", target)
        #expect(r.status == 200)
        return try #require(try json(r.body)["data"]?.arrayValue)
    }

    @Test func theRequestJournalRecordsVendorCallsRedactedAndNotTheControlRoutes() throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let sent = try Self.call(
            app,
            "POST",
            "/emails?access_token=s3cret&keep=1",
            headers: Self.sendHeaders + ["Cookie: session=abc", "X-Api-Key: k-123"],
            body: Self.sendBody
        )
        #expect(sent.status == 200)
        _ = try Self.call(app, "GET", "/_emulator/health")
        _ = try Self.call(app, "GET", "/no/such/route")
        let all = try Self.items(app, "/_emulator/requests")
        // The health check is not there; the unmatched path is, with no route.
        #expect(all.count == 2)
        let send = try #require(all.first)
        #expect(send["vendor"] == "postflare" && send["method"] == "POST" && send["path"] == "/emails")
        #expect(send["route"] == "/emails" && send["status"] == 200 && send["protocol"] == "HTTP/1.1")
        #expect(send["query"] == "access_token=[redacted]&keep=1")
        #expect(send["request_headers"]?["authorization"] == "Bearer [redacted]")
        #expect(send["request_headers"]?["cookie"] == "[redacted]")
        #expect(send["request_headers"]?["x-api-key"] == "[redacted]")
        #expect(send["request_headers"]?["content-type"] == "application/json")
        #expect(send["request_bytes"]?.intValue == Self.sendBody.utf8.count)
        #expect((send["response_bytes"]?.intValue ?? 0) > 0)
        #expect(send["response_headers"]?["content-type"]?.stringValue?.hasPrefix("application/json") == true)
        #expect((send["latency_ms"]?.doubleValue ?? -1) >= 0 && send["fault"] == .null)
        #expect(send["remote_address"]?.stringValue?.hasPrefix("127.0.0.1:") == true)
        #expect(send["at"]?.stringValue.flatMap(Timestamp.parseISO8601) != nil)
        let stray = all[1]
        #expect(stray["route"] == .null && stray["status"] == 404 && stray["path"] == "/no/such/route")
        #expect((stray["seq"]?.intValue ?? 0) > (send["seq"]?.intValue ?? 0))
        // Tenant comes from the vendor (null until a vendor says otherwise): the filter agrees with the field.
        if let tenant = send["tenant"]?.stringValue {
            #expect(try Self.items(app, "/_emulator/requests?tenant=\(tenant)").count == 1)
        }
    }

    @Test func filtersPagingAndClearing() throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        for _ in 0..<3 {
            _ = try Self.call(app, "POST", "/emails", headers: Self.sendHeaders, body: Self.sendBody)
        }
        _ = try Self.call(app, "GET", "/emails", headers: Self.sendHeaders)
        _ = try Self.call(app, "GET", "/v1/flows")  // Flowdock, unauthenticated: 401
        #expect(try Self.items(app, "/_emulator/requests?method=post").count == 3)
        #expect(try Self.items(app, "/_emulator/requests?vendor=postflare&route=/emails").count == 4)
        #expect(try Self.items(app, "/_emulator/requests?vendor=flowdock").count == 1)
        #expect(try Self.items(app, "/_emulator/requests?status=4xx").count == 1)
        #expect(try Self.items(app, "/_emulator/requests?status=200").count == 4)
        #expect(try Self.items(app, "/_emulator/requests?path=flow").count == 1)
        let first = try Self.json(try Self.call(app, "GET", "/_emulator/requests?limit=2").body)
        #expect(first["has_more"] == true && first["data"]?.arrayValue?.count == 2)
        let next = try #require(first["next"]?.stringValue)
        let rest = try Self.json(try Self.call(app, "GET", "/_emulator/requests?limit=10&cursor=\(next)").body)
        #expect(rest["has_more"] == false && rest["next"] == .null && rest["data"]?.arrayValue?.count == 3)
        #expect(try Self.items(app, "/_emulator/requests?since=\(next)").count == 3)
        let cleared = try Self.call(app, "DELETE", "/_emulator/requests")
        #expect(cleared.status == 200)
        #expect(try Self.json(cleared.body)["deleted"] == 5)
        #expect(try Self.items(app, "/_emulator/requests").isEmpty)
    }

    @Test func theJournalKeepsTheNewestNAndZeroTurnsItOff() throws {
        let app = try MailDoubleTests.start {
            $0.journalSize = 2
            $0.postflareWebhooks = false
        }
        defer { MailDoubleTests.stop(app) }
        for path in ["/a", "/b", "/c"] { _ = try Self.call(app, "GET", path) }
        let kept = try Self.items(app, "/_emulator/requests")
        #expect(kept.compactMap { $0["path"]?.stringValue } == ["/b", "/c"])
        #expect(kept.compactMap { $0["seq"]?.intValue } == [2, 3])

        let off = try MailDoubleTests.start {
            $0.journalSize = 0
            $0.postflareWebhooks = false
        }
        defer { MailDoubleTests.stop(off) }
        _ = try Self.call(off, "GET", "/a")
        #expect(try Self.items(off, "/_emulator/requests").isEmpty)
    }

    @Test func aDeferredAnswerIsRecordedWhenItCompletes() throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        // No vendor route answers later (yet), so the journal is driven as the server handler drives it.
        let promise = ResponsePromise()
        let journal = RequestJournal(capacity: 4, clock: app.clock)
        journal.record(
            Request(method: .GET, target: "/slow"),
            vendor: "postflare",
            route: "/slow",
            response: .later(promise),
            started: RequestJournal.now()
        )
        let plane = ControlPlaneProbe(app: app, journal: journal)
        #expect(try plane.first()["status"] == .null)
        promise.complete(.json(["ok": true], status: .accepted))
        let done = try plane.first()
        #expect(done["status"] == 202 && (done["response_bytes"]?.intValue ?? 0) > 0)
        // A client that hung up (the server's 499) reads as null.
        let dropped = ResponsePromise()
        journal.record(
            Request(method: .GET, target: "/gone"),
            vendor: nil,
            route: nil,
            response: .later(dropped),
            started: RequestJournal.now()
        )
        dropped.complete(Response(status: HTTPStatus(499)))
        #expect(try plane.all().last?["status"] == .null)
    }

    @Test(arguments: [
        "/_emulator/requests?vendor=nobody", "/_emulator/requests?limit=1001", "/_emulator/requests?since=x",
        "/_emulator/requests?status=abc", "/_emulator/requests?cursor=-2", "/_emulator/deliveries?status=6xx",
        "/_emulator/deliveries?vendor=x", "/_emulator/deliveries/wait?count=0", "/_emulator/deliveries/wait?timeout=-1",
        "/_emulator/deliveries?limit=0",
    ])
    func badJournalQueriesAreClear400s(target: String) throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let r = try Self.call(app, "GET", target)
        #expect(r.status == 400)
        #expect(try Self.json(r.body)["message"]?.stringValue?.isEmpty == false)
    }

    // MARK: Deliveries

    @Test func deliveriesAreJournaledAndAWaitIsWokenByOne() throws {
        let receiver = try WebhookSenderTests.Receiver(statuses: [.internalServerError])
        let app = try MailDoubleTests.start { $0.frozenClockMillis = EmulatorClock().nowMillis() }
        defer { MailDoubleTests.stop(app) }
        let created = WebhookSenderTests.call(
            app,
            .POST,
            "/webhooks",
            ["endpoint": .string(receiver.url), "events": ["email.delivered"]]
        )
        let hook = try #require(try JSON.parse(created.body)["id"]?.stringValue)
        _ = WebhookSenderTests.call(
            app,
            .POST,
            "/emails",
            ["from": "hello@example.org", "to": ["delivered@resend.dev"], "subject": "Hi", "text": "Hello"]
        )
        // Park the wait first; the clock advance then makes the delivery due, and its attempt wakes the wait.
        let waiter = try TLSTestClient(port: app.httpsPort!, caFile: app.caFile!)
        waiter.send(
            VendorsOverHTTPSTests.request(
                "GET",
                "/_emulator/deliveries/wait?event_type=email.delivered&timeout=60",
                host: "localhost"
            )
        )
        // The wait is parked once it observes the feed (the emulator's own observers aside).
        _ = try Self.call(app, "POST", "/_emulator/clock/advance?seconds=3")
        let woken = try waiter.readResponse()
        #expect(woken.status == 200)
        let first = try #require(try Self.json(woken.body)["data"]?[0])
        #expect(first["vendor"] == "postflare" && first["endpoint_id"]?.stringValue == hook)
        #expect(first["event_type"] == "email.delivered" && first["attempt"] == 1 && first["status"] == 500)
        #expect(first["error"] == .null && first["url"]?.stringValue == receiver.url)
        #expect(first["request_headers"]?["svix-id"]?.stringValue == first["delivery_id"]?.stringValue)
        #expect(first["request_body"]?.stringValue?.contains("email.delivered") == true)
        // A 500 is retried 5 s later on the emulator clock.
        let at = try #require(first["at"]?.stringValue.flatMap(Timestamp.parseISO8601))
        let next = try #require(first["next_attempt"]?.stringValue.flatMap(Timestamp.parseISO8601))
        #expect(next.millis - at.millis == 5_000)

        // The retry succeeds; wait for the second attempt by status.
        _ = try Self.call(app, "POST", "/_emulator/clock/advance?seconds=6")
        let second = try Self.call(app, "GET", "/_emulator/deliveries/wait?status=2xx&timeout=20")
        #expect(second.status == 200)
        let retry = try #require(try Self.json(second.body)["data"]?[0])
        #expect(retry["attempt"] == 2 && retry["status"] == 200 && retry["next_attempt"] == .null)
        #expect(retry["delivery_id"] == first["delivery_id"])
        let listed = try Self.items(app, "/_emulator/deliveries?endpoint_id=\(hook)")
        #expect(listed.count == 2)
        #expect(try Self.items(app, "/_emulator/deliveries?status=5xx").count == 1)
        #expect(try Self.items(app, "/_emulator/deliveries?event_type=email.sent").isEmpty)
        let tenant = try #require(first["tenant"]?.stringValue)
        #expect(
            try Self.items(app, "/_emulator/deliveries?tenant=\(tenant)&since=\(first["seq"]!.intValue!)").count == 1
        )
        // Every waiter let go of its observer.
        #expect(app.changes.observerCount == app.permanentObservers)
    }

    @Test func aDeliveryWaitNotMetTimesOutWith408() throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let r = try Self.call(app, "GET", "/_emulator/deliveries/wait?count=2&timeout=0.05")
        #expect(r.status == 408)
        let body = try Self.json(r.body)
        #expect(body["error"] == "timeout" && body["wanted"] == 2 && body["matched"] == 0 && body["data"] == [])
        #expect(app.changes.observerCount == app.permanentObservers)
    }

    // MARK: Forgetting messages

    @Test func deleteMessagesForgetsMessagesOnly() throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        _ = try Self.call(app, "POST", "/emails", headers: Self.sendHeaders, body: Self.sendBody)
        let before = try Self.items(app, "/_emulator/messages?limit=1000")
        let postflare = before.filter { $0["vendor"] == "postflare" }.count
        #expect(postflare >= 1 && before.count > postflare)
        let feed = app.changes.lastSeq
        let one = try Self.call(app, "DELETE", "/_emulator/messages?vendor=postflare")
        #expect(one.status == 200)
        #expect(try Self.json(one.body)["deleted"]?.intValue == postflare)
        #expect(try Self.items(app, "/_emulator/messages?vendor=postflare").isEmpty)
        #expect(try Self.items(app, "/_emulator/messages?limit=1000").count == before.count - postflare)
        let change = try #require(app.changes.changes(after: feed).first)
        #expect(change.kind == .messagesDeleted && change.vendor == "postflare" && change.detail == String(postflare))
        // The key still works: a new send is stored.
        let again = try Self.call(app, "POST", "/emails", headers: Self.sendHeaders, body: Self.sendBody)
        #expect(again.status == 200)
        #expect(try Self.items(app, "/_emulator/messages?vendor=postflare").count == 1)

        // One tenant of one vendor; the others keep theirs.
        let tenants = try #require(app.vendors.first { $0.name == "flowmailer" }?.tenants)
        let tenant = try #require(tenants.first)
        let mine = try Self.items(app, "/_emulator/messages?vendor=flowmailer&tenant=\(tenant)").count
        let r = try Self.call(app, "DELETE", "/_emulator/messages?vendor=flowmailer&tenant=\(tenant)")
        #expect(r.status == 200)
        #expect(try Self.json(r.body)["deleted"]?.intValue == mine)
        #expect(try Self.items(app, "/_emulator/messages?vendor=flowmailer&tenant=\(tenant)").isEmpty)
        // Everything.
        let all = try Self.call(app, "DELETE", "/_emulator/messages")
        #expect(all.status == 200)
        #expect(try Self.items(app, "/_emulator/messages?limit=1000").isEmpty)
        #expect(try Self.call(app, "GET", "/_emulator/health").status == 200)
    }

    @Test(arguments: [
        ("/_emulator/messages?vendor=nobody", 400), ("/_emulator/messages?tenant=x", 400),
        ("/_emulator/messages?vendor=postflare&tenant=no-such-team", 404),
    ])
    func deleteMessagesRefusesUnknownVendorsAndTenants(target: String, status: Int) throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let r = try Self.call(app, "DELETE", target)
        #expect(r.status == status)
        #expect(try Self.json(r.body)["message"]?.stringValue?.isEmpty == false)
    }
}

/// Reads a journal that is not the app's own through the same rendering route the app serves.
struct ControlPlaneProbe {
    let app: MailDouble
    let journal: RequestJournal

    func all() throws -> [JSON] {
        let plane = ControlPlane(vendors: app.vendors, changes: app.changes, requests: journal)
        var router = Router()
        plane.addRoutes(to: &router)
        let r = router.respond(to: Request(method: .GET, target: "/_emulator/requests"))
        return try #require(try JSON.parse(r.body)["data"]?.arrayValue)
    }

    func first() throws -> JSON { try #require(try all().first) }
}
