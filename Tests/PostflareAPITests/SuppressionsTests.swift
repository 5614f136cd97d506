// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import PostflareAPI

@Suite struct SuppressionsTests {
    @Test func suppressedRecipientIsNotDelivered() throws {
        let h = try Harness()
        let created = h.call(.POST, "/suppressions", ["email": "Blocked@example.org"])
        #expect(created.status == 201)
        let id = try #require(created.id)
        #expect(h.call(.GET, "/suppressions/blocked%40example.org").json["origin"] == "manual")
        let sent = try #require(h.call(.POST, "/emails", Harness.email(to: "blocked@example.org")).id)
        h.clock.advance(bySeconds: 5)
        #expect(h.call(.GET, "/emails/\(sent)").json["last_event"] == "suppressed")
        #expect(h.call(.DELETE, "/suppressions/\(id)").json["deleted"] == true)
        expectError(h.call(.GET, "/suppressions/\(id)"), 404, "not_found")
    }

    @Test func batchAddListRemove() throws {
        let h = try Harness()
        let added = h.call(.POST, "/suppressions/batch/add", ["emails": ["a@example.org", "b@example.org"]])
        #expect(added.status == 201)
        #expect(added.json["data"]?.arrayValue?.count == 2)
        #expect(h.call(.GET, "/suppressions?origin=manual").json["data"]?.arrayValue?.count == 2)
        #expect(h.call(.GET, "/suppressions?origin=bounce").json["data"] == [])
        let removed = h.call(.POST, "/suppressions/batch/remove", ["emails": ["a@example.org"]])
        #expect(removed.json["data"]?[0]?["deleted"] == true)
        expectError(
            h.call(.POST, "/suppressions/batch/remove", ["emails": ["a"], "ids": ["b"]]),
            422,
            "validation_error"
        )
        expectError(h.call(.POST, "/suppressions/batch/add", ["emails": []]), 422, "validation_error")
        expectError(h.call(.POST, "/suppressions", [:]), 422, "missing_required_field")
    }
}
