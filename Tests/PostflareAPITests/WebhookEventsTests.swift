// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import PostflareAPI

@Suite struct WebhookEventsTests {
    @Test func emailEventsFollowTheClockAndAreSigned() throws {
        let h = try Harness()
        #expect(h.api.takeDueWebhookDeliveries().isEmpty)
        let id = try #require(
            h.call(.POST, "/emails", Harness.email(to: "bounced@resend.dev", ["tags": [["name": "k", "value": "v"]]]))
                .id
        )
        #expect(h.api.takeDueWebhookDeliveries().isEmpty)
        h.clock.advance(bySeconds: 1)
        let sent = h.api.takeDueWebhookDeliveries()
        #expect(sent.count == 1)
        let d = try #require(sent.first)
        #expect(d.url == "https://example.org/webhooks/postflare")
        let body = try JSON.parse(d.body)
        #expect(body["type"] == "email.sent")
        #expect(body["data"]?["email_id"]?.stringValue == id)
        #expect(body["data"]?["tags"] == ["k": "v"])
        let msgId = try #require(d.headers["svix-id"])
        let ts = try #require(d.headers["svix-timestamp"].flatMap { Int64($0) })
        #expect(
            d.headers["svix-signature"]
                == Svix.signature(
                    secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                    id: msgId,
                    timestamp: ts,
                    body: d.body
                )
        )
        h.clock.advance(bySeconds: 10)
        let later = h.api.takeDueWebhookDeliveries().compactMap { try? JSON.parse($0.body)["type"]?.stringValue }
        #expect(later == ["email.bounced"])
        #expect(h.api.takeDueWebhookDeliveries().isEmpty)
    }

    @Test func contactAndDomainEventsReachSubscribers() throws {
        let h = try Harness()
        _ = h.call(
            .POST,
            "/webhooks",
            [
                "endpoint": "https://hooks.example.org/c",
                "events": ["contact.created", "domain.created", "contact.deleted"],
            ]
        )
        _ = h.call(.POST, "/contacts", ["email": "n@example.org"])
        _ = h.call(.POST, "/domains", ["name": "new.example.org"])
        _ = h.call(.DELETE, "/contacts/n%40example.org")
        let types = h.api.takeDueWebhookDeliveries().map { (try? JSON.parse($0.body)["type"]?.stringValue) ?? "" }
        #expect(types == ["contact.created", "domain.created", "contact.deleted"])
    }

    @Test func disabledWebhooksAndCanceledEmailsStaySilent() throws {
        let h = try Harness()
        let id = try #require(h.call(.POST, "/emails", Harness.email(["scheduled_at": "in 1 hour"])).id)
        _ = h.call(.POST, "/emails/\(id)/cancel")
        h.clock.advance(bySeconds: 7200)
        #expect(h.api.takeDueWebhookDeliveries().isEmpty)  // the fixture hook does not listen to email.scheduled
        _ = h.call(.PATCH, "/webhooks/4f1c2e3d-5a6b-4c7d-8e9f-0a1b2c3d4e5f", ["status": "disabled"])
        _ = h.call(.POST, "/emails", Harness.email())
        h.clock.advance(bySeconds: 10)
        #expect(h.api.takeDueWebhookDeliveries().isEmpty)
    }
}

@Suite struct WebhookEndpointFilterTests {
    static func harness() throws -> Harness {
        var options = PostflareAPI.Options(rateLimitPerSecond: 0)
        options.webhookEndpointFilter = { !$0.contains("example.org") }
        return try Harness(options: options)
    }

    @Test func filteredEndpointsGetNoEventsButStayListed() throws {
        let h = try Self.harness()
        // The fixture hook (example.org) is muted from the start: no e-mail is followed for it.
        _ = h.call(.POST, "/emails", Harness.email())
        h.clock.advance(bySeconds: 10)
        #expect(h.api.takeDueWebhookDeliveries().isEmpty)
        #expect(h.call(.GET, "/webhooks").json["data"]?.arrayValue?.count == 1)

        let id = try #require(
            h.call(.POST, "/webhooks", ["endpoint": "http://127.0.0.1:9/hook", "events": ["email.sent"]]).id
        )
        _ = h.call(.POST, "/emails", Harness.email())
        h.clock.advance(bySeconds: 1)
        #expect(h.api.takeDueWebhookDeliveries().map(\.url) == ["http://127.0.0.1:9/hook"])

        // Moving the endpoint onto a filtered host mutes it; moving it back un-mutes it.
        _ = h.call(.PATCH, "/webhooks/\(id)", ["endpoint": "https://hooks.example.org/x"])
        _ = h.call(.POST, "/emails", Harness.email())
        h.clock.advance(bySeconds: 1)
        #expect(h.api.takeDueWebhookDeliveries().isEmpty)
        _ = h.call(.PATCH, "/webhooks/\(id)", ["endpoint": "http://localhost:9/y"])
        _ = h.call(.POST, "/emails", Harness.email())
        h.clock.advance(bySeconds: 1)
        #expect(h.api.takeDueWebhookDeliveries().map(\.url) == ["http://localhost:9/y"])
    }

    @Test func resetReappliesTheFilterToFixtureHooks() throws {
        let h = try Self.harness()
        h.api.reset()
        _ = h.call(.POST, "/emails", Harness.email())
        h.clock.advance(bySeconds: 10)
        #expect(h.api.takeDueWebhookDeliveries().isEmpty)
    }
}

@Suite struct WebhookRetryTests {
    @Test func failedDeliveriesFollowTheRetrySchedule() throws {
        let h = try Harness()
        _ = h.call(.POST, "/emails", Harness.email())
        h.clock.advance(bySeconds: 1)
        let first = try #require(h.api.takeDueWebhookDeliveries().first)
        #expect(first.attempt == 1)
        h.api.webhookDeliveryFailed(first)
        h.clock.advance(bySeconds: 4)
        // Only the fresh `email.delivered` (attempt 1) is due; the retry waits 5 s.
        #expect(h.api.takeDueWebhookDeliveries().map(\.attempt) == [1])
        h.clock.advance(bySeconds: 1)
        let due = h.api.takeDueWebhookDeliveries()
        let second = try #require(due.first { $0.attempt == 2 })
        #expect(second.headers["svix-id"] == first.headers["svix-id"])
        #expect(second.body == first.body)
        // Signed with real time (the harness's frozen instant), not the emulator clock, which moved 6 s.
        #expect(second.headers["svix-timestamp"] == first.headers["svix-timestamp"])
        #expect(second.headers["svix-timestamp"] == String(h.clock.realNowMillis() / 1000))
        h.api.webhookDeliveryFailed(second)
        h.clock.advance(bySeconds: 299)
        #expect(h.api.takeDueWebhookDeliveries().isEmpty)
        h.clock.advance(bySeconds: 1)
        #expect(h.api.takeDueWebhookDeliveries().map(\.attempt) == [3])
    }

    @Test func signaturesUseRealTimeAfterTheClockMoved() throws {
        let h = try Harness()
        let sentAt = h.clock.nowMillis()
        _ = h.call(.POST, "/emails", Harness.email())
        h.clock.advance(bySeconds: 36_000)  // Resend's last retry step, 10 h
        let due = h.api.takeDueWebhookDeliveries()
        #expect(due.count == 2)
        for d in due {
            let ts = try #require(d.headers["svix-timestamp"].flatMap { Int64($0) })
            #expect(ts == h.clock.realNowMillis() / 1000)
            #expect(ts < h.clock.nowMillis() / 1000 - 35_000)
            #expect(d.headers["webhook-timestamp"] == d.headers["svix-timestamp"])
            let id = try #require(d.headers["svix-id"])
            #expect(
                d.headers["svix-signature"]
                    == Svix.signature(
                        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                        id: id,
                        timestamp: ts,
                        body: d.body
                    )
            )
            // The payload stays on the emulator clock: the event happened 1–2 s after the send.
            let body = try JSON.parse(d.body)
            #expect([Time.iso(sentAt + 1000), Time.iso(sentAt + 2000)].contains(body["created_at"] ?? .null))
        }
    }

    @Test func theEighthFailedAttemptIsTheLast() throws {
        let h = try Harness()
        _ = h.call(.POST, "/emails", Harness.email())
        h.clock.advance(bySeconds: 1)
        var delivery = try #require(h.api.takeDueWebhookDeliveries().first)
        // 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after attempts 1…7 (spec §6.4).
        for delay in [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000] {
            #expect(h.api.webhookDeliveryFailed(delivery))
            h.clock.advance(bySeconds: Double(delay))
            delivery = try #require(h.api.takeDueWebhookDeliveries().first { $0.attempt == delivery.attempt + 1 })
        }
        #expect(delivery.attempt == 8)
        #expect(!h.api.webhookDeliveryFailed(delivery))
        h.clock.advance(bySeconds: 86_400)
        #expect(!h.api.takeDueWebhookDeliveries().contains { $0.attempt > 1 })
    }
}
