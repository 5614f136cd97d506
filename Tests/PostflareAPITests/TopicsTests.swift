// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@testable import PostflareAPI

@Suite struct TopicsTests {
    @Test func topicsCrud() throws {
        let h = try Harness()
        let created = h.call(.POST, "/topics", ["name": "Launches", "default_subscription": "opt_out"])
        #expect(created.json["object"] == "topic")
        let id = try #require(created.id)
        #expect(h.call(.GET, "/topics/\(id)").json["visibility"] == "private")
        #expect(h.call(.PATCH, "/topics/\(id)", ["visibility": "public"]).status == 200)
        #expect(h.call(.GET, "/topics").json["data"]?[0]?["visibility"] == "public")
        #expect(h.call(.DELETE, "/topics/\(id)").json["deleted"] == true)
        let r = h.call(.POST, "/topics", ["name": "x"])
        expectError(r, 422, "missing_required_field")
        #expect(r.json["message"] == "Missing `default_subscription` field.")
    }

    @Test func contactPropertiesCrud() throws {
        let h = try Harness()
        let created = h.call(.POST, "/contact-properties", ["key": "age", "type": "number", "fallback_value": 0])
        #expect(created.status == 201)
        #expect(created.json["object"] == "contact_property")
        let id = try #require(created.id)
        #expect(h.call(.GET, "/contact-properties/\(id)").json["type"] == "number")
        expectError(h.call(.PATCH, "/contact-properties/\(id)", ["type": "string"]), 422, "validation_error")
        expectError(h.call(.PATCH, "/contact-properties/\(id)", ["fallback_value": "x"]), 422, "validation_error")
        #expect(h.call(.PATCH, "/contact-properties/\(id)", ["fallback_value": 18]).status == 200)
        #expect(h.call(.GET, "/contact-properties").json["data"]?[0]?["fallback_value"] == 18)
        #expect(h.call(.DELETE, "/contact-properties/\(id)").json["deleted"] == true)
        expectError(
            h.call(.POST, "/contact-properties", ["key": "bad key", "type": "string"]),
            422,
            "validation_error"
        )
    }
}
