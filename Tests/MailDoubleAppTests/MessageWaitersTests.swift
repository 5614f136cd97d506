// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import MailDoubleApp
import Routing
import Testing

/// Parked `GET /_emulator/messages/wait` requests, driven through the dispatcher without sockets: a handler
/// call parks the waiter synchronously, so a test knows it is parked before it sends.
@Suite struct MessageWaitersTests {
    static func app() throws -> MailDouble {
        var c = AppConfiguration()
        c.httpsPort = nil
        c.httpPort = 0
        c.threads = 1
        c.stateDirectory = MailDoubleTests.makeStateDirectory()
        c.fixturesDirectory = MailDoubleTests.fixturesDirectory
        c.postflareWebhooks = false
        c.postflareRateLimit = 0
        c.frozenClockMillis = 1_767_225_600_000  // 2026-01-01T00:00:00Z
        return try MailDouble(configuration: c)
    }

    static func get(_ app: MailDouble, _ target: String) -> Response {
        app.dispatcher.respond(to: Request(method: .GET, target: target))
    }

    static func send(_ app: MailDouble, to: String, subject: String = "Hello") throws -> String {
        let r = app.dispatcher.respond(
            to: Request(
                method: .POST,
                target: "/emails",
                headers: ["Authorization": "Bearer re_test_maildouble_full", "Content-Type": "application/json"],
                body: Array(#"{"from":"hi@example.org","to":"\#(to)","subject":"\#(subject)","text":"x"}"#.utf8)
            )
        )
        #expect(r.status == .ok, "\(String(decoding: r.body, as: UTF8.self))")
        return try #require(try JSON.parse(r.body)["id"]?.stringValue)
    }

    static func parked(_ app: MailDouble) throws -> Int {
        try #require(try JSON.parse(get(app, "/_emulator/health").body)["parked_waiters"]?.intValue)
    }

    @Test func aSendWakesOnlyTheWaiterForItsRecipient() async throws {
        let app = try Self.app()
        let waits = (0..<100).map { i in
            Self.get(app, "/_emulator/messages/wait?vendor=postflare&to=user-\(i)@acme.io&timeout=300")
        }
        let promises = try waits.map { try #require($0.deferred) }
        #expect(promises.allSatisfy { !$0.isCompleted })
        #expect(try Self.parked(app) == 100)
        let id = try Self.send(app, to: "User Seven <user-7@acme.io>")
        #expect(promises[7].isCompleted)
        #expect(promises.enumerated().allSatisfy { $0.offset == 7 || !$0.element.isCompleted })
        let answer = await promises[7].value
        #expect(answer.status == .ok)
        #expect(try JSON.parse(answer.body)["data"]?[0]?["id"]?.stringValue == id)
        #expect(try Self.parked(app) == 99)
        // A client hanging up: the server completes the promise with a 499 nobody reads; the waiter goes.
        promises[3].complete(Response(status: HTTPStatus(499)))
        #expect(try Self.parked(app) == 98)
    }

    @Test func aWaitWithoutRecipientSeesEverySendOfItsVendor() async throws {
        let app = try Self.app()
        let wait = try #require(
            Self.get(app, "/_emulator/messages/wait?vendor=postflare&subject=Code&count=2").deferred
        )
        _ = try Self.send(app, to: "a@acme.io", subject: "Code")
        _ = try Self.send(app, to: "b@acme.io", subject: "Other")
        #expect(!wait.isCompleted)
        _ = try Self.send(app, to: "c@acme.io", subject: "Code")
        let body = try JSON.parse(await wait.value.body)
        let to = body["data"]?.arrayValue?.compactMap { $0["to"]?[0]?.stringValue }
        #expect(to == ["a@acme.io", "c@acme.io"])
    }

    @Test func anEventThatChangesTheStatusWakesAStatusWait() async throws {
        let app = try Self.app()
        let id = try Self.send(app, to: "delivered@resend.dev")
        let status = try JSON.parse(Self.get(app, "/_emulator/messages/postflare/\(id)").body)["status"]?.stringValue
        #expect(status != "delivered")
        let wait = try #require(
            Self.get(app, "/_emulator/messages/wait?to=delivered@resend.dev&status=delivered").deferred
        )
        #expect(!wait.isCompleted)
        // The life of the e-mail moves on with the clock; the due events wake the waiter.
        _ = app.dispatcher.respond(to: Request(method: .POST, target: "/_emulator/clock/advance?seconds=600"))
        let answer = await wait.value
        #expect(answer.status == .ok)
        #expect(try JSON.parse(answer.body)["data"]?[0]?["id"]?.stringValue == id)
    }

    @Test func aResetForgetsWhatAWaiterFoundBefore() async throws {
        let app = try Self.app()
        let wait = try #require(
            Self.get(app, "/_emulator/messages/wait?vendor=postflare&to=x@acme.io&count=2&timeout=0").deferred
        )
        _ = try Self.send(app, to: "x@acme.io")
        _ = app.dispatcher.respond(to: Request(method: .POST, target: "/_emulator/reset?vendor=postflare"))
        _ = try Self.send(app, to: "x@acme.io")
        #expect(!wait.isCompleted)  // one since the reset, not two
        wait.complete(try #require(wait.timeout).onTimeout())
        let body = try JSON.parse(await wait.value.body)
        #expect(body["matched"] == 1)
    }
}

/// `DELETE /_emulator/messages?tenant=T` takes a provisioned tenant's name like every control route.
@Suite struct ForgetMessagesTenantTests {
    @Test func aProvisionedTenantsNameIsResolvedPerVendor() throws {
        let app = try MessageWaitersTests.app()
        let made = app.dispatcher.respond(
            to: Request(method: .POST, target: "/_emulator/tenants", body: Array(#"{"name":"ci-forget"}"#.utf8))
        )
        #expect(made.status == .created)
        let account = try #require(try JSON.parse(made.body)["flowmailer"]?["account_id"]?.stringValue)
        #expect(account != "ci-forget")  // Flowmailer account ids are numeric
        for tenant in ["ci-forget", account] {
            let r = app.dispatcher.respond(
                to: Request(method: .DELETE, target: "/_emulator/messages?vendor=flowmailer&tenant=\(tenant)")
            )
            #expect(r.status == .ok)
            #expect(try JSON.parse(r.body)["deleted"] == 0)
        }
        let unknown = app.dispatcher.respond(
            to: Request(method: .DELETE, target: "/_emulator/messages?vendor=flowmailer&tenant=nobody")
        )
        #expect(unknown.status == .notFound)
    }
}
