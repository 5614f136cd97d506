// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing
import Testing

@testable import PostflareAPI

/// `POST /_emulator/messages/postflare/{id}/events`: opens, clicks, delays and failures no test address makes.
@Suite struct SimulatedEventsTests {
    static func control(_ h: Harness, _ id: String, _ body: JSON?, raw: String? = nil) -> (Int, JSON) {
        var r = Router()
        h.api.addControlRoutes(to: &r)
        let bytes = raw.map { Array($0.utf8) } ?? body?.serialized() ?? []
        let response = r.respond(
            to: Request(
                method: .POST,
                target: "/_emulator/messages/postflare/\(id)/events",
                headers: ["Content-Type": "application/json"],
                body: bytes
            )
        )
        return (response.status.code, (try? JSON.parse(response.body)) ?? .null)
    }

    @Test func openAndClickReachWebhooksAndLastEvent() throws {
        let h = try Harness()
        _ = h.call(
            .POST,
            "/webhooks",
            ["endpoint": "https://hooks.acme.io/t", "events": ["email.opened", "email.clicked", "email.failed"]]
        )
        let html = "<p>Confirm: <a href=\"https://app.acme.io/confirm?t=42\">here</a></p>"
        let id = try #require(h.call(.POST, "/emails", Harness.email(["html": .string(html)])).id)
        // Not delivered yet: nobody can open it.
        #expect(Self.control(h, id, ["type": "opened"]).0 == 409)
        h.clock.advance(bySeconds: 3)
        _ = h.api.takeDueWebhookDeliveries()
        let (status, answer) = Self.control(h, id, ["type": "opened"])
        #expect(status == 201)
        #expect(answer["type"] == "email.opened")
        #expect(h.call(.GET, "/emails/\(id)").json["last_event"] == "opened")
        #expect(Self.control(h, id, ["type": "email.clicked"]).0 == 201)
        // A given link wins over the first one in the e-mail.
        #expect(Self.control(h, id, ["type": "clicked", "link": "https://acme.io/other"]).0 == 201)
        #expect(h.call(.GET, "/emails/\(id)").json["last_event"] == "clicked")
        #expect(Self.control(h, id, ["type": "failed", "reason": "reached_daily_quota"]).0 == 201)
        let bodies = try h.api.takeDueWebhookDeliveries().map { try JSON.parse($0.body) }
        #expect(
            bodies.compactMap { $0["type"]?.stringValue }
                == ["email.opened", "email.clicked", "email.clicked", "email.failed"]
        )
        #expect(bodies[2]["data"]?["click"]?["link"] == "https://acme.io/other")
        #expect(bodies[1]["data"]?["click"]?["link"] == "https://app.acme.io/confirm?t=42")
        #expect(
            bodies[1]["data"]?["click"]?.objectValue?.keys.sorted() == ["ipAddress", "link", "timestamp", "userAgent"]
        )
        #expect(bodies[1]["data"]?["email_id"]?.stringValue == id)
        #expect(bodies[3]["data"]?["failed"] == ["reason": "reached_daily_quota"])
        // A failed e-mail is opened and clicked no more.
        #expect(Self.control(h, id, ["type": "clicked"]).0 == 409)
    }

    @Test func delayedIsReachableBeforeDelivery() throws {
        let h = try Harness()
        let id = try #require(h.call(.POST, "/emails", Harness.email()).id)
        #expect(Self.control(h, id, ["type": "delivery_delayed"]).0 == 201)
        #expect(h.call(.GET, "/emails/\(id)").json["last_event"] == "delivery_delayed")
    }

    @Test func badInputIsRefused() throws {
        let h = try Harness()
        let id = try #require(h.call(.POST, "/emails", Harness.email(["html": "<p>no links</p>"])).id)
        h.clock.advance(bySeconds: 3)
        #expect(Self.control(h, id, ["type": "bounced"]).0 == 400)
        #expect(Self.control(h, id, nil, raw: "not json").0 == 400)
        #expect(Self.control(h, id, ["type": "clicked", "link": 7]).0 == 400)
        #expect(Self.control(h, id, ["type": "clicked"]).0 == 400, "no link in the e-mail and none given")
        let (status, body) = Self.control(h, "4ef9a417-02e9-4d39-ad75-9611e0fcc33c", ["type": "opened"])
        #expect(status == 404)
        #expect(body["message"]?.stringValue?.contains("no message") == true)
    }
}
