// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@Suite struct InvitationTests {
    @Test func inviteResendListShowDelete() throws {
        let c = try Client()
        let r = c.send(
            .POST,
            "/flows/acme/my-flow/invitations",
            json: ["email": "lorraine@example.com", "message": "Join!"]
        )
        #expect(r.status == 201)
        #expect(r.json["state"] == "pending")
        #expect(r.json["flow"] == "acme/my-flow")
        let id = r.json["id"]?.intValue ?? 0
        #expect(r.json["url"]?.stringValue == "https://api.flowdock.com/flows/acme/my-flow/invitations/\(id)")
        // The same email again resends the same invitation.
        #expect(
            c.send(.POST, "/flows/acme/my-flow/invitations", form: "email=LORRAINE%40example.com").json["id"]?.intValue
                == id
        )
        #expect(c.send(.GET, "/flows/acme/my-flow/invitations").json.arrayValue?.count == 2)
        #expect(c.send(.GET, "/flows/acme/my-flow/invitations/\(id)").json["email"] == "lorraine@example.com")
        #expect(c.send(.DELETE, "/flows/acme/my-flow/invitations/\(id)").status == 204)
        #expect(c.send(.GET, "/flows/acme/my-flow/invitations/\(id)").status == 404)
        #expect(
            c.send(.POST, "/flows/acme/my-flow/invitations", json: ["email": "nope"]).json["errors"]?["email"] == [
                "is invalid"
            ]
        )
        #expect(
            c.send(.POST, "/flows/acme/my-flow/invitations", json: [:]).json["errors"]?["email"] == ["can't be blank"]
        )
    }

    @Test func importSplitsAddsAndReportsErrors() throws {
        let c = try Client()
        let list = "\"George McFly\" <george@example.com>\nmarty@example.com, test@, ,"
        let r = c.send(.POST, "/flows/acme/another-flow/invitations/import", json: ["list": .string(list)])
        #expect(r.status == 200)
        #expect(r.json["invitations"]?.arrayValue?.map { $0["email"] } == ["george@example.com"])
        #expect(r.json["added_users"]?.arrayValue?.map { $0["id"] } == [2])
        #expect(r.json["erroneous_emails"] == [["test@": "Invalid email"]])
        #expect(c.send(.GET, "/flows", token: Token.marty).json.arrayValue?.count == 2)
    }
}
