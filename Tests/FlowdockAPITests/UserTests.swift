// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@Suite struct UserTests {
    @Test func currentUserShape() throws {
        let c = try Client()
        #expect(
            c.send(.GET, "/user").json == [
                "id": 1, "nick": "Otto", "email": "otto@example.com", "avatar": nil, "name": "Otto Hilska",
                "website": nil,
            ]
        )
    }

    @Test func visibleUsers() throws {
        let c = try Client()
        // Otto administers acme and organization: everyone there.
        #expect((c.send(.GET, "/users").json.arrayValue ?? []).map { $0["id"] } == [1, 2, 4])
        // Marty shares acme/my-flow with Otto only.
        #expect((c.send(.GET, "/users", token: Token.marty).json.arrayValue ?? []).map { $0["id"] } == [1, 2])
        #expect(c.send(.GET, "/users/2").json["nick"] == "Marty")
        #expect(c.send(.GET, "/users/3").status == 404)  // no shared organization
        #expect(c.send(.GET, "/users/0").status == 404)
    }

    @Test func updateOwnUserOnly() throws {
        let c = try Client()
        #expect(c.send(.PUT, "/users/1", json: ["nick": "Otto2"]).json == .object([:]))
        #expect(c.send(.GET, "/user").json["nick"] == "Otto2")
        #expect(c.send(.PATCH, "/users/1", form: "email=bad").status == 400)
        #expect(c.send(.PUT, "/users/2", json: ["nick": "x"]).status == 403)
    }

    @Test func flowUsersAddAndBlock() throws {
        let c = try Client()
        #expect((c.send(.GET, "/flows/acme/another-flow/users").json.arrayValue ?? []).count == 1)
        #expect(c.send(.POST, "/flows/acme/another-flow/users", json: ["id": 2]).status == 200)
        #expect(c.send(.POST, "/flows/acme/another-flow/users", json: ["id": 3]).status == 400)  // not in acme
        let users = c.send(.GET, "/flows/acme/another-flow/users", token: Token.marty).json.arrayValue ?? []
        #expect(users.map { $0["id"] } == [1, 2])
        #expect(c.send(.PUT, "/flows/acme/my-flow/users/2", json: ["disabled": true]).status == 200)
        let marty = c.send(.GET, "/flows/acme/my-flow/users").json.arrayValue?.first { $0["id"] == 2 }
        #expect(marty?["disabled"] == true)
        // A regular user cannot block an administrator.
        #expect(
            c.send(.PATCH, "/flows/acme/my-flow/users/1", token: Token.marty, json: ["disabled": true]).status == 403
        )
    }

    @Test func organizationUsers() throws {
        let c = try Client()
        let list = c.send(.GET, "/organizations/acme/users").json.arrayValue ?? []
        #expect(list.map { $0["admin"] } == [true, false])
        #expect(c.send(.GET, "/organizations/acme/users/2").json["nick"] == "Marty")
        #expect(c.send(.DELETE, "/organizations/acme/users/1", token: Token.marty).status == 403)
        #expect(c.send(.DELETE, "/organizations/acme/users/2").status == 204)
        #expect(c.send(.GET, "/flows", token: Token.marty).json == [])
        #expect(c.send(.GET, "/organizations/acme/users/2").status == 404)
    }
}
