// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import FlowmailerAPI

/// Provisioned tenants: a numeric account copied from the fixture account, with its own client credential.
@Suite struct ProvisionTests {
    struct Made {
        var account: String
        var clientId: String
        var secret: String
    }

    func provision(_ h: Harness, _ name: String) throws -> Made {
        let json = try h.api.provisionTenant(name)
        let account = try #require(json["account_id"]?.stringValue)
        #expect(json["tenant"]?.stringValue == account)
        return Made(
            account: account,
            clientId: try #require(json["client_id"]?.stringValue),
            secret: try #require(json["client_secret"]?.stringValue)
        )
    }

    @Test func aProvisionedAccountSubmitsLikeTheFixtureOne() throws {
        let h = try Harness()
        let made = try provision(h, "ci-a")
        #expect(made.account != "545" && Int(made.account) != nil)
        #expect(h.api.resolveTenant("ci-a") == made.account)
        #expect(h.api.resolveTenant(made.account) == made.account)
        #expect(h.api.provisionedTenants == [ProvisionedTenant(name: "ci-a", tenant: made.account)])
        let token = try h.token(made.clientId, made.secret)
        // The copied flow rule picks the flow, as on the fixture account.
        let id = try h.submit(token: token, account: made.account, extra: #","flowSelector":"flow2""#)
        let shown = h.api(.GET, "/\(made.account)/messages/\(id)", token: token).json
        #expect(shown["flow"]?["id"] == "16814")
        #expect(shown["source"]?["id"] == "6953")
        let listed = h.api(.GET, "/\(made.account)/messages", token: token, headers: [("Range", "items=:10")])
        #expect(listed.json.arrayValue?.map { $0["id"] } == [.string(id)])
        #expect(h.api(.GET, "/545/messages", token: token).status == .forbidden)
        #expect(h.api.inspectMessages(tenant: "545").count == 3)
        #expect(h.api.inspectMessages(tenant: made.account).map(\.id) == [id])
        let auth = Request(method: .GET, target: "/545/flows", headers: ["Authorization": "Bearer \(token)"])
        #expect(h.api.tenant(of: auth) == made.account)
    }

    @Test func aFreeNumericNameIsTheAccountId() throws {
        let h = try Harness()
        #expect(try provision(h, "7777").account == "7777")
        // Not a free number: the next one.
        #expect(try provision(h, "0545").account == "7778")
    }

    @Test func resetKeepsCredentialsAndTokensAndDropsMessages() throws {
        let h = try Harness()
        let made = try provision(h, "ci-a")
        let token = try h.token(made.clientId, made.secret)
        _ = try h.submit(token: token, account: made.account)
        #expect(h.api(.DELETE, "/\(made.account)/flows/16801", token: token).status == .ok)
        #expect(h.api.reset(tenant: made.account))
        #expect(h.api.inspectMessages(tenant: made.account).isEmpty)
        #expect(h.api(.GET, "/\(made.account)/flows/16801", token: token).status == .ok)
        _ = try h.token(made.clientId, made.secret)
        #expect(h.api.inspectMessages(tenant: "545").count == 3)
    }

    @Test func removeAndFullResetDropTheAccount() throws {
        let h = try Harness()
        let a = try provision(h, "ci-a")
        let b = try provision(h, "ci-b")
        let token = try h.token(a.clientId, a.secret)
        #expect(h.api.removeTenant("ci-a"))
        #expect(!h.api.removeTenant("ci-a"))
        #expect(!h.api.removeTenant("545"))
        #expect(h.api.resolveTenant("ci-a") == nil)
        #expect(!h.api.tenants.contains(a.account))
        #expect(h.api(.GET, "/\(a.account)/flows", token: token).status == .unauthorized)
        h.api.reset()
        #expect(h.api.tenants == ["545"])
        #expect(h.api.resolveTenant("ci-b") == nil && h.api.provisionedTenants.isEmpty)
        #expect(h.api.store.credential(clientId: b.clientId) == nil)
    }

    @Test func noFixtureAccountNoTenant() throws {
        let h = try Harness(fixtures: ["accounts": []])
        #expect(throws: VendorError.self) { try h.api.provisionTenant("ci-a") }
        #expect(h.api.tenants.isEmpty)
    }
}

/// A tenant reset swaps the seed in under the lock and frees the old messages on `DeferredRelease`'s worker:
/// the tenant reads as reset as soon as the call returns, and the other tenants keep every message.
@Suite struct ResetIsolationTests {
    @Test func resettingOneAccountLeavesTheOthersAndReadsResetAtOnce() throws {
        let h = try Harness(options: .init(tokenLifetimeSeconds: 3600))
        let a = try ProvisionTests().provision(h, "ci-a")
        let b = try ProvisionTests().provision(h, "ci-b")
        let tokenA = try h.token(a.clientId, a.secret)
        let tokenB = try h.token(b.clientId, b.secret)
        for _ in 0..<20 { _ = try h.submit(token: tokenA, account: a.account) }
        let keptB = try (0..<5).map { _ in try h.submit(token: tokenB, account: b.account) }
        func listed(_ account: String, _ token: String) -> [String] {
            let r = h.api(.GET, "/\(account)/messages", token: token, headers: [("Range", "items=0-100")])
            return r.json.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        }
        #expect(listed(a.account, tokenA).count == 20)
        #expect(h.api.reset(tenant: a.account))
        #expect(listed(a.account, tokenA).isEmpty)
        #expect(listed(b.account, tokenB) == keptB)
        #expect(h.api.forgetMessages(tenant: b.account) == 5)
        #expect(listed(b.account, tokenB).isEmpty)
        #expect(h.api.inspectMessages(tenant: "545").count == 3)
        _ = try h.submit(token: tokenA, account: a.account)
        #expect(DeferredRelease.shared.waitUntilIdle(timeout: 30))
        #expect(listed(a.account, tokenA).count == 1)
        h.api.reset()
        #expect(h.api.inspectMessages(tenant: nil).count == 3)
    }
}
