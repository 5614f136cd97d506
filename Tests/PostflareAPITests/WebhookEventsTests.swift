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

/// Resend's webhook event log (resend-openapi PRs #106, #112), fed by the attempts the worker reports.
@Suite struct WebhookEventLogTests {
    static let hook = "https://hooks.acme.io/resend"

    /// A harness with one webhook on a receiving endpoint for `email.sent` and `email.delivered`.
    static func harness() throws -> (Harness, String) {
        let h = try Harness()
        let created = h.call(
            .POST,
            "/webhooks",
            ["endpoint": .string(hook), "events": ["email.sent", "email.delivered"]]
        )
        return (h, try #require(created.id))
    }

    static func attempt(_ h: Harness, _ d: OutboundDelivery, status: Int?) {
        let failed = status.map { !(200...299).contains($0) } ?? true
        let next = failed ? h.api.scheduleRetry(d) : nil
        h.api.deliveryAttempted(d, status: status, error: status == nil ? "connection refused" : nil, nextAttempt: next)
    }

    @Test func eventsListTheirAttemptsAndStatus() throws {
        let (h, hookId) = try Self.harness()
        _ = h.call(.POST, "/emails", Harness.email())
        h.clock.advance(bySeconds: 3)
        let due = h.api.takeDueWebhookDeliveries().filter { $0.webhookId == hookId }
        #expect(due.map(\.eventType) == ["email.sent", "email.delivered"])
        let pending = h.call(.GET, "/webhooks/\(hookId)/events")
        #expect(pending.status == 200)
        #expect(pending.json["data"]?.arrayValue?.compactMap { $0["status"]?.stringValue } == ["pending", "pending"])

        Self.attempt(h, due[0], status: 500)
        Self.attempt(h, due[1], status: 200)
        let list = h.call(.GET, "/webhooks/\(hookId)/events")
        #expect(list.json["object"] == "list")
        #expect(list.json["has_more"] == false)
        let items = try #require(list.json["data"]?.arrayValue)
        // Newest first.
        #expect(items.compactMap { $0["type"]?.stringValue } == ["email.delivered", "email.sent"])
        #expect(items.compactMap { $0["status"]?.stringValue } == ["success", "attempting"])
        #expect(items[0].objectValue?.keys.sorted() == ["created_at", "id", "status", "type"])

        let sentId = due[0].messageId
        #expect(items[1]["id"]?.stringValue == sentId)
        let detail = h.call(.GET, "/webhooks/\(hookId)/events/\(sentId)")
        #expect(detail.json["object"] == "webhook_event")
        #expect(detail.json["payload"]?["type"] == "email.sent")
        #expect(detail.json["payload"] == (try JSON.parse(due[0].body)))
        // The retry is due 5 s after the failed attempt.
        #expect(detail.json["next_attempt_at"] == Time.pg(h.clock.nowMillis() + 5_000))
        let delivered = h.call(.GET, "/webhooks/\(hookId)/events/\(due[1].messageId)")
        #expect(delivered.json["next_attempt_at"] == .null)

        let attempts = h.call(.GET, "/webhooks/\(hookId)/events/\(sentId)/attempts")
        #expect(attempts.json["object"] == "list")
        let one = try #require(attempts.json["data"]?[0])
        #expect(one["http_status_code"] == 500)
        #expect(one["sent_at"] == Time.pg(h.clock.nowMillis()))
        #expect(one.objectValue?.keys.sorted() == ["http_status_code", "id", "response", "sent_at"])

        // The retry succeeds: two attempts, newest first, and the event is a success.
        h.clock.advance(bySeconds: 5)
        let retry = try #require(h.api.takeDueWebhookDeliveries().first { $0.messageId == sentId })
        Self.attempt(h, retry, status: 204)
        let after = h.call(.GET, "/webhooks/\(hookId)/events/\(sentId)/attempts")
        #expect(after.json["data"]?.arrayValue?.compactMap { $0["http_status_code"]?.intValue } == [204, 500])
        #expect(h.call(.GET, "/webhooks/\(hookId)/events/\(sentId)").json["status"] == "success")
    }

    @Test func theLastFailedAttemptFailsTheEvent() throws {
        let (h, hookId) = try Self.harness()
        _ = h.call(.POST, "/emails", Harness.email())
        h.clock.advance(bySeconds: 1)
        var d = try #require(h.api.takeDueWebhookDeliveries().first { $0.webhookId == hookId })
        for _ in 1..<8 {
            Self.attempt(h, d, status: nil)
            h.clock.advance(bySeconds: 36_000)
            d = try #require(h.api.takeDueWebhookDeliveries().first { $0.messageId == d.messageId })
        }
        #expect(d.attempt == 8)
        Self.attempt(h, d, status: 503)
        let event = h.call(.GET, "/webhooks/\(hookId)/events/\(d.messageId)")
        #expect(event.json["status"] == "failed")
        #expect(event.json["next_attempt_at"] == .null)
        let attempts = h.call(.GET, "/webhooks/\(hookId)/events/\(d.messageId)/attempts?limit=3")
        #expect(attempts.json["data"]?.arrayValue?.count == 3)
        #expect(attempts.json["has_more"] == true)
        let last = try #require(attempts.json["data"]?[2]?["id"]?.stringValue)
        let next = h.call(.GET, "/webhooks/\(hookId)/events/\(d.messageId)/attempts?limit=100&after=\(last)")
        #expect(next.json["data"]?.arrayValue?.count == 5)
        #expect(next.json["data"]?[4]?["response"] == "connection refused")
    }

    @Test func replayQueuesOneDeliveryWithoutRetries() throws {
        let (h, hookId) = try Self.harness()
        _ = h.call(.POST, "/emails", Harness.email())
        h.clock.advance(bySeconds: 1)
        let first = try #require(h.api.takeDueWebhookDeliveries().first { $0.webhookId == hookId })
        Self.attempt(h, first, status: 200)

        let replay = h.call(.POST, "/webhooks/\(hookId)/events/\(first.messageId)/replay")
        #expect(replay.status == 200)
        #expect(replay.json == ["object": "webhook_event", "id": .string(first.messageId)])
        let again = try #require(h.api.takeDueWebhookDeliveries().first { $0.messageId == first.messageId })
        #expect(again.body == first.body)
        #expect(again.attempt == 0)
        #expect(h.api.scheduleRetry(again) == nil, "a manual replay schedules no retry")
        h.api.deliveryAttempted(again, status: 500, error: nil, nextAttempt: nil)
        let event = h.call(.GET, "/webhooks/\(hookId)/events/\(first.messageId)")
        #expect(event.json["status"] == "failed")
        #expect(event.json["next_attempt_at"] == .null)
        h.clock.advance(bySeconds: 100_000)
        #expect(h.api.takeDueWebhookDeliveries().allSatisfy { $0.messageId != first.messageId })
        let attempts = h.call(.GET, "/webhooks/\(hookId)/events/\(first.messageId)/attempts")
        #expect(attempts.json["data"]?.arrayValue?.count == 2)

        // A disabled webhook: 422, nothing queued.
        _ = h.call(.PATCH, "/webhooks/\(hookId)", ["status": "disabled"])
        expectError(h.call(.POST, "/webhooks/\(hookId)/events/\(first.messageId)/replay"), 422, "validation_error")
        #expect(h.api.takeDueWebhookDeliveries().isEmpty)
    }

    @Test func badInputGetsResendErrors() throws {
        let (h, hookId) = try Self.harness()
        _ = h.call(.POST, "/emails", Harness.email())
        h.clock.advance(bySeconds: 1)
        let d = try #require(h.api.takeDueWebhookDeliveries().first { $0.webhookId == hookId })
        let before = h.call(.GET, "/webhooks/\(hookId)/events?before=\(d.messageId)")
        expectError(before, 422, "validation_error")
        #expect(before.json["message"] == "The `before` parameter is not supported for this endpoint.")
        expectError(
            h.call(.GET, "/webhooks/\(hookId)/events/\(d.messageId)/attempts?before=x"),
            422,
            "validation_error"
        )
        expectError(h.call(.GET, "/webhooks/\(hookId)/events?limit=0"), 422, "validation_error")
        expectError(h.call(.GET, "/webhooks/not-a-uuid/events"), 422, "invalid_parameter")
        let unknownHook = "4ef9a417-02e9-4d39-ad75-9611e0fcc33c"
        expectError(h.call(.GET, "/webhooks/\(unknownHook)/events"), 404, "not_found")
        expectError(h.call(.GET, "/webhooks/\(hookId)/events/msg_unknown"), 404, "not_found")
        expectError(h.call(.GET, "/webhooks/\(hookId)/events/msg_unknown/attempts"), 404, "not_found")
        expectError(h.call(.POST, "/webhooks/\(hookId)/events/msg_unknown/replay"), 404, "not_found")
        // Another webhook's event is not this webhook's.
        let other = try #require(
            h.call(.POST, "/webhooks", ["endpoint": "https://b.acme.io/x", "events": ["email.sent"]]).id
        )
        expectError(h.call(.GET, "/webhooks/\(other)/events/\(d.messageId)"), 404, "not_found")
        expectError(h.call(.DELETE, "/webhooks/\(hookId)/events"), 405, "method_not_allowed")
    }
}

@Suite struct SuppressionEventTests {
    @Test func addingAndRemovingASuppressionEmitsItsEvents() throws {
        let h = try Harness()
        let hook = h.call(
            .POST,
            "/webhooks",
            ["endpoint": "https://hooks.acme.io/s", "events": ["suppression.added", "suppression.removed"]]
        )
        #expect(hook.status == 201)
        let id = try #require(h.call(.POST, "/suppressions", ["email": "Ada@acme.io"]).id)
        _ = h.call(.POST, "/suppressions/batch/add", ["emails": ["bob@acme.io"]])
        _ = h.call(.POST, "/suppressions/batch/remove", ["emails": ["bob@acme.io"]])
        #expect(h.call(.DELETE, "/suppressions/\(id)").json["deleted"] == true)
        let bodies = try h.api.takeDueWebhookDeliveries().map { try JSON.parse($0.body) }
        #expect(
            bodies.compactMap { $0["type"]?.stringValue }
                == ["suppression.added", "suppression.added", "suppression.removed", "suppression.removed"]
        )
        let data = try #require(bodies.last?["data"])
        #expect(data["id"]?.stringValue == id)
        #expect(data["email"] == "ada@acme.io")
        #expect(data["origin"] == "manual")
        #expect(data["source_id"] == .null)
        #expect(data.objectValue?.keys.sorted() == ["created_at", "email", "id", "origin", "source_id"])
        expectError(h.call(.DELETE, "/suppressions/\(id)"), 404, "not_found")
    }
}
