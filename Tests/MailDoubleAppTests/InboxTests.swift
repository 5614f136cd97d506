// SPDX-License-Identifier: Apache-2.0
import ControlPlane
import EmulatorKit
import HTTPCore
import MailDoubleApp
import Routing
import Testing

/// The web inbox's server side: the page and its headers, newest-first listing, webhook replay, and the vendor
/// links that point at the inbox.
@Suite struct InboxTests {
    static func get(_ app: MailDouble, _ target: String, headers: HTTPHeaders = HTTPHeaders()) -> Response {
        app.dispatcher.respond(to: Request(method: .GET, target: target, headers: headers))
    }

    static func ids(_ response: Response) throws -> [String] {
        try (JSON.parse(response.body)["data"]?.arrayValue ?? []).map { try #require($0["id"]?.stringValue) }
    }

    /// Every page of `base` (a listing URL with its query) followed through `next`.
    static func allPages(_ app: MailDouble, _ base: String) throws -> [String] {
        var out: [String] = []
        var cursor: String?
        for _ in 0..<100 {
            let r = get(app, base + (cursor.map { "&cursor=" + $0 } ?? ""))
            #expect(r.status == .ok, "\(String(decoding: r.body, as: UTF8.self))")
            let page = try JSON.parse(r.body)
            out += try ids(r)
            guard page["has_more"]?.boolValue == true else {
                #expect(page["next"]?.isNull == true)
                return out
            }
            cursor = try #require(page["next"]?.stringValue)
        }
        Issue.record("more than 100 pages")
        return out
    }

    @Test func newestFirstIsTheArrivalOrderReversedPageByPage() throws {
        let app = try MessageWaitersTests.app()
        var sent: [String] = []
        for i in 0..<7 { sent.append(try MessageWaitersTests.send(app, to: "n\(i)@acme.io", subject: "Order \(i)")) }
        let arrival = try Self.ids(Self.get(app, "/_emulator/messages?limit=1000"))
        #expect(arrival.count > 7, "the fixtures come too")
        // Pages of 3: the 7 sends newest first from the change feed, then the fixtures, newest first.
        let desc = try Self.allPages(app, "/_emulator/messages?order=desc&limit=3")
        #expect(desc == Array(arrival.reversed()))
        #expect(Array(desc.prefix(7)) == Array(sent.reversed()))
        // Filters apply on both sides of the walk.
        let filtered = try Self.allPages(app, "/_emulator/messages?order=desc&limit=2&vendor=postflare&q=order")
        #expect(filtered == Array(sent.reversed()))
        let one = try Self.allPages(app, "/_emulator/messages?order=desc&limit=5&subject=Order%203")
        #expect(one == [sent[3]])
        let fixturesOnly = try Self.allPages(app, "/_emulator/messages?order=desc&vendor=flowmailer")
        let flowmailerArrival = try Self.ids(Self.get(app, "/_emulator/messages?vendor=flowmailer"))
        #expect(fixturesOnly == Array(flowmailerArrival.reversed()) && !fixturesOnly.isEmpty)
        // A forgotten message leaves the walk.
        _ = app.dispatcher.respond(to: Request(method: .DELETE, target: "/_emulator/messages?vendor=postflare"))
        #expect(try Self.allPages(app, "/_emulator/messages?order=desc&vendor=postflare").isEmpty)
    }

    /// Messages whose `message.stored` change the feed no longer holds (later changes pushed it out: a lived
    /// life is several events each) come from each vendor's storage walked from its end, in the same order
    /// and with the same cursors as before — not from a scan of every stored message.
    @Test func newestFirstPastTheFeedWalksTheVendorsFromTheirEnd() throws {
        let app = try MessageWaitersTests.app()
        var sent: [String] = []
        for i in 0..<7 { sent.append(try MessageWaitersTests.send(app, to: "p\(i)@acme.io", subject: "Pushed \(i)")) }
        let before = try Self.allPages(app, "/_emulator/messages?order=desc&limit=4")
        // More changes than the feed keeps: every send's `message.stored` falls out.
        for _ in 0...100_000 { app.changes.append(.eventAdded, vendor: "postflare", tenant: "none", id: "none") }
        let after = try Self.allPages(app, "/_emulator/messages?order=desc&limit=4")
        #expect(after == before)
        #expect(Array(after.prefix(7)) == Array(sent.reversed()))
        let filtered = try Self.allPages(app, "/_emulator/messages?order=desc&limit=2&vendor=postflare&q=pushed")
        #expect(filtered == Array(sent.reversed()))
        // Each vendor's own walk agrees with its oldest-first inspection read backwards.
        for vendor in app.vendors {
            let all = vendor.inspectMessages(tenant: nil).map(\.id)
            let newest = vendor.newestMessages(tenant: nil, limit: 3) { _ in true }.map(\.id)
            #expect(Set(newest).isSubset(of: Set(all)) && newest.count == min(3, all.count), "\(vendor.name)")
        }
    }

    @Test func badOrderAndCursorAre400() throws {
        let app = try MessageWaitersTests.app()
        for target in [
            "/_emulator/messages?order=up", "/_emulator/messages?order=desc&cursor=12",
            "/_emulator/messages?order=desc&cursor=sx", "/_emulator/messages?order=desc&cursor=f-1",
            "/_emulator/messages?order=desc&limit=0",
        ] {
            let r = Self.get(app, target)
            #expect(r.status == .badRequest, "\(target)")
            #expect(try JSON.parse(r.body)["message"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func thePageAndItsAssetsCarryTheirSecurityHeaders() throws {
        let app = try MessageWaitersTests.app()
        let bare = Self.get(app, "/_emulator/ui")
        #expect(bare.status.code == 301 && bare.headers["Location"] == "/_emulator/ui/")
        let page = Self.get(app, "/_emulator/ui/")
        #expect(page.status == .ok)
        #expect(page.headers["Content-Type"] == "text/html; charset=utf-8")
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(html.contains("/_emulator/ui/app.js?v=") && !html.contains("{{v}}") && !html.contains("<script>"))
        for r in [page, bare, Self.get(app, "/_emulator/ui/app.js"), Self.get(app, "/_emulator/ui/app.css")] {
            let csp = try #require(r.headers["Content-Security-Policy"])
            #expect(csp.contains("script-src 'self';") && csp.contains("frame-ancestors 'none'"))
            #expect(!csp.contains("unsafe-eval"))
            #expect(r.headers["X-Content-Type-Options"] == "nosniff")
        }
        let js = Self.get(app, "/_emulator/ui/app.js")
        #expect(js.headers["Content-Type"] == "text/javascript; charset=utf-8")
        #expect(js.headers["Cache-Control"]?.contains("immutable") == true)
        #expect(!String(decoding: js.body, as: UTF8.self).contains("innerHTML"))
        let missing = Self.get(app, "/_emulator/ui/secrets.json")
        #expect(missing.status == .notFound)
    }

    @Test func theControlTokenGuardsTheDataNotThePage() throws {
        var c = AppConfiguration()
        c.httpsPort = nil
        c.httpPort = 0
        c.threads = 1
        c.stateDirectory = MailDoubleTests.makeStateDirectory()
        c.fixturesDirectory = MailDoubleTests.fixturesDirectory
        c.controlToken = "t0ken"
        let app = try MailDouble(configuration: c)
        #expect(Self.get(app, "/_emulator/ui/").status == .ok)
        #expect(Self.get(app, "/_emulator/ui/app.js").status == .ok)
        #expect(Self.get(app, "/_emulator/messages?order=desc").status == .unauthorized)
        let authorized = Self.get(app, "/_emulator/messages?order=desc", headers: ["Authorization": "Bearer t0ken"])
        #expect(authorized.status == .ok)
    }

    @Test func replayQueuesAJournaledAttemptForTheWorker() throws {
        let journal = DeliveryJournal(capacity: 10)
        let plane = ControlPlane(vendors: [], changes: ChangeFeed(clock: EmulatorClock()), deliveries: journal)
        var router = Router()
        plane.addRoutes(to: &router)
        let delivery = OutboundDelivery(
            vendor: "postflare",
            tenant: "team",
            endpointId: "hook",
            url: "http://127.0.0.1:9/h",
            headers: ["svix-id": "msg_1", "svix-signature": "v1,abc"],
            body: Array("{}".utf8),
            attempt: 1,
            deliveryId: "msg_1",
            eventType: "email.sent"
        )
        let seq = journal.record(
            delivery,
            status: 500,
            error: nil,
            at: Timestamp(millis: 0),
            durationMs: 1,
            nextAttempt: nil
        )
        let queued = router.respond(to: Request(method: .POST, target: "/_emulator/deliveries/\(seq)/replay"))
        #expect(queued.status == .accepted)
        let body = try JSON.parse(queued.body)
        #expect(body["replay_of"]?.intValue == Int(seq) && body["delivery_id"] == "msg_1")
        let taken = journal.takeReplays()
        #expect(taken.count == 1 && taken.first?.replayOf == seq)
        #expect(taken.first?.delivery.headers["svix-signature"] == "v1,abc")
        #expect(journal.takeReplays().isEmpty, "each replay is handed out once")
        for (target, status) in [("99", HTTPStatus.notFound), ("0", .badRequest), ("x", .badRequest)] {
            let r = router.respond(to: Request(method: .POST, target: "/_emulator/deliveries/\(target)/replay"))
            #expect(r.status == status, "\(target)")
        }
    }

    @Test func flowmailerLinksOfAStoredMessageOpenTheInboxAndFixturesKeepTheirs() throws {
        let app = try MessageWaitersTests.app()
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
        let access = try #require(try JSON.parse(token.body)["access_token"]?.stringValue)
        let media = "application/vnd.flowmailer.v1.12+json"
        let headers: HTTPHeaders = [
            "Authorization": "Bearer \(access)", "Content-Type": media, "Accept": media, "Host": "localhost:8443",
        ]
        let submit = app.dispatcher.respond(
            to: Request(
                method: .POST,
                target: "/545/messages/submit",
                headers: headers,
                body: Array(
                    #"{"messageType":"EMAIL","senderAddress":"a@acme.io","recipientAddress":"b@acme.io","subject":"s","text":"t"}"#
                        .utf8
                )
            )
        )
        #expect(submit.status == .created)
        let id = try #require(submit.headers["Location"]?.split(separator: "/").last.map(String.init))
        _ = app.dispatcher.respond(to: Request(method: .POST, target: "/_emulator/clock/advance?seconds=10"))
        let got = app.dispatcher.respond(
            to: Request(method: .GET, target: "/545/messages/\(id)?addonlinelink=true", headers: headers)
        )
        let message = try JSON.parse(got.body)
        #expect(
            message["messageDetailsLink"]?.stringValue
                == "http://localhost:8443/_emulator/ui/#/message/flowmailer/\(id)"
        )
        #expect(
            message["onlineLink"]?.stringValue == "http://localhost:8443/_emulator/ui/#/message/flowmailer/\(id)/online"
        )
        // The seed's message keeps the seed's links byte for byte.
        let fixture = app.dispatcher.respond(
            to: Request(
                method: .GET,
                target: "/545/messages/20211230130407e3b36e2e92fdbefc86?addonlinelink=true",
                headers: headers
            )
        )
        let seeded = try JSON.parse(fixture.body)
        #expect(
            seeded["onlineLink"]?.stringValue?.hasPrefix(
                "https://web.flowmailer.net/viewonline.html?id=VRbzZZWMpsc:yqB0A"
            ) == true
        )
        #expect(
            seeded["messageDetailsLink"]?.stringValue?.hasSuffix("&code=462940c8b48fd88aff19b30863637cdee6c0bab2")
                == true
        )
    }

    @Test func resendShareURLOpensTheInbox() throws {
        let app = try MessageWaitersTests.app()
        let id = try MessageWaitersTests.send(app, to: "share@acme.io")
        let r = app.dispatcher.respond(
            to: Request(
                method: .POST,
                target: "/emails/\(id)/share",
                headers: [
                    "Authorization": "Bearer re_test_maildouble_full", "Content-Type": "application/json",
                    "Host": "127.0.0.1:8080",
                ],
                body: Array("{}".utf8)
            )
        )
        #expect(r.status == .ok, "\(String(decoding: r.body, as: UTF8.self))")
        #expect(
            try JSON.parse(r.body)["url"]?.stringValue == "http://127.0.0.1:8080/_emulator/ui/#/message/postflare/\(id)"
        )
    }
}
