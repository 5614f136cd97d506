// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import MailDoubleTesting
import Testing

@testable import PostflareAPI

@Suite struct ContactsTests {
    @Test(arguments: TestMode.allCases)
    func globalContactsByIdOrEmail(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let created = h.call(
                .POST,
                "/contacts",
                ["email": "new@example.org", "first_name": "New", "segments": [["id": .string(segmentId)]]]
            )
            #expect(created.status == 201)
            #expect(created.json["object"] == "contact")
            let id = try #require(created.id)
            let byEmail = h.call(.GET, "/contacts/new%40example.org", [:])
            #expect(byEmail.json["id"]?.stringValue == id)
            #expect(byEmail.json["properties"] == [:])
            #expect(byEmail.json["created_at"]?.stringValue == "2026-01-01 00:00:00.000000+00")
            let patched = h.call(.PATCH, "/contacts/\(id)", ["id": .string(id), "unsubscribed": true])
            #expect(patched.json["id"]?.stringValue == id)
            #expect(h.call(.GET, "/contacts/\(id)").json["unsubscribed"] == true)
            let list = h.call(.GET, "/contacts")
            #expect(list.json["data"]?[0]?["id"]?.stringValue == id)
            #expect(list.json["data"]?[0]?["properties"] == nil)
            let del = h.call(.DELETE, "/contacts/new%40example.org")
            #expect(del.json == ["object": "contact", "contact": .string(id), "deleted": true])
            expectError(h.call(.GET, "/contacts/\(id)"), 404, "not_found")
            // Deleting an unknown contact is still a 200 (spec §11.4).
            #expect(h.call(.DELETE, "/contacts/\(id)").json["deleted"] == true)
        }
    }

    @Test func validation() throws {
        let h = try Harness()
        let r = h.call(.POST, "/contacts", [:])
        expectError(r, 422, "missing_required_field")
        #expect(r.json["message"] == "Missing `email` field.")
        expectError(
            h.call(.POST, "/contacts", ["email": "x@example.org", "properties": ["nope": "1"]]),
            422,
            "validation_error"
        )
        expectError(
            h.call(.POST, "/contacts", ["email": "x@example.org", "properties": ["company": 3]]),
            422,
            "validation_error"
        )
        #expect(
            h.call(.POST, "/contacts", ["email": "x@example.org", "properties": ["company": "Acme"]]).status == 201
        )
    }

    @Test func legacyAudienceFamily() throws {
        let h = try Harness()
        let base = "/audiences/\(segmentId)/contacts"
        let created = h.call(.POST, base, ["email": "legacy@example.org"])
        #expect(created.status == 201)
        #expect(h.call(.GET, base).json["data"]?.arrayValue?.count == 4)
        #expect(h.call(.GET, base + "/legacy%40example.org").json["email"] == "legacy@example.org")
        #expect(h.call(.PATCH, base + "/legacy%40example.org", ["first_name": "L"]).status == 200)
        let del = h.call(.DELETE, base + "/legacy%40example.org")
        #expect(del.json["contact"] == "legacy@example.org")
        expectError(h.call(.GET, "/audiences/\(topicId)/contacts"), 404, "not_found")
    }

    @Test func contactSegmentsAndTopics() throws {
        let h = try Harness()
        let contact = "e169aa45-1ecf-4183-9955-b1499d5701d3"
        let seg = try #require(h.call(.POST, "/segments", ["name": "VIP"]).id)
        let added = h.call(.POST, "/contacts/\(contact)/segments/\(seg)")
        #expect(added.json["object"] == "contact_segment")
        #expect(h.call(.GET, "/contacts/\(contact)/segments").json["data"]?.arrayValue?.count == 2)
        #expect(h.call(.DELETE, "/contacts/\(contact)/segments/\(seg)").json["deleted"] == true)
        #expect(h.call(.GET, "/contacts/\(contact)/topics").json["data"]?[0]?["subscription"] == "opt_in")
        let upd = h.call(
            .PATCH,
            "/contacts/\(contact)/topics",
            ["topics": [["id": .string(topicId), "subscription": "opt_out"]]]
        )
        #expect(upd.json["object"] == "contact_topics")
        #expect(h.call(.GET, "/contacts/\(contact)/topics").json["data"]?[0]?["subscription"] == "opt_out")
    }
}
