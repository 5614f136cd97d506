// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import PostflareAPI

@Suite struct BatchTests {
    @Test func strictSendsAllOrNothing() throws {
        let h = try Harness()
        let ok = h.call(.POST, "/emails/batch", [Harness.email(), Harness.email(to: "bounced@resend.dev")])
        #expect(ok.status == 200)
        #expect(ok.json["data"]?.arrayValue?.count == 2)
        #expect(ok.json["errors"] == nil)
        let bad = h.call(.POST, "/emails/batch", [Harness.email(), Harness.email(to: "nope")])
        expectError(bad, 422, "validation_error")
        #expect(h.call(.GET, "/emails").json["data"]?.arrayValue?.count == 2)
    }

    @Test func permissiveReportsIndexedErrors() throws {
        let h = try Harness()
        let r = h.call(
            .POST,
            "/emails/batch",
            [Harness.email(), Harness.email(to: "nope"), ["from": "a@example.org"]],
            headers: [("x-batch-validation", "permissive")]
        )
        #expect(r.status == 200)
        #expect(r.json["data"]?.arrayValue?.count == 1)
        #expect(r.json["errors"]?[0]?["index"] == 1)
        #expect(r.json["errors"]?[1]?["index"] == 2)
        #expect(r.json["errors"]?[1]?["message"] == "Missing `to` field.")
    }

    @Test func limitsAndUnsupportedFields() throws {
        let h = try Harness()
        let tooMany = JSON.array(Array(repeating: Harness.email(), count: 101))
        expectError(h.call(.POST, "/emails/batch", tooMany), 422, "validation_error")
        expectError(h.call(.POST, "/emails/batch", Harness.email()), 422, "validation_error")
        expectError(
            h.call(.POST, "/emails/batch", [Harness.email(["scheduled_at": "yesterday-ish"])]),
            422,
            "validation_error"
        )
        expectError(
            h.call(.POST, "/emails/batch", [Harness.email(["attachments": [["filename": "a", "content": "aGk="]]])]),
            422,
            "validation_error"
        )
        expectError(
            h.call(.POST, "/emails/batch", [Harness.email()], headers: [("x-batch-validation", "lax")]),
            422,
            "validation_error"
        )
    }

    /// As Node SDK 6.18 (resend-node PR #1022) sends them: `scheduled_at` and `tags` per item.
    @Test func itemsMayBeScheduledAndTagged() throws {
        let h = try Harness()
        let r = h.call(
            .POST,
            "/emails/batch",
            [
                Harness.email([
                    "scheduled_at": "in 1 hour", "tags": [["name": "category", "value": "welcome"]],
                ]),
                Harness.email(["tags": [["name": "k", "value": "v"]]]),
            ]
        )
        #expect(r.status == 200, "\(r.json.text)")
        let ids = try #require(r.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue })
        #expect(ids.count == 2)
        let scheduled = h.call(.GET, "/emails/\(ids[0])")
        #expect(scheduled.json["last_event"] == "scheduled")
        #expect(scheduled.json["scheduled_at"] != .null)
        #expect(scheduled.json["tags"] == [["name": "category", "value": "welcome"]])
        #expect(h.call(.GET, "/emails/\(ids[1])").json["scheduled_at"] == .null)
        h.clock.advance(bySeconds: 3600 + 3)
        #expect(h.call(.GET, "/emails/\(ids[0])").json["last_event"] == "delivered")
        expectError(
            h.call(.POST, "/emails/batch", [Harness.email(["tags": [["name": "bad tag"]]])]),
            422,
            "validation_error"
        )
    }
}
