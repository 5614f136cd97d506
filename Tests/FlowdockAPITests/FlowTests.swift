// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import MailDoubleTesting
import Routing
import Testing

@Suite struct FlowTests {
    func names(_ r: Client.Result) -> [String] {
        (r.json.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
    }

    @Test(arguments: TestMode.allCases)
    func joinedListAndAll(_ mode: TestMode) throws {
        try Client.with(mode) { c in
            // Marty joined acme/my-flow only; another-flow is invitation-only.
            #expect(names(c.send(.GET, "/flows", token: Token.marty)) == ["acme/my-flow"])
            #expect(names(c.send(.GET, "/flows/all", token: Token.marty)) == ["acme/my-flow"])
            let otto = c.send(.GET, "/flows")
            #expect(names(otto).count == 3)
            #expect(otto.json[0]?["users"] == nil)
            #expect(c.send(.GET, "/flows?users=1").json[0]?["users"]?.arrayValue?.count == 2)
            #expect(otto.json[0]?["joined"] == true)
        }
    }

    @Test func allAddsOrganizationFlowsNotJoined() throws {
        let c = try Client()
        // Marty leaves nothing, but a new organization-access flow in acme that Marty has not joined shows in /all.
        let created = c.send(.POST, "/flows/acme", json: ["name": "Open Space"])
        #expect(created.status == 201)
        #expect(created.json["access_mode"] == "invitation")
        #expect(created.json["users"]?.arrayValue?.map { $0["id"] } == [1])
        #expect(created.json["parameterized_name"] == "open-space")
        let path = "/flows/acme/open-space"
        #expect(c.send(.PUT, path, json: ["access_mode": "organization"]).status == 200)
        let all = c.send(.GET, "/flows/all", token: Token.marty)
        #expect(names(all).count == 2)
        let open = all.json.arrayValue?.first { $0["parameterized_name"] == "open-space" }
        #expect(open?["joined"] == false)
        #expect(open?["open"] == false)
        #expect(open?["join_url"] != nil)
        #expect(names(c.send(.GET, "/flows", token: Token.marty)) == ["acme/my-flow"])
    }

    @Test func singleFlowHasUsersAndDocumentedFields() throws {
        let c = try Client()
        let f = c.send(.GET, "/flows/acme/my-flow").json
        for field in [
            "id", "name", "parameterized_name", "organization", "unread_mentions", "open", "joined", "url",
            "web_url", "join_url", "access_mode", "users",
        ] {
            #expect(f[field] != nil, "missing \(field)")
        }
        #expect(f["organization"]?["parameterized_name"] == "acme")
        #expect(f["users"]?[0]?["nick"] == "Otto")
        for field in ["status", "disabled", "last_activity", "last_ping"] { #expect(f["users"]?[0]?[field] != nil) }
        #expect(c.send(.GET, "/flows/find?id=acme%2Fmy-flow").json["users"]?.arrayValue?.count == 2)
        #expect(c.send(.GET, "/flows/find").status == 400)
        #expect(c.send(.GET, "/flows/find?id=nope").status == 404)
        #expect(c.send(.GET, "/flows/acme/another-flow").json["join_url"] == nil)  // invitation-only
    }

    @Test(arguments: TestMode.allCases)
    func createValidation(_ mode: TestMode) throws {
        try Client.with(mode) { c in
            #expect(c.send(.POST, "/flows/acme", json: [:]).json["errors"]?["name"] == ["can't be blank"])
            let longName: JSON = .string(String(repeating: "n", count: 101))
            #expect(c.send(.POST, "/flows/acme", json: ["name": longName]).status == 400)
            #expect(c.send(.POST, "/flows/example", json: ["name": "Intrusion"]).status == 404)
            #expect(c.send(.POST, "/flows/acme", form: "name=My+flow").json["parameterized_name"] == "my-flow-2")
        }
    }

    @Test(arguments: TestMode.allCases)
    func updateWithPutAndPatch(_ mode: TestMode) throws {
        try Client.with(mode) { c in
            let put = c.send(.PUT, "/flows/acme/my-flow", json: ["name": "Renamed"])
            #expect(put.status == 200)
            #expect(put.json["name"] == "Renamed")
            #expect(put.json["id"] == "acme/my-flow")
            #expect(put.json["users"] == nil)
            let patch = c.send(.PATCH, "/flows/acme/my-flow", form: "open=false")
            #expect(patch.json["open"] == false)
            #expect(c.send(.PUT, "/flows/acme/my-flow", token: Token.marty, json: ["disabled": true]).status == 403)
            #expect(c.send(.PUT, "/flows/acme/my-flow", json: ["access_mode": "public"]).status == 400)
            #expect(c.send(.PUT, "/flows/acme/my-flow", json: ["disabled": true]).json["disabled"] == true)
        }
    }

    @Test func tenantIsolation() throws {
        let c = try Client()
        // Jackie (example only) sees none of acme's or organization's flows, messages or users.
        let jackie = Client.basic("jackie@example.com", "p@ss:wörd")
        #expect(names(c.send(.GET, "/flows", authorization: jackie)) == ["2f1d0c4e-6b0e-4b54-8c3a-5e9f6d7a8b02"])
        #expect(c.send(.GET, "/flows/acme/my-flow", authorization: jackie).status == 404)
        #expect(c.send(.GET, "/flows/acme/my-flow/messages", authorization: jackie).status == 404)
        #expect(
            c.send(
                .POST,
                "/flows/acme/my-flow/messages",
                authorization: jackie,
                json: ["event": "message", "content": "x"]
            ).status == 404
        )
        #expect(c.send(.GET, "/flows/find?id=acme%2Fmy-flow", authorization: jackie).status == 404)
        #expect(c.send(.GET, "/users/1", authorization: jackie).status == 404)
        // Otto belongs to acme and organization, not example.
        #expect(c.send(.GET, "/flows/example/main").status == 404)
        #expect(c.send(.GET, "/organizations/example").status == 404)
        // Marty is in acme but not in the invitation-only another-flow.
        #expect(c.send(.GET, "/flows/acme/another-flow/messages", token: Token.marty).status == 404)
    }

    @Test(arguments: TestMode.allCases)
    func unknownRoutesAndMethods(_ mode: TestMode) throws {
        try Client.with(mode) { c in
            let missing = c.send(.GET, "/flows/acme/my-flow/nothing")
            #expect(missing.status == 404)
            #expect(missing.json["message"] == "Not found")
            let method = c.send(.DELETE, "/flows/acme/my-flow")
            #expect(method.status == 405)
            #expect(method.header("Allow")?.contains("PUT") == true)
            #expect(c.router.claims(Request(method: .GET, target: "/private/x")))
            #expect(c.router.claims(Request(method: .GET, target: "/x", headers: ["Host": "api.flowdock.com"])))
            #expect(!c.router.claims(Request(method: .GET, target: "/emails")))
        }
    }
}

@Suite struct FlowLinksTests {
    @Test func realLinksShape() throws {
        let c = try Client()
        let links = c.send(.GET, "/flows/acme/my-flow").json["_links"]
        #expect(links?["self"]?["methods"] == ["GET", "PUT"])
        #expect(links?["chat_messages"]?["href"] == "https://api.flowdock.com/flows/acme/my-flow/messages?app=chat")
        // Absolute URLs follow the request's scheme and Host.
        let local = c.router.respond(
            to: Request(
                method: .GET,
                target: "/flows/acme/my-flow",
                headers: ["Host": "localhost:8443", "Authorization": Client.basic(Token.otto)],
                isSecure: true
            )
        )
        let json = try JSON.parse(local.body)
        #expect(json["url"] == "https://localhost:8443/flows/acme/my-flow")
    }
}
