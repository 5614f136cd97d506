// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@Suite struct SourceTests {
    @Test func createShowsTheTokenOnce() throws {
        let c = try Client()
        let r = c.send(
            .POST,
            "/flows/acme/my-flow/sources",
            json: ["name": "Deploys", "external_url": "https://deploy.example"]
        )
        #expect(r.status == 201)
        let token = r.json["flow_token"]?.stringValue ?? ""
        #expect(token.count == 32)
        for field in [
            "id", "name", "url", "external_url", "created_at", "updated_at", "_links", "application", "creator",
        ] {
            #expect(r.json[field] != nil, "missing \(field)")
        }
        let id = r.json["id"]?.intValue ?? 0
        #expect(r.json["url"]?.stringValue == "https://api.flowdock.com/flows/acme/my-flow/sources/\(id)")
        let shown = c.send(.GET, "/flows/acme/my-flow/sources/\(id)").json
        #expect(shown["flow_token"] == nil)
        #expect(shown["name"] == "Deploys")
        #expect(c.send(.POST, "/flows/acme/my-flow/sources", json: [:]).json["errors"]?["name"] == ["can't be blank"])
        // The new token posts into the flow.
        let post = c.send(
            .POST,
            "/messages",
            authorization: "",
            form: "flow_token=\(token)&event=message&content=deployed"
        )
        #expect(post.status == 201)
    }

    @Test func listingByUserAndByToken() throws {
        let c = try Client()
        #expect(c.send(.GET, "/sources").json.arrayValue?.count == 1)
        #expect(c.send(.GET, "/sources", token: Token.doc).json == [])
        #expect(c.send(.GET, "/sources?flow_token=\(Token.flow)", authorization: "").json[0]?["id"] == 1)
        #expect(c.send(.GET, "/flows/acme/my-flow/sources").json.arrayValue?.count == 1)
        #expect(c.send(.GET, "/flows/acme/another-flow/sources").json == [])
    }

    @Test func updateByIdAndByToken() throws {
        let c = try Client()
        let r = c.send(
            .PUT,
            "/flows/acme/my-flow/sources/1",
            json: ["error_message": "broken", "configuration_url": "https://cfg"]
        )
        #expect(r.status == 200)
        #expect(r.json["error_message"] == "broken")
        let byToken = c.send(.PATCH, "/sources", authorization: "", form: "flow_token=\(Token.flow)&error_message=")
        #expect(byToken.status == 200)
        #expect(byToken.json["error_message"] == "")
        #expect(c.send(.PUT, "/sources", json: [:]).status == 400)  // a user without flow_token
    }

    @Test func deleteInvalidatesTheToken() throws {
        let c = try Client()
        #expect(c.send(.DELETE, "/flows/acme/my-flow/sources/1", token: Token.marty).status == 204)
        #expect(c.send(.GET, "/flows/acme/my-flow/sources/1").status == 404)
        #expect(c.send(.GET, "/sources?flow_token=\(Token.flow)", authorization: "").status == 410)
    }
}
