// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@Suite struct OrganizationTests {
    @Test func listShowFind() throws {
        let c = try Client()
        let list = c.send(.GET, "/organizations").json.arrayValue ?? []
        #expect(list.map { $0["parameterized_name"] } == ["acme", "organization"])
        let acme = c.send(.GET, "/organizations/acme").json
        for field in [
            "id", "parameterized_name", "name", "user_limit", "user_count", "active", "url", "subscription", "users",
        ] {
            #expect(acme[field] != nil, "missing \(field)")
        }
        #expect(acme["user_count"] == 2)
        #expect(acme["url"] == "https://api.flowdock.com/organizations/acme")
        #expect(c.send(.GET, "/organizations/find?id=3").json["name"] == "Organization")
        #expect(c.send(.GET, "/organizations/find?id=2").status == 404)
        #expect(c.send(.GET, "/organizations/find?id=x").status == 400)
    }

    @Test func renameIsForAdmins() throws {
        let c = try Client()
        #expect(c.send(.PUT, "/organizations/acme", token: Token.marty, json: ["name": "Evil"]).status == 403)
        let r = c.send(.PATCH, "/organizations/acme", json: ["name": "Acme Corp"])
        #expect(r.status == 200)
        #expect(r.json["name"] == "Acme Corp")
        #expect(c.send(.GET, "/flows/acme/my-flow").json["organization"]?["name"] == "Acme Corp")
    }
}
