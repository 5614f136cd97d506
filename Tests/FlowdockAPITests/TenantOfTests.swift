// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import FlowdockAPI

/// `Vendor.tenant(of:)`: the organization a request acts in, from its path or its credentials.
@Suite struct TenantOfTests {
    func request(
        method: HTTPMethod = .GET,
        _ target: String,
        authorization: String? = nil,
        json: JSON? = nil
    ) -> Request {
        var headers = HTTPHeaders()
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        if json != nil { headers.add(name: "Content-Type", value: "application/json") }
        return Request(method: method, target: target, headers: headers, body: json?.serialized() ?? [])
    }

    @Test func organizationInThePathWins() throws {
        let api = try Client().api
        let doc = Client.basic(Token.doc)
        #expect(api.tenant(of: request("/flows/acme/my-flow/messages", authorization: doc)) == "acme")
        #expect(api.tenant(of: request("/v1/flows/example/main")) == "example")
        #expect(api.tenant(of: request("/organizations/organization/users")) == "organization")
        #expect(api.tenant(of: request("/flows/acme")) == "acme")
        // Unknown organizations and the literal routes fall through to the credentials.
        #expect(api.tenant(of: request("/flows/nope/main", authorization: doc)) == "organization")
        #expect(api.tenant(of: request("/flows/all", authorization: doc)) == "organization")
        #expect(api.tenant(of: request("/flows/nope/main")) == nil)
    }

    @Test func usersFirstOrganization() throws {
        let api = try Client().api
        #expect(api.tenant(of: request("/flows", authorization: Client.basic(Token.otto))) == "acme")
        #expect(api.tenant(of: request("/user", authorization: "Bearer \(Token.doc)")) == "organization")
        #expect(api.tenant(of: request("/private?access_token=\(Token.marty)")) == "acme")
        let jackie = Client.basic("jackie@example.com", "p@ss:w\u{f6}rd")
        #expect(api.tenant(of: request("/flows", authorization: jackie)) == "example")
        #expect(api.tenant(of: request("/flows", authorization: Client.basic("jackie@example.com", "bad"))) == nil)
        #expect(api.tenant(of: request("/flows", authorization: Client.basic("nobody"))) == nil)
        #expect(api.tenant(of: request("/flows", authorization: "Digest x")) == nil)
    }

    @Test func flowTokensAndPushTokensNameTheirFlowsOrganization() throws {
        let api = try Client().api
        #expect(api.tenant(of: request(method: .POST, "/messages?flow_token=\(Token.flow)")) == "acme")
        let body: JSON = ["flow_token": .string(Token.flow), "event": "message", "content": "x"]
        #expect(api.tenant(of: request(method: .POST, "/messages", json: body)) == "acme")
        #expect(api.tenant(of: request(method: .POST, "/messages?flow_token=nope")) == nil)
        #expect(api.tenant(of: request(method: .POST, "/v1/messages/chat/maildouble-push-token-my-flow")) == "acme")
        #expect(
            api.tenant(of: request(method: .POST, "/messages/team_inbox/maildouble-push-token-another-flow,x"))
                == "acme"
        )
        #expect(api.tenant(of: request(method: .POST, "/messages/chat/unknown")) == nil)
    }

    @Test func tenantMatchesTheTenantsList() throws {
        let api = try Client().api
        let named = api.tenant(of: request("/flows", authorization: Client.basic(Token.otto)))
        #expect(api.tenants.contains(try #require(named)))
    }
}
