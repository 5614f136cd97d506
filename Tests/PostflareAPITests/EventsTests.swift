// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@testable import PostflareAPI

@Suite struct EventsTests {
    @Test func crudAndSend() throws {
        let h = try Harness()
        let created = h.call(.POST, "/events", ["name": "user.signed_up", "schema": ["plan": "string"]])
        #expect(created.status == 201)
        let id = try #require(created.id)
        #expect(h.call(.GET, "/events/user.signed_up").json["id"]?.stringValue == id)
        let sent = h.call(
            .POST,
            "/events/send",
            ["event": "user.signed_up", "email": "a@example.org", "payload": ["plan": "pro"]]
        )
        #expect(sent.status == 202)
        #expect(sent.json == ["object": "event", "event": "user.signed_up"])
        expectError(h.call(.POST, "/events/send", ["event": "user.signed_up"]), 422, "validation_error")
        expectError(h.call(.POST, "/events/send", ["event": "nope", "email": "a@example.org"]), 404, "not_found")
        #expect(h.call(.PATCH, "/events/\(id)", ["schema": .null]).status == 200)
        #expect(h.call(.GET, "/events").json["data"]?[0]?["updated_at"] != .null)
        #expect(h.call(.DELETE, "/events/user.signed_up").json["deleted"] == true)
        expectError(h.call(.POST, "/events", ["name": "resend:x"]), 422, "validation_error")
    }
}
