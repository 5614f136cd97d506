// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import PostflareAPI

@Suite struct WebhooksTests {
    @Test func crud() throws {
        let h = try Harness()
        let created = h.call(.POST, "/webhooks", ["endpoint": "https://hooks.example.org/x", "events": ["email.sent"]])
        #expect(created.status == 201)
        let secret = try #require(created.json["signing_secret"]?.stringValue)
        #expect(secret.hasPrefix("whsec_"))
        #expect(secret.count == 6 + 32)
        let id = try #require(created.id)
        #expect(h.call(.GET, "/webhooks/\(id)").json["signing_secret"]?.stringValue == secret)
        #expect(h.call(.GET, "/webhooks").json["data"]?.arrayValue?.count == 2)
        #expect(h.call(.PATCH, "/webhooks/\(id)", ["status": "disabled", "webhook_id": .string(id)]).status == 200)
        #expect(h.call(.GET, "/webhooks/\(id)").json["status"] == "disabled")
        let rotated = h.call(.POST, "/webhooks/\(id)/signing-secret/rotate")
        #expect(rotated.json["signing_secret"]?.stringValue != secret)
        #expect(h.call(.GET, "/webhooks/\(id)").json["signing_secret"] == rotated.json["signing_secret"])
        #expect(h.call(.DELETE, "/webhooks/\(id)").json["deleted"] == true)
        expectError(h.call(.GET, "/webhooks/\(id)"), 404, "not_found")
    }

    @Test func validation() throws {
        let h = try Harness()
        expectError(h.call(.POST, "/webhooks", ["events": ["email.sent"]]), 422, "missing_required_field")
        expectError(
            h.call(.POST, "/webhooks", ["endpoint": "ftp://x", "events": ["email.sent"]]),
            422,
            "validation_error"
        )
        expectError(
            h.call(.POST, "/webhooks", ["endpoint": "https://x.org", "events": ["email.nope"]]),
            422,
            "validation_error"
        )
        expectError(h.call(.POST, "/webhooks", ["endpoint": "https://x.org", "events": []]), 422, "validation_error")
    }

    @Test func base64MatchesRFC4648() {
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
        #expect(Base64.encode(Array("f".utf8)) == "Zg==")
    }
}
