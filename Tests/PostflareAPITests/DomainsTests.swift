// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import MailDoubleTesting
import Testing

@testable import PostflareAPI

@Suite struct DomainsTests {
    @Test(arguments: TestMode.allCases)
    func createVerifyAndSend(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let created = h.call(.POST, "/domains", ["name": "mail.acme.org", "region": "eu-west-1"])
            #expect(created.status == 201)
            #expect(created.json["status"] == "not_started")
            #expect(created.json["records"]?.arrayValue?.count == 3)
            #expect(created.json["records"]?[0]?["value"] == "feedback-smtp.eu-west-1.amazonses.com")
            let id = try #require(created.id)
            expectError(h.call(.POST, "/emails", Harness.email(["from": "a@mail.acme.org"])), 403, "validation_error")
            #expect(h.call(.POST, "/domains/\(id)/verify").json == ["object": "domain", "id": .string(id)])
            #expect(h.call(.GET, "/domains/\(id)").json["status"] == "pending")
            h.clock.advance(bySeconds: 5)
            let got = h.call(.GET, "/domains/\(id)")
            #expect(got.json["status"] == "verified")
            #expect(got.json["records"]?[2]?["status"] == "verified")
            #expect(h.call(.POST, "/emails", Harness.email(["from": "a@mail.acme.org"])).status == 200)
        }
    }

    @Test func listUpdateDelete() throws {
        let h = try Harness()
        let list = h.call(.GET, "/domains")
        #expect(list.json["data"]?[0]?["name"] == "example.org")
        #expect(list.json["data"]?[0]?["records"] == nil)
        #expect(h.call(.PATCH, "/domains/\(domainId)", ["open_tracking": true, "id": .string(domainId)]).status == 200)
        #expect(h.call(.GET, "/domains/\(domainId)").json["open_tracking"] == true)
        #expect(h.call(.DELETE, "/domains/\(domainId)").json["deleted"] == true)
        expectError(h.call(.GET, "/domains/\(domainId)"), 404, "not_found")
    }

    @Test func validation() throws {
        let h = try Harness()
        expectError(h.call(.POST, "/domains", [:]), 422, "missing_required_field")
        expectError(h.call(.POST, "/domains", ["name": "x.org", "region": "mars-1"]), 422, "invalid_region")
        expectError(h.call(.POST, "/domains", ["name": "nodot"]), 422, "validation_error")
        expectError(
            h.call(
                .POST,
                "/domains",
                ["name": "y.org", "capabilities": ["sending": "disabled", "receiving": "disabled"]]
            ),
            422,
            "validation_error"
        )
    }
}

@Suite struct DomainClaimsTests {
    @Test func claimAndVerify() throws {
        let h = try Harness()
        let c = h.call(.POST, "/domains/claim", ["name": "taken.org"])
        #expect(c.status == 201)
        #expect(c.json["object"] == "domain_claim")
        #expect(c.json["status"] == "pending")
        #expect(c.json["record"]?["value"]?.stringValue?.hasPrefix("resend-domain-verification=") == true)
        let again = h.call(.POST, "/domains/claim", ["name": "taken.org"])
        #expect(again.status == 200)
        #expect(again.id == c.id)
        let domain = try #require(c.json["domain_id"]?.stringValue)
        #expect(h.call(.GET, "/domains/\(domain)/claim").id == c.id)
        #expect(h.call(.POST, "/domains/\(domain)/claim/verify").json["status"] == "completed")
        h.clock.advance(bySeconds: 5)
        #expect(h.call(.GET, "/domains/\(domain)").json["status"] == "verified")
        expectError(h.call(.GET, "/domains/\(domainId)/claim"), 404, "not_found")
    }
}
