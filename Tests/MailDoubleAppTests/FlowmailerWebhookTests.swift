// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing
import Testing

@testable import MailDoubleApp

/// SendPro (Flowmailer) webhooks: configured through `/_emulator/webhooks`, POSTed by the app's delivery worker
/// for each lifecycle event as the emulator clock passes it, as JSON arrays of `{message?, messageEvent,
/// messageTags}`, filtered by event type and source, retried after a failure.
@Suite struct FlowmailerWebhookTests {
    typealias Receiver = WebhookSenderTests.Receiver
    static let media = "application/vnd.flowmailer.v1.12+json"

    static func start() throws -> MailDouble {
        try MailDoubleTests.start {
            $0.threads = 1
            $0.postflareWebhooks = false
        }
    }

    static func control(_ app: MailDouble, _ method: HTTPMethod, _ target: String, _ body: String = "") -> Response {
        app.dispatcher.respond(
            to: Request(
                method: method,
                target: target,
                headers: ["Content-Type": "application/json"],
                body: Array(body.utf8)
            )
        )
    }

    static func json(_ r: Response) throws -> JSON { try JSON.parse(r.body) }

    /// Configures a webhook on account 545 to `receiver` for `types` (SendPro's event-type filter).
    static func addWebhook(_ app: MailDouble, _ receiver: Receiver, types: [String]) -> Response {
        let list = types.map { "\"\($0)\"" }.joined(separator: ",")
        return control(
            app,
            .POST,
            "/_emulator/webhooks",
            #"{"tenant":"545","url":"\#(receiver.url)","event_types":[\#(list)]}"#
        )
    }

    /// An access token for the default client, as a client gets one.
    static func token(_ app: MailDouble) throws -> String {
        let token = app.dispatcher.respond(
            to: Request(
                method: .POST,
                target: "/oauth/token",
                headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: Array(
                    "client_id=maildouble&client_secret=maildouble-secret&grant_type=client_credentials&scope=api".utf8
                )
            )
        )
        return try #require(try json(token)["access_token"]?.stringValue)
    }

    /// Submits one e-mail to account 545 through the API, as a client would (token, then submit).
    static func submit(_ app: MailDouble, to recipient: String = "ada@acme.io") throws -> String {
        let access = try token(app)
        let body =
            #"{"messageType":"EMAIL","senderAddress":"shop@acme.io","recipientAddress":"\#(recipient)","#
            + #""subject":"Order","text":"Thanks","tags":["order","vip"]}"#
        let r = app.dispatcher.respond(
            to: Request(
                method: .POST,
                target: "/545/messages/submit",
                headers: ["Authorization": "Bearer \(access)", "Content-Type": media, "Accept": media],
                body: Array(body.utf8)
            )
        )
        #expect(r.status == .created)
        let location = try #require(r.headers["Location"])
        return String(location.split(separator: "/").last ?? "")
    }

    /// The event types of every element of every delivery so far, in arrival order.
    static func types(_ deliveries: [Receiver.Delivery]) throws -> [String] {
        try deliveries.flatMap { d in
            try #require(try JSON.parse(d.body).arrayValue).compactMap { $0["messageEvent"]?["type"]?.stringValue }
        }
    }

    @Test func aReceiverGetsSubmittedProcessedAndDeliveredArrays() throws {
        let receiver = try Receiver(statuses: [])
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        let made = Self.control(
            app,
            .POST,
            "/_emulator/webhooks",
            #"{"tenant":"545","url":"\#(receiver.url)","description":"all events","add_message_tags":true}"#
        )
        #expect(made.status == .created, "\(String(decoding: made.body, as: UTF8.self))")
        let hook = try Self.json(made)
        #expect(hook["vendor"]?.stringValue == "flowmailer" && hook["tenant"]?.stringValue == "545")
        let id = try Self.submit(app)
        // SUBMITTED is due at once; the rest as the clock passes their times (2 s for DELIVERED).
        _ = receiver.wait(for: 1)
        #expect(Self.control(app, .POST, "/_emulator/clock/advance?seconds=5").status == .ok)
        var deliveries = receiver.wait(for: 2)
        while try !Self.types(deliveries).contains("DELIVERED") && deliveries.count < 5 {
            deliveries = receiver.wait(for: deliveries.count + 1)
        }
        let types = try Self.types(deliveries)
        #expect(Array(types.prefix(3)) == ["SUBMITTED", "PROCESSED", "DELIVERED"])
        let first = try #require(try JSON.parse(deliveries[0].body).arrayValue?.first)
        // SUBMITTED carries the message (first key), as of its submit; every element its tags.
        #expect(first.objectValue?.keys.first == "message")
        #expect(first["message"]?["id"]?.stringValue == id && first["message"]?["status"]?.stringValue == "SUBMITTED")
        #expect(first["messageEvent"]?["messageId"]?.stringValue == id)
        #expect(first["messageTags"] == ["order", "vip"])
        #expect(deliveries[0].headers["Content-Type"] == "application/json")
        let elements = try deliveries.flatMap { try #require(try JSON.parse($0.body).arrayValue) }
        let delivered = try #require(elements.first { $0["messageEvent"]?["type"]?.stringValue == "DELIVERED" })
        #expect(delivered["message"] == nil)
        #expect(delivered["messageEvent"]?["received"]?.stringValue != nil)
        // The delivery journal shows them, by vendor.
        let journal = try VendorContractTests.call(
            app,
            "GET",
            "/_emulator/deliveries/wait?vendor=flowmailer&count=\(deliveries.count)&timeout=10"
        )
        #expect(journal.status == 200)
        #expect((try JSON.parse(Array(journal.body.utf8))["data"]?.arrayValue?.count ?? 0) >= deliveries.count)
    }

    @Test func filtersByEventTypeAndSourceAndLeavesTagsOutWhenOff() throws {
        let receiver = try Receiver(statuses: [])
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        let onlyDelivered = Self.control(
            app,
            .POST,
            "/_emulator/webhooks",
            #"{"vendor":"flowmailer","tenant":"545","url":"\#(receiver.url)","event_types":["DELIVERED"]}"#
        )
        #expect(onlyDelivered.status == .created)
        // A source filter naming another source: this webhook never fires for the API's source.
        let otherSource = Self.control(
            app,
            .POST,
            "/_emulator/webhooks",
            #"{"tenant":"545","url":"\#(receiver.url)/other","sources":["no-such-source"]}"#
        )
        #expect(otherSource.status == .created)
        _ = try Self.submit(app)
        #expect(Self.control(app, .POST, "/_emulator/clock/advance?seconds=5").status == .ok)
        let deliveries = receiver.wait(for: 1)
        #expect(try Self.types(deliveries) == ["DELIVERED"])
        #expect(deliveries.allSatisfy { !$0.target.hasSuffix("/other") })
        let element = try #require(try JSON.parse(deliveries[0].body).arrayValue?.first)
        #expect(element["messageTags"] == [])
    }

    @Test func aFailedPostIsRetriedOnTheEmulatorClock() throws {
        let receiver = try Receiver(statuses: [.serviceUnavailable])
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        #expect(Self.addWebhook(app, receiver, types: ["SUBMITTED"]).status == .created)
        _ = try Self.submit(app)
        let failed = receiver.wait(for: 1)
        #expect(failed.count == 1)
        // The retry waits a minute of emulator time; the journal says when.
        let journal = try VendorContractTests.call(
            app,
            "GET",
            "/_emulator/deliveries/wait?vendor=flowmailer&timeout=10"
        )
        #expect(try JSON.parse(Array(journal.body.utf8))["data"]?[0]?["next_attempt"]?.stringValue != nil)
        #expect(Self.control(app, .POST, "/_emulator/clock/advance?seconds=61").status == .ok)
        let both = receiver.wait(for: 2)
        #expect(both.count == 2 && both[1].body == both[0].body)
    }

    /// A resent copy is a new message with a life of its own, and a resumed held message goes on living:
    /// both reach the webhooks (they did not: only `submit` queued events).
    @Test func resentCopiesAndResumedMessagesReachTheWebhook() throws {
        let receiver = try Receiver(statuses: [])
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        #expect(Self.addWebhook(app, receiver, types: ["DELIVERED", "ERROR", "RESUMED"]).status == .created)
        // "error@…" is held in ERROR (the emulator's recipient patterns); "ada@…" is delivered.
        let held = try Self.submit(app, to: "error@acme.io")
        let original = try Self.submit(app, to: "ada@acme.io")
        #expect(Self.control(app, .POST, "/_emulator/clock/advance?seconds=5").status == .ok)
        // One POST per account and publish: ERROR and DELIVERED may come together.
        var deliveries = receiver.wait(for: 1)
        let token = try Self.token(app)
        func api(_ path: String, _ body: String = "") -> Response {
            app.dispatcher.respond(
                to: Request(
                    method: .POST,
                    target: path,
                    headers: ["Authorization": "Bearer \(token)", "Content-Type": Self.media, "Accept": Self.media],
                    body: Array(body.utf8)
                )
            )
        }
        let resent = api("/545/messages/\(original)/resend", #"{"recipientAddress":"grace@acme.io"}"#)
        #expect(resent.status == .created)
        let copy = String(try #require(resent.headers["Location"]).split(separator: "/").last ?? "")
        #expect(api("/545/messages/\(held)/resume").status == .ok)
        #expect(Self.control(app, .POST, "/_emulator/clock/advance?seconds=5").status == .ok)
        // ERROR + DELIVERED before; then the copy's DELIVERED and the resumed one's RESUMED and DELIVERED,
        // in as many POSTs as the worker batched them into.
        func events(of id: String) throws -> [String] {
            try deliveries.flatMap { try #require(try JSON.parse($0.body).arrayValue) }
                .filter { $0["messageEvent"]?["messageId"]?.stringValue == id }
                .compactMap { $0["messageEvent"]?["type"]?.stringValue }
        }
        while try events(of: copy).isEmpty || events(of: held).last != "DELIVERED" {
            let more = receiver.wait(for: deliveries.count + 1)
            if more.count == deliveries.count { break }  // the receiver's timeout: fail below
            deliveries = more
        }
        #expect(try events(of: copy) == ["DELIVERED"])
        #expect(try events(of: held) == ["ERROR", "RESUMED", "DELIVERED"])
        #expect(try events(of: original) == ["DELIVERED"])
    }

    @Test func controlRoutesListDeleteAndRejectBadInput() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        let made = try Self.json(
            Self.control(app, .POST, "/_emulator/webhooks", #"{"tenant":"545","url":"https://hooks.acme.io/x"}"#)
        )
        let id = try #require(made["id"]?.stringValue)
        let listed = try Self.json(Self.control(app, .GET, "/_emulator/webhooks?vendor=flowmailer&tenant=545"))
        #expect(listed["data"]?.arrayValue?.contains { $0["id"]?.stringValue == id } == true)
        for (body, status) in [
            ("", 400), ("[]", 400), (#"{"tenant":"545"}"#, 400), (#"{"url":"https://h.acme.io"}"#, 400),
            (#"{"tenant":"545","url":"ftp://h.acme.io"}"#, 400), (#"{"tenant":"nope","url":"https://h.acme.io"}"#, 404),
            (#"{"tenant":"545","url":"https://h.acme.io","event_types":["SENT"]}"#, 400),
            (#"{"tenant":"545","url":"https://h.acme.io","add_message_tags":"yes"}"#, 400),
            (#"{"vendor":"postflare","tenant":"545","url":"https://h.acme.io"}"#, 400),
            (#"{"tenant":"545","url":"https://h.acme.io","colour":"red"}"#, 400),
        ] {
            let r = Self.control(app, .POST, "/_emulator/webhooks", body)
            #expect(r.status.code == status, "\(body)")
            #expect(try Self.json(r)["error"]?.stringValue != nil, "\(body)")
        }
        #expect(Self.control(app, .DELETE, "/_emulator/webhooks/\(id)").status == .ok)
        #expect(Self.control(app, .DELETE, "/_emulator/webhooks/\(id)").status == .notFound)
        let after = try Self.json(Self.control(app, .GET, "/_emulator/webhooks"))
        #expect(after["data"]?.arrayValue?.contains { $0["id"]?.stringValue == id } == false)
        // A reset puts the fixtures' webhooks back (none in the default fixtures).
        _ = Self.control(app, .POST, "/_emulator/webhooks", #"{"tenant":"545","url":"https://hooks.acme.io/y"}"#)
        #expect(Self.control(app, .POST, "/_emulator/reset?vendor=flowmailer").status == .ok)
        #expect(try Self.json(Self.control(app, .GET, "/_emulator/webhooks"))["data"] == [])
    }
}
