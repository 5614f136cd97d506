// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import FlowdockAPI

/// Provisioned tenants: an organization named after the tenant, with one flow, one source and one user.
@Suite struct ProvisionTests {
    struct Made {
        var userToken: String
        var flowToken: String
        var flow: String
    }

    func provision(_ c: Client, _ name: String) throws -> Made {
        let json = try c.api.provisionTenant(name)
        #expect(json["tenant"]?.stringValue == name)
        #expect(json["organization"]?.stringValue == name)
        return Made(
            userToken: try #require(json["user_token"]?.stringValue),
            flowToken: try #require(json["flow_token"]?.stringValue),
            flow: try #require(json["flow"]?.stringValue)
        )
    }

    @Test func theUserPostsInItsOwnFlowOnly() throws {
        let c = try Client()
        let a = try provision(c, "ci-a")
        #expect(a.flow == "my-flow")
        let flows = c.send(.GET, "/flows", token: a.userToken).json.arrayValue ?? []
        #expect(flows.map { $0["organization"]?["parameterized_name"] } == ["ci-a"])
        let path = "/flows/ci-a/my-flow/messages"
        #expect(c.send(.POST, path, token: a.userToken, json: ["event": "message", "content": "hi"]).status == 201)
        let bySource = c.send(
            .POST,
            "/messages",
            authorization: "",
            form: "flow_token=\(a.flowToken)&event=message&content=deployed"
        )
        #expect(bySource.status == 201)
        #expect(c.send(.GET, path, token: a.userToken).json.arrayValue?.count == 2)
        // Neither side sees the other's flows.
        #expect(c.send(.GET, path, token: Token.otto).status == 404)
        #expect(c.send(.GET, "/flows/acme/my-flow/messages", token: a.userToken).status == 404)
        #expect(c.send(.GET, "/organizations/acme", token: a.userToken).status == 404)
        let inspected = c.api.inspectMessages(tenant: "ci-a")
        #expect(inspected.count == 2 && inspected.allSatisfy { $0.tenant == "ci-a" })
        #expect(c.api.inspectMessage(id: try #require(inspected.first?.id))?.tenant == "ci-a")
        #expect(!c.api.inspectMessages(tenant: "acme").contains { $0.tenant == "ci-a" })
        let request = Request(method: .GET, target: "/flows", headers: ["Authorization": "Bearer \(a.userToken)"])
        #expect(c.api.tenant(of: request) == "ci-a")
        #expect(c.api.tenants.last == "ci-a")
    }

    @Test func resetKeepsTheUserAndTheSourceAndDropsTheMessages() throws {
        let c = try Client()
        let a = try provision(c, "ci-a")
        let path = "/flows/ci-a/my-flow/messages"
        #expect(c.send(.POST, path, token: a.userToken, json: ["event": "message", "content": "hi"]).status == 201)
        #expect(c.api.reset(tenant: "ci-a"))
        #expect(c.send(.GET, path, token: a.userToken).json == [])
        let again = c.send(
            .POST,
            "/messages",
            authorization: "",
            form: "flow_token=\(a.flowToken)&event=message&content=x"
        )
        #expect(again.status == 201)
    }

    @Test func removeAndFullResetDropTheOrganization() throws {
        let c = try Client()
        let a = try provision(c, "ci-a")
        let b = try provision(c, "ci-b")
        #expect(c.api.removeTenant("ci-a"))
        #expect(!c.api.removeTenant("ci-a") && !c.api.removeTenant("acme"))
        #expect(c.send(.GET, "/flows", token: a.userToken).status == 401)
        #expect(c.api.resolveTenant("ci-a") == nil && c.api.resolveTenant("ci-b") == "ci-b")
        c.api.reset()
        #expect(c.api.tenants == ["acme", "example", "organization"])
        #expect(c.send(.GET, "/flows", token: b.userToken).status == 401)
        #expect(c.send(.GET, "/flows", token: Token.otto).status == 200)
    }
}

/// A tenant reset swaps the seed in under the lock and frees the old messages and threads on
/// `DeferredRelease`'s worker: the organization reads as reset at once, the others keep everything.
@Suite struct ResetIsolationTests {
    @Test func resettingOneOrganizationLeavesTheOthersAndReadsResetAtOnce() throws {
        let c = try Client()
        let a = try ProvisionTests().provision(c, "ci-a")
        let b = try ProvisionTests().provision(c, "ci-b")
        let pathA = "/flows/ci-a/my-flow/messages"
        let pathB = "/flows/ci-b/my-flow/messages"
        for i in 0..<20 {
            _ = c.send(.POST, pathA, token: a.userToken, json: ["event": "message", "content": .string("a \(i)")])
        }
        for i in 0..<4 {
            _ = c.send(.POST, pathB, token: b.userToken, json: ["event": "message", "content": .string("b \(i)")])
        }
        let acme = c.send(.GET, "/flows/acme/my-flow/messages?limit=100").json
        let inspectedB = c.api.inspectMessages(tenant: "ci-b").count
        #expect(c.send(.GET, pathA + "?limit=100", token: a.userToken).json.arrayValue?.count == 20)
        #expect(c.api.reset(tenant: "ci-a"))
        #expect(c.send(.GET, pathA, token: a.userToken).json == [])
        #expect(c.send(.GET, pathB + "?limit=100", token: b.userToken).json.arrayValue?.count == 4)
        #expect(c.api.inspectMessages(tenant: "ci-b").count == inspectedB)
        #expect(c.api.forgetMessages(tenant: "ci-b") == 4)
        #expect(c.send(.GET, pathB, token: b.userToken).json == [])
        #expect(c.send(.GET, "/flows/acme/my-flow/messages?limit=100").json == acme)
        #expect(DeferredRelease.shared.waitUntilIdle(timeout: 30))
        #expect(c.send(.GET, "/flows/acme/my-flow/messages?limit=100").json == acme)
        let again = c.send(.POST, pathA, token: a.userToken, json: ["event": "message", "content": "again"])
        #expect(again.json["id"]?.intValue == 1)
    }
}
