// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import PostflareAPI

@Suite struct BroadcastsTests {
    @Test func draftThenSendToSegment() throws {
        let h = try Harness()
        let created = h.call(
            .POST,
            "/broadcasts",
            [
                "segment_id": .string(segmentId), "from": "News <news@example.org>", "subject": "Hi {{{FIRST_NAME}}}",
                "html": "<p>Hello {{{FIRST_NAME}}}</p>", "name": "January",
            ]
        )
        #expect(created.status == 201)
        let id = try #require(created.id)
        #expect(h.call(.GET, "/broadcasts/\(id)").json["status"] == "draft")
        #expect(h.call(.PATCH, "/broadcasts/\(id)", ["subject": "Hey {{{FIRST_NAME}}}"]).status == 200)
        #expect(h.call(.POST, "/broadcasts/\(id)/send", ["broadcast_id": .string(id)]).json == ["id": .string(id)])
        #expect(h.call(.GET, "/broadcasts/\(id)").json["status"] == "sent")
        let emails = h.call(.GET, "/emails").json["data"]?.arrayValue ?? []
        #expect(emails.count == 3)
        #expect(emails.contains { $0["subject"] == "Hey Steve" })
        expectError(h.call(.POST, "/broadcasts/\(id)/send"), 422, "validation_error")
        let dup = try #require(h.call(.POST, "/broadcasts/\(id)/duplicate").id)
        #expect(h.call(.GET, "/broadcasts/\(dup)").json["status"] == "draft")
        expectError(h.call(.DELETE, "/broadcasts/\(id)"), 422, "validation_error")
    }

    @Test func scheduledBroadcastCanBeCanceled() throws {
        let h = try Harness()
        let id = try #require(
            h.call(
                .POST,
                "/broadcasts",
                [
                    "audience_id": .string(segmentId), "from": "news@example.org", "subject": "S", "text": "T",
                    "send": true,
                    "scheduled_at": "in 1 hour",
                ]
            ).id
        )
        #expect(h.call(.GET, "/broadcasts").json["data"]?[0]?["status"] == "scheduled")
        #expect(h.call(.POST, "/broadcasts/\(id)/cancel").status == 200)
        h.clock.advance(bySeconds: 7200)
        let events = (h.call(.GET, "/emails").json["data"]?.arrayValue ?? []).map { $0["last_event"] }
        #expect(events == [.string("canceled"), .string("canceled"), .string("canceled")])
        expectError(h.call(.POST, "/broadcasts/\(id)/cancel"), 422, "validation_error")
    }

    @Test func validation() throws {
        let h = try Harness()
        expectError(
            h.call(.POST, "/broadcasts", ["from": "a@example.org", "subject": "s"]),
            422,
            "missing_required_field"
        )
        expectError(
            h.call(.POST, "/broadcasts", ["segment_id": .string(topicId), "from": "a@example.org", "subject": "s"]),
            404,
            "not_found"
        )
        expectError(
            h.call(
                .POST,
                "/broadcasts",
                ["segment_id": .string(segmentId), "from": "a@example.org", "subject": "s", "scheduled_at": "in 1 min"]
            ),
            422,
            "validation_error"
        )
        expectError(h.call(.GET, "/broadcasts/\(segmentId)"), 404, "not_found")
    }
}

@Suite struct BroadcastRecipientsTests {
    @Test func recipientsByOutcome() throws {
        let h = try Harness()
        let id = try #require(
            h.call(
                .POST,
                "/broadcasts",
                ["segment_id": .string(segmentId), "from": "n@example.org", "subject": "S", "text": "T", "send": true]
            ).id
        )
        h.clock.advance(bySeconds: 10)
        let sent = h.call(.GET, "/broadcasts/\(id)/recipients?type=sent")
        #expect(sent.json["data"]?.arrayValue?.count == 3)
        #expect(sent.json["data"]?[0]?["id"] == "b2Zmc2V0OjA")
        let bounced = h.call(.GET, "/broadcasts/\(id)/recipients?type=bounced")
        #expect(bounced.json["data"]?[0]?["email"] == "bounced@resend.dev")
        #expect(bounced.json["data"]?[0]?["bounce_type"] == "permanent")
        let page = h.call(.GET, "/broadcasts/\(id)/recipients?type=sent&limit=2")
        #expect(page.json["has_more"] == true)
        let next = h.call(.GET, "/broadcasts/\(id)/recipients?type=sent&limit=2&after=b2Zmc2V0OjE")
        #expect(next.json["data"]?.arrayValue?.count == 1)
        expectError(h.call(.GET, "/broadcasts/\(id)/recipients"), 422, "missing_required_field")
        #expect(h.call(.GET, "/broadcasts/\(id)/clicked-links").json["data"] == [])
        #expect(h.call(.GET, "/oauth/grants").json["object"] == "list")
    }
}
