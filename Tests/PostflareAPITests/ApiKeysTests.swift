// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import MailDoubleTesting
import Testing

@testable import PostflareAPI

@Suite struct ApiKeysTests {
    @Test(arguments: TestMode.allCases)
    func crud(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let created = h.call(
                .POST,
                "/api-keys",
                ["name": "", "permission": "sending_access", "domain_id": .string(domainId)]
            )
            #expect(created.status == 201)
            let id = try #require(created.id)
            let list = h.call(.GET, "/api-keys")
            #expect(list.json["data"]?.arrayValue?.count == 3)
            #expect(list.json["data"]?[0]?["token"] == nil)
            #expect(list.json["data"]?[0]?["id"]?.stringValue == id)
            #expect(
                h.call(.PATCH, "/api-keys/\(id)", ["name": "Renamed"]).json == ["object": "api_key", "id": .string(id)]
            )
            expectError(h.call(.DELETE, "/api-keys/\(segmentId)"), 404, "not_found")
            #expect(h.call(.DELETE, "/api-keys/\(id)").json["message"] == nil)
        }
    }

    @Test func permissionIsChecked() throws {
        let h = try Harness()
        expectError(h.call(.POST, "/api-keys", ["name": "x", "permission": "root"]), 422, "invalid_access")
        expectError(h.call(.POST, "/api-keys", ["permission": "full_access"]), 422, "missing_required_field")
    }

    @Test func domainRestrictedKeySendsOnlyFromItsDomain() throws {
        let h = try Harness()
        let d = try #require(h.call(.POST, "/domains", ["name": "other.org"]).id)
        _ = h.call(.POST, "/domains/\(d)/verify")
        h.clock.advance(bySeconds: 5)
        let token = try #require(
            h.call(.POST, "/api-keys", ["name": "k", "permission": "sending_access", "domain_id": .string(domainId)])
                .json["token"]?.stringValue
        )
        #expect(h.call(.POST, "/emails", Harness.email(), key: token).status == 200)
        expectError(
            h.call(.POST, "/emails", Harness.email(["from": "a@other.org"]), key: token),
            403,
            "validation_error"
        )
    }
}
