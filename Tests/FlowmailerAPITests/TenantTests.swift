// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import FlowmailerAPI

@Suite struct TenantTests {
    /// The default fixtures plus an empty account 546 with its own credential.
    func twoAccounts() throws -> Harness {
        var fixtures = try defaultFixtures()
        var accounts = fixtures["accounts"]?.arrayValue ?? []
        accounts.append([
            "id": "546", "description": "other",
            "credentials": [
                ["id": "9001", "clientId": "other", "clientSecret": "other-secret", "roles": ["ROLE_ADMIN"]]
            ],
            "sources": [["id": "9100", "description": "other source", "type": "API"]],
        ])
        fixtures["accounts"] = .array(accounts)
        return try Harness(fixtures: fixtures)
    }

    @Test func accountsSeeOnlyTheirOwnData() throws {
        let h = try twoAccounts()
        let mine = try h.token()
        let other = try h.token("other", "other-secret")
        let id = try h.submit(token: other, account: "546")
        let otherList = h.api(.GET, "/546/messages", token: other, headers: [("Range", "items=:10")])
        #expect(otherList.json.arrayValue?.map { $0["id"] } == [.string(id)])
        #expect(otherList.json[0]?["source"] == ["id": "9100", "description": "other source"])
        let myList = h.api(.GET, "/545/messages", token: mine, headers: [("Range", "items=:10")])
        #expect(myList.json.arrayValue?.count == 3)
        #expect(h.api(.GET, "/545/messages/\(id)", token: mine).status == .notFound)
        #expect(h.api(.GET, "/546/messages/\(id)", token: mine).status == .forbidden)
        #expect(h.api(.GET, "/546/flows", token: other).json == [])
        #expect(h.api(.GET, "/545/flows", token: other).status == .forbidden)
    }

    @Test func resetRestoresTheFixtures() throws {
        let h = try Harness()
        let token = try h.token()
        let id = try h.submit(token: token)
        #expect(h.api(.DELETE, "/545/flows/16801", token: token).status == .ok)
        h.api.reset()
        #expect(h.api(.GET, "/545/flows", token: token).status == .unauthorized)  // tokens are dropped
        let fresh = try h.token()
        #expect(h.api(.GET, "/545/messages/\(id)", token: fresh).status == .notFound)
        #expect(h.api(.GET, "/545/flows/16801", token: fresh).status == .ok)
    }
}
