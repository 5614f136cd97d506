// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Glibc
import HTTPCore
import MailDoubleApp
import Testing

/// The vendor contract end to end: the three built-in vendors and an example fourth one, wired with one
/// line, are served, inspected, reset (whole and per tenant) and snapshotted through `Vendor` alone.
@Suite struct VendorContractTests {
    static func start() throws -> MailDouble {
        var c = AppConfiguration()
        c.httpsPort = 0
        c.httpPort = nil
        c.threads = 1
        c.stateDirectory = MailDoubleTests.makeStateDirectory()
        c.fixturesDirectory = MailDoubleTests.fixturesDirectory
        c.postflareWebhooks = false
        c.postflareRateLimit = 0
        // The one line that wires a fourth vendor.
        let app = try MailDouble(configuration: c) { clock, changes in [PigeonAPI(clock: clock, changes: changes)] }
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
        throws -> (status: Int, body: String)
    {
        let c = try TLSTestClient(port: app.httpsPort!, caFile: app.caFile!)
        c.send(VendorsOverHTTPSTests.request(method, target, host: "localhost", headers: headers, body: body))
        let r = try c.readResponse()
        return (r.status, r.body)
    }

    static func vendor(_ app: MailDouble, _ name: String) throws -> any Vendor {
        try #require(app.vendors.first { $0.name == name })
    }

    @Test func aFourthVendorIsServedInspectedResetAndSnapshotted() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        #expect(app.vendors.map(\.name) == ["flowmailer", "postflare", "flowdock", "pigeon"])
        let before = app.changes.lastSeq
        let posted = try Self.call(
            app,
            "POST",
            "/pigeon/notes",
            headers: ["Content-Type: application/json"],
            body: #"{"to":"roof","text":"coo"}"#
        )
        #expect(posted.status == 201)
        let id = try #require(try JSON.parse(Array(posted.body.utf8))["id"]?.stringValue)
        #expect(try Self.call(app, "GET", "/pigeon/notes/\(id)").status == 200)
        #expect(try Self.call(app, "GET", "/pigeon/nowhere").body.contains("lost"))  // its own 404

        let pigeon = try Self.vendor(app, "pigeon")
        let change = try #require(app.changes.changes(after: before).last)
        #expect(change.kind == .messageStored && change.vendor == "pigeon" && change.id == id)
        let seen = try #require(pigeon.inspectMessage(id: id))
        #expect(seen.to == ["roof"] && seen.text == "coo" && seen.vendorPath == "/pigeon/notes/\(id)")

        let saved = pigeon.snapshot()
        #expect(try Self.call(app, "POST", "/_emulator/reset?vendor=pigeon").status == 200)
        #expect(pigeon.inspectMessages(tenant: nil).isEmpty)
        try pigeon.restore(saved)
        #expect(pigeon.inspectMessages(tenant: "loft").map(\.id) == [id])
        // A snapshot is only for its own vendor.
        #expect(throws: VendorError.self) { try pigeon.restore(try Self.vendor(app, "flowdock").snapshot()) }
        #expect(try Self.call(app, "POST", "/_emulator/reset?vendor=pigeon&tenant=attic").status == 404)
    }

    @Test func builtInVendorsShowTheirMessagesInTheNeutralShape() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        let before = app.changes.lastSeq
        // Postflare: an e-mail through the API.
        let sent = try Self.call(
            app,
            "POST",
            "/emails",
            headers: ["Authorization: Bearer re_test_maildouble_full", "Content-Type: application/json"],
            body:
                #"{"from":"Acme <hello@example.org>","to":["delivered@resend.dev"],"subject":"Hi","html":"<p>Hi</p>","headers":{"X-Order":"42"}}"#
        )
        #expect(sent.status == 200)
        let emailId = try #require(try JSON.parse(Array(sent.body.utf8))["id"]?.stringValue)
        let postflare = try Self.vendor(app, "postflare")
        let email = try #require(postflare.inspectMessage(id: emailId))
        #expect(email.subject == "Hi" && email.to == ["delivered@resend.dev"] && email.html == "<p>Hi</p>")
        #expect(email.headers.contains { $0.name == "X-Order" && $0.value == "42" })
        #expect(email.vendorPath == "/emails/\(emailId)" && email.status == "queued")
        // Flowdock: a chat message.
        let chat = try Self.call(
            app,
            "POST",
            "/flows/acme/my-flow/messages",
            headers: ["Authorization: Bearer maildouble-flowdock-token", "Content-Type: application/json"],
            body: #"{"event":"message","content":"Hello flow"}"#
        )
        #expect(chat.status == 201)
        let flowdock = try Self.vendor(app, "flowdock")
        let inFlow = flowdock.inspectMessages(tenant: "acme").filter { $0.text == "Hello flow" }
        #expect(inFlow.count == 1 && inFlow.first?.vendorPath.hasPrefix("/flows/acme/my-flow/messages/") == true)
        #expect(flowdock.inspectMessage(id: try #require(inFlow.first?.id))?.text == "Hello flow")
        // Every store went on the feed, in order.
        let stored = app.changes.changes(after: before).filter { $0.kind == .messageStored }
        #expect(stored.map(\.vendor) == ["postflare", "flowdock"])
        #expect(stored.first?.id == emailId && stored.first?.tenant == email.tenant)
    }

    /// The wait index reads recipients through `messageRecipients(id:)` (a vendor's shortcut) and matches
    /// filters on the inspected message: both must name the same mailboxes, for every vendor's fixtures.
    @Test func messageRecipientsAreTheInspectedMessagesRecipients() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        let sent = try Self.call(
            app,
            "POST",
            "/emails",
            headers: ["Authorization: Bearer re_test_maildouble_full", "Content-Type: application/json"],
            body:
                #"{"from":"Acme <hello@example.org>","to":["Ann <ann@acme.io>"],"cc":["cc@acme.io"],"bcc":["bcc@acme.io"],"subject":"Hi","text":"Hi"}"#
        )
        #expect(sent.status == 200)
        var checked = 0
        for name in ["flowmailer", "postflare", "flowdock"] {
            let vendor = try Self.vendor(app, name)
            let messages = vendor.inspectMessages(tenant: nil)
            #expect(!messages.isEmpty, "\(name) has fixture messages")
            for m in messages {
                #expect(vendor.messageRecipients(id: m.id) == m.to + m.cc + m.bcc, "\(name) \(m.id)")
                checked += 1
            }
            #expect(vendor.messageRecipients(id: "no-such-message") == nil)
        }
        let postflare = try Self.vendor(app, "postflare")
        let id = try #require(try JSON.parse(Array(sent.body.utf8))["id"]?.stringValue)
        #expect(postflare.messageRecipients(id: id) == ["Ann <ann@acme.io>", "cc@acme.io", "bcc@acme.io"])
        #expect(checked > 3)
    }

    @Test func flowmailerSubmitsAreInspectedAndTenantResetsLeaveOthersAlone() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        let flowmailer = try Self.vendor(app, "flowmailer")
        let seeded = flowmailer.inspectMessages(tenant: "545").count
        #expect(seeded == 3)  // the seed example's three messages
        let token = try Self.call(
            app,
            "POST",
            "/oauth/token",
            headers: ["Content-Type: application/x-www-form-urlencoded"],
            body: "client_id=maildouble&client_secret=maildouble-secret&grant_type=client_credentials&scope=api"
        )
        let access = try #require(try JSON.parse(Array(token.body.utf8))["access_token"]?.stringValue)
        let media = "application/vnd.flowmailer.v1.12+json"
        let submit = try Self.call(
            app,
            "POST",
            "/545/messages/submit",
            headers: ["Authorization: Bearer \(access)", "Content-Type: \(media)", "Accept: \(media)"],
            body:
                #"{"messageType":"EMAIL","senderAddress":"shop@example.com","recipientAddress":"ada@example.com","subject":"Order","text":"Thanks"}"#
        )
        #expect(submit.status == 201)
        let all = flowmailer.inspectMessages(tenant: "545")
        #expect(all.count == seeded + 1)
        let mine = try #require(all.last)
        #expect(mine.subject == "Order" && mine.to == ["ada@example.com"] && mine.text == "Thanks")
        #expect(mine.status == "SUBMITTED" && mine.vendorPath == "/545/messages/\(mine.id)")
        #expect(flowmailer.inspectMessage(id: mine.id)?.subject == "Order")

        // Resetting account 545 drops the submit; Postflare's e-mails are another vendor's and stay.
        let postflare = try Self.vendor(app, "postflare")
        let emails = postflare.inspectMessages(tenant: nil).count
        let saved = flowmailer.snapshot()
        #expect(flowmailer.reset(tenant: "545"))
        #expect(flowmailer.inspectMessages(tenant: "545").count == seeded)
        #expect(postflare.inspectMessages(tenant: nil).count == emails)
        #expect(!flowmailer.reset(tenant: "no-such-account"))
        try flowmailer.restore(saved)
        #expect(flowmailer.inspectMessage(id: mine.id)?.subject == "Order")
        #expect(flowmailer.tenants.contains("545"))
    }
}

/// Lifecycle events reach the change feed when their emulator time comes: at once after a clock advance.
@Suite struct ChangeFeedEventsTests {
    @Test func advancingTheClockPublishesTheEventsThatCameDue() throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let sent = try VendorContractTests.call(
            app,
            "POST",
            "/emails",
            headers: ["Authorization: Bearer re_test_maildouble_full", "Content-Type: application/json"],
            body: #"{"from":"hello@example.org","to":"bounced@resend.dev","subject":"s","text":"t"}"#
        )
        let id = try #require(try JSON.parse(Array(sent.body.utf8))["id"]?.stringValue)
        let start = app.changes.lastSeq
        #expect(try VendorContractTests.call(app, "POST", "/_emulator/clock/advance?seconds=3").status == 200)
        let events = app.changes.changes(after: start).filter { $0.kind == .eventAdded && $0.id == id }
        #expect(events.map(\.detail) == ["email.sent", "email.bounced"])
        // Each is published once.
        #expect(try VendorContractTests.call(app, "POST", "/_emulator/clock/advance?seconds=10").status == 200)
        #expect(app.changes.changes(after: start).filter { $0.kind == .eventAdded && $0.id == id }.count == 2)
    }

    static let auth = ["Authorization: Bearer re_test_maildouble_full", "Content-Type: application/json"]

    static func events(_ app: MailDouble, after seq: UInt64, id: String) -> [String] {
        app.changes.changes(after: seq).filter { $0.kind == .eventAdded && $0.id == id }.compactMap(\.detail)
    }

    /// Sends an e-mail scheduled a minute ahead and returns its id.
    static func sendScheduled(_ app: MailDouble) throws -> String {
        let sent = try VendorContractTests.call(
            app,
            "POST",
            "/emails",
            headers: auth,
            body:
                #"{"from":"hello@example.org","to":"delivered@resend.dev","subject":"s","text":"t","scheduled_at":"in 1 min"}"#
        )
        return try #require(try JSON.parse(Array(sent.body.utf8))["id"]?.stringValue)
    }

    /// A rescheduled e-mail's steps follow its new time; the ones announced for the old time are dropped.
    @Test func aRescheduledEmailPublishesItsStepsAtTheNewTimeOnly() throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let id = try Self.sendScheduled(app)
        let start = app.changes.lastSeq
        let moved = try VendorContractTests.call(
            app,
            "PATCH",
            "/emails/\(id)",
            headers: Self.auth,
            body: #"{"scheduled_at":"in 10 min"}"#
        )
        #expect(moved.status == 200)
        #expect(try VendorContractTests.call(app, "POST", "/_emulator/clock/advance?seconds=300").status == 200)
        #expect(Self.events(app, after: start, id: id).isEmpty)
        #expect(try VendorContractTests.call(app, "POST", "/_emulator/clock/advance?seconds=400").status == 200)
        #expect(Self.events(app, after: start, id: id) == ["email.queued", "email.sent", "email.delivered"])
    }

    @Test func aCanceledEmailPublishesNothingMore() throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let id = try Self.sendScheduled(app)
        let start = app.changes.lastSeq
        #expect(try VendorContractTests.call(app, "POST", "/emails/\(id)/cancel", headers: Self.auth).status == 200)
        #expect(try VendorContractTests.call(app, "POST", "/_emulator/clock/advance?seconds=600").status == 200)
        #expect(Self.events(app, after: start, id: id).isEmpty)
    }

    /// A broadcast's e-mails are stored messages like any other: on the feed, then their events.
    @Test func aSentBroadcastsEmailsReachTheFeed() throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let start = app.changes.lastSeq
        let created = try VendorContractTests.call(
            app,
            "POST",
            "/broadcasts",
            headers: Self.auth,
            body:
                #"{"segment_id":"78261eea-8f8b-4381-83c6-79fa7120f1cf","from":"News <news@example.org>","subject":"Hi","text":"t","send":true}"#
        )
        #expect(created.status == 201)
        let stored = app.changes.changes(after: start).filter { $0.kind == .messageStored && $0.vendor == "postflare" }
        #expect(stored.count == 3)
        #expect(try VendorContractTests.call(app, "POST", "/_emulator/clock/advance?seconds=3").status == 200)
        let outcomes = stored.flatMap { Self.events(app, after: start, id: $0.id) }.filter { $0 != "email.sent" }
        #expect(outcomes.sorted() == ["email.bounced", "email.delivered", "email.delivered"])
    }
}
