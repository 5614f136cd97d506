// SPDX-License-Identifier: Apache-2.0
import FlowdockAPI
import HTTPCore
import MailDoubleTesting
import Testing

/// The two examples of the seed document, as written (with the JSON typo fixed, as in the issue).
@Suite struct SeedTests {
    @Test(arguments: TestMode.allCases)
    func postingHiAllToOrganizationMain(_ mode: TestMode) throws {
        try Client.with(mode) { c in
            let r = c.send(
                .POST,
                "/flows/organization/main/messages",
                json: ["event": "message", "content": "Hi all!"]
            )
            #expect(r.status == 201)  // §6.2: the real API answers 201 with the message
            #expect(r.header("Content-Type") == "application/json; charset=utf-8")
            #expect(r.header("Flowdock-User") == "1")
            #expect(r.json["content"] == "Hi all!")
            #expect(r.json["event"] == "message")
            #expect(r.json["user"] == "1")
            #expect(r.json["id"]?.intValue == 2)  // the fixture flow already holds one message
        }
    }

    @Test func listingAnOrganizationsFlows() throws {
        let c = try Client()
        let r = c.send(.GET, "/flows/acme")
        #expect(r.status == 200)
        #expect(r.header("Flowdock-User") == "1")
        let flows = r.json.arrayValue ?? []
        #expect(flows.count == 2)
        #expect(flows[0]["id"] == "acme/my-flow")
        #expect(flows[0]["name"] == "My flow")
        #expect(flows[0]["unread_mentions"] == 0)
        #expect(flows[0]["url"] == "https://api.flowdock.com/flows/acme/my-flow")
        #expect(flows[0]["web_url"] == "https://acme.flowdock.com/flows/my-flow")
        #expect(flows[0]["organization"]?["name"] == "Acme")
        #expect(flows[1]["id"] == "acme/another-flow")
        #expect(flows[1]["web_url"] == "https://acme.flowdock.com/flows/another-flow")
    }

    @Test func anotherUserSeesOnlyTheirOrganizations() throws {
        let c = try Client()
        #expect(c.send(.GET, "/flows/acme", token: Token.doc).status == 404)
        let r = c.send(.GET, "/flows/organization", token: Token.doc)
        #expect(r.json.arrayValue?.map { $0["parameterized_name"] } == ["main"])
    }
}

@Suite struct ResetTests {
    @Test func resetRestoresFixtures() throws {
        let c = try Client()
        c.send(.POST, "/flows/acme/my-flow/messages", json: ["event": "message", "content": "temporary"])
        c.send(.DELETE, "/flows/acme/my-flow/sources/1")
        #expect(c.send(.GET, "/flows/acme/my-flow/messages").json.arrayValue?.count == 5)
        c.api.reset()
        #expect(c.send(.GET, "/flows/acme/my-flow/messages").json.arrayValue?.count == 4)
        #expect(c.send(.GET, "/sources").json.arrayValue?.count == 1)
    }
}
