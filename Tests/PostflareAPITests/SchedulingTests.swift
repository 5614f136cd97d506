// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import PostflareAPI

@Suite struct SchedulingTests {
    let now: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z

    @Test func parsesPhrasesAndISO() {
        #expect(Scheduling.parse("in 1 min", now: now) == now + 60_000)
        #expect(Scheduling.parse("in an hour", now: now) == now + 3_600_000)
        #expect(Scheduling.parse("in 2 days", now: now) == now + 2 * 86_400_000)
        #expect(Scheduling.parse("5 minutes from now", now: now) == now + 300_000)
        #expect(Scheduling.parse("tomorrow at 9am", now: now) == now + 86_400_000 + 9 * 3_600_000)
        #expect(Scheduling.parse("today at 17:30", now: now) == now + 17 * 3_600_000 + 30 * 60_000)
        #expect(Scheduling.parse("2026-01-02T00:00:00.000Z", now: now) == now + 86_400_000)
        #expect(Scheduling.parse("whenever", now: now) == nil)
        #expect(Scheduling.parse("in 3 fortnights", now: now) == nil)
    }

    @Test func atMostThirtyDaysAhead() {
        #expect((try? Scheduling.validate("in 30 days", now: now)) == now + 30 * 86_400_000)
        #expect(throws: PostflareError.self) { try Scheduling.validate("in 31 days", now: now) }
    }

    @Test func scheduledEmailGoesOutAtItsTime() throws {
        let h = try Harness()
        let id = try #require(h.call(.POST, "/emails", Harness.email(["scheduled_at": "in 1 min"])).id)
        var got = h.call(.GET, "/emails/\(id)")
        #expect(got.json["last_event"] == "scheduled")
        #expect(got.json["scheduled_at"]?.stringValue == "2026-01-01T00:01:00.000000+00:00")
        h.clock.advance(bySeconds: 63)
        got = h.call(.GET, "/emails/\(id)")
        #expect(got.json["last_event"] == "delivered")
        expectError(h.call(.POST, "/emails/\(id)/cancel"), 422, "validation_error")
    }

    @Test func rescheduleThenCancel() throws {
        let h = try Harness()
        let id = try #require(h.call(.POST, "/emails", Harness.email(["scheduled_at": "in 1 min"])).id)
        let upd = h.call(.PATCH, "/emails/\(id)", ["id": .string(id), "scheduled_at": "in 1 hour"])
        #expect(upd.json == ["object": "email", "id": .string(id)])
        h.clock.advance(bySeconds: 120)
        #expect(h.call(.GET, "/emails/\(id)").json["last_event"] == "scheduled")
        let cancel = h.call(.POST, "/emails/\(id)/cancel")
        #expect(cancel.json == ["object": "email", "id": .string(id)])
        h.clock.advance(bySeconds: 7200)
        #expect(h.call(.GET, "/emails/\(id)").json["last_event"] == "canceled")
        expectError(h.call(.PATCH, "/emails/\(id)", ["scheduled_at": "in 1 min"]), 422, "validation_error")
    }

    @Test func badScheduleIsRefused() throws {
        let h = try Harness()
        expectError(h.call(.POST, "/emails", Harness.email(["scheduled_at": "someday"])), 422, "validation_error")
        expectError(h.call(.POST, "/emails", Harness.email(["scheduled_at": "in 40 days"])), 422, "validation_error")
    }
}
