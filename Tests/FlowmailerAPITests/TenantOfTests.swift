// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import FlowmailerAPI

/// `Vendor.tenant(of:)`: the account a request acts in, from its token, its path or its OAuth client.
@Suite struct TenantOfTests {
    func request(
        method: HTTPMethod = .GET,
        _ target: String,
        headers: [(String, String)] = [],
        body: String = ""
    ) -> Request {
        Request(method: method, target: target, headers: HTTPHeaders(headers), body: Array(body.utf8))
    }

    @Test func pathAccountWhenItExists() throws {
        let h = try Harness()
        #expect(h.api.tenant(of: request(method: .POST, "/545/messages/submit")) == "545")
        #expect(h.api.tenant(of: request("/545/messages;daterange=2024-01-01T00:00:00Z,2025-01-01T00:00:00Z")) == "545")
        #expect(h.api.tenant(of: request("/999/messages")) == nil)
        #expect(h.api.tenant(of: request("/emails")) == nil)
        #expect(h.api.tenant(of: request("/")) == nil)
    }

    @Test func tokenAccountWinsOverThePath() throws {
        let h = try Harness()
        let token = try h.token()
        let auth = [("Authorization", "Bearer \(token)")]
        #expect(h.api.tenant(of: request("/546/messages", headers: auth)) == "545")
        #expect(h.api.tenant(of: request("/accounts", headers: auth)) == "545")
        // Expired tokens still name their account; unknown ones fall back to the path.
        h.clock.advance(bySeconds: 3600)
        #expect(h.api.tenant(of: request("/546/messages", headers: auth)) == "545")
        #expect(h.api.tenant(of: request("/545/flows", headers: [("Authorization", "Bearer nope")])) == "545")
    }

    @Test func oauthTokenRequestsNameTheClientsAccount() throws {
        let h = try Harness()
        let form = [("Content-Type", "application/x-www-form-urlencoded")]
        let body = "client_id=maildouble-submit&client_secret=wrong&grant_type=client_credentials"
        #expect(h.api.tenant(of: request(method: .POST, "/oauth/token", headers: form, body: body)) == "545")
        #expect(h.api.tenant(of: request(method: .POST, "/oauth/token?client_id=maildouble")) == "545")
        let basic = "Basic " + Base64.encode(Array("maildouble:x".utf8))
        #expect(h.api.tenant(of: request(method: .POST, "/oauth/token", headers: [("Authorization", basic)])) == "545")
        #expect(
            h.api.tenant(of: request(method: .POST, "/oauth/token", headers: form, body: "client_id=nobody")) == nil
        )
        #expect(h.api.tenant(of: request(method: .POST, "/oauth/token")) == nil)
        // No side effect: asking issued no token, so the fixture client still logs in as usual.
        _ = try h.token("maildouble-submit", "maildouble-submit-secret")
    }

    @Test func clientHintFollowsACredentialThatMoves() throws {
        let h = try Harness()
        #expect(h.api.store.credential(clientId: "maildouble")?.account == "545")
        // The account goes: the hint is stale and the client unknown.
        h.api.store.replace(account: "545", with: nil)
        #expect(h.api.store.credential(clientId: "maildouble") == nil)
        h.api.reset()
        #expect(h.api.store.credential(clientId: "maildouble")?.account == "545")
    }
}
