// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import PostflareAPI

/// Provisioned tenants: a team named after the tenant, with two keys and a verified domain of its own.
@Suite struct ProvisionTests {
    func provision(_ h: Harness, _ name: String) throws -> (full: String, send: String, domain: String) {
        let json = try h.api.provisionTenant(name)
        #expect(json["tenant"]?.stringValue == name)
        #expect(json["team_id"]?.stringValue == name)
        return (
            try #require(json["api_key"]?.stringValue), try #require(json["sending_api_key"]?.stringValue),
            try #require(json["domain"]?.stringValue)
        )
    }

    @Test func keysDomainsAndIsolation() throws {
        let h = try Harness()
        let a = try provision(h, "ci-a")
        #expect(a.full.hasPrefix("re_") && a.send.hasPrefix("re_") && a.domain == "ci-a.example.test")
        let domains = h.call(.GET, "/domains", key: a.full).json["data"]?.arrayValue ?? []
        #expect(Set(domains.compactMap { $0["name"]?.stringValue }) == ["example.org", "ci-a.example.test"])
        #expect(domains.allSatisfy { $0["status"] == "verified" })
        // The sending key sends from its own domain and from the template's, and may do nothing else.
        let mine = h.call(.POST, "/emails", Harness.email(["from": "App <app@ci-a.example.test>"]), key: a.send)
        #expect(mine.status == 200)
        #expect(h.call(.POST, "/emails", Harness.email(), key: a.send).status == 200)
        #expect(h.call(.GET, "/emails", key: a.send).status == 401)
        let listed = h.call(.GET, "/emails", key: a.full).json["data"]?.arrayValue ?? []
        #expect(listed.count == 2)
        #expect(h.call(.GET, "/emails/\(try #require(mine.id))", key: fullKey).status == 404)
        #expect(h.call(.GET, "/emails", key: fullKey).json["data"]?.arrayValue?.isEmpty == true)
        #expect(h.call(.GET, "/webhooks", key: a.full).json["data"]?.arrayValue?.isEmpty == true)
        #expect(h.api.inspectMessages(tenant: "ci-a").count == 2)
        #expect(h.api.inspectMessages(tenant: "team_maildouble").isEmpty)
        #expect(
            h.api.tenant(of: Request(method: .GET, target: "/", headers: ["Authorization": "Bearer \(a.send)"]))
                == "ci-a"
        )
        #expect(h.api.resolveTenant("ci-a") == "ci-a" && h.api.resolveTenant("team_maildouble") == "team_maildouble")
        #expect(h.api.resolveTenant("nope") == nil)
    }

    @Test func resetKeepsTheKeysAndDropsTheEmails() throws {
        let h = try Harness()
        let a = try provision(h, "ci-a")
        #expect(h.call(.POST, "/emails", Harness.email(), key: a.send).status == 200)
        let extra = try #require(h.call(.POST, "/api-keys", ["name": "temp"], key: a.full).json["token"]?.stringValue)
        #expect(h.api.reset(tenant: "ci-a"))
        #expect(h.api.inspectMessages(tenant: "ci-a").isEmpty)
        #expect(h.call(.GET, "/domains", key: a.full).status == 200)
        #expect(h.call(.POST, "/emails", Harness.email(), key: a.send).status == 200)
        #expect(h.call(.GET, "/domains", key: extra).status == 400)
    }

    @Test func removeAndFullResetDropTheTeam() throws {
        let h = try Harness()
        let a = try provision(h, "ci-a")
        let b = try provision(h, "ci-b")
        #expect(h.api.removeTenant("ci-a"))
        #expect(!h.api.removeTenant("ci-a") && !h.api.removeTenant("team_maildouble"))
        #expect(h.call(.GET, "/domains", key: a.full).status == 400)
        #expect(h.api.tenants == ["ci-b", "team_maildouble"])
        h.api.reset()
        #expect(h.api.tenants == ["team_maildouble"] && h.api.provisionedTenants.isEmpty)
        #expect(h.call(.GET, "/domains", key: b.full).status == 400)
    }
}

/// A team reset swaps the seed in under the lock and frees the old e-mails on `DeferredRelease`'s worker:
/// the team reads as reset at once, the other teams keep every e-mail.
@Suite struct ResetIsolationTests {
    @Test func resettingOneTeamLeavesTheOthersAndReadsResetAtOnce() throws {
        let h = try Harness()
        let a = try ProvisionTests().provision(h, "ci-a")
        let b = try ProvisionTests().provision(h, "ci-b")
        for _ in 0..<6 { #expect(h.call(.POST, "/emails", Harness.email(), key: a.send).status == 200) }
        for _ in 0..<3 { #expect(h.call(.POST, "/emails", Harness.email(), key: b.send).status == 200) }
        func listed(_ key: String) -> Int? { h.call(.GET, "/emails", key: key).json["data"]?.arrayValue?.count }
        #expect(listed(a.full) == 6)
        #expect(h.api.reset(tenant: "ci-a"))
        #expect(listed(a.full) == 0)
        #expect(listed(b.full) == 3)
        #expect(h.api.forgetMessages(tenant: "ci-b") == 3)
        #expect(listed(b.full) == 0)
        #expect(h.call(.POST, "/emails", Harness.email(), key: a.send).status == 200)
        #expect(DeferredRelease.shared.waitUntilIdle(timeout: 30))
        #expect(listed(a.full) == 1)
        h.api.reset()
        #expect(h.api.inspectMessages(tenant: nil).isEmpty)
    }
}
