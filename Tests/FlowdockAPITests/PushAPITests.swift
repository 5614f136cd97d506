// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@Suite struct PushAPITests {
    @Test func chatToSeveralFlows() throws {
        let c = try Client()
        let r = c.send(
            .POST,
            "/v1/messages/chat/maildouble-push-token-my-flow,maildouble-push-token-another-flow",
            authorization: "",
            form: "content=Build+done&external_user_name=CI&tags=cool,stuff"
        )
        #expect(r.status == 200)
        #expect(r.json == .object([:]))
        let last = c.send(.GET, "/flows/acme/another-flow/messages").json[0]
        #expect(last?["content"] == "Build done")
        #expect(last?["user"] == "0")
        #expect(last?["external_user_name"] == "CI")
        #expect(last?["tags"] == ["cool", "stuff"])
        #expect(c.send(.GET, "/flows/acme/my-flow/messages?limit=1").json[0]?["content"] == "Build done")
    }

    @Test func chatValidation() throws {
        let c = try Client()
        let r = c.send(
            .POST,
            "/v1/messages/chat/maildouble-push-token-my-flow",
            authorization: "",
            json: ["content": "x", "external_user_name": "has space"]
        )
        #expect(r.json["errors"]?["external_user_name"] == ["should not contain whitespace"])
        #expect(
            c.send(
                .POST,
                "/v1/messages/chat/maildouble-push-token-my-flow",
                authorization: "",
                json: ["content": "x"]
            ).status == 400
        )
        #expect(
            c.send(
                .POST,
                "/v1/messages/chat/unknown",
                authorization: "",
                json: ["content": "x", "external_user_name": "CI"]
            ).status == 404
        )
    }

    @Test func teamInbox() throws {
        let c = try Client()
        let r = c.send(
            .POST,
            "/v1/messages/team_inbox/maildouble-push-token-my-flow",
            authorization: "",
            json: [
                "source": "My App", "from_address": "app@example.com", "subject": "Hello", "content": "<b>Hi</b>",
            ]
        )
        #expect(r.status == 200)
        let item = c.send(.GET, "/flows/acme/my-flow/messages?event=mail").json[0]
        #expect(item?["app"] == "influx")
        #expect(item?["content"]?["subject"] == "Hello")
        #expect(item?["tags"] == [":source:my_app"])
        let missing = c.send(
            .POST,
            "/v1/messages/team_inbox/maildouble-push-token-my-flow",
            authorization: "",
            json: [:]
        )
        #expect(missing.json["errors"]?.objectValue?.count == 4)
    }

    @Test func joinURLAndAPIToken() throws {
        let c = try Client()
        let url = c.send(.GET, "/flows/acme/my-flow/join_url").json["join_url"]?.stringValue ?? ""
        #expect(url.hasSuffix("-my-flow"))
        let renewed = c.send(.POST, "/flows/acme/my-flow/join_url")
        #expect(renewed.status == 201)
        #expect(renewed.json["join_url"]?.stringValue != url)
        #expect(c.send(.GET, "/flows/acme/another-flow/join_url").json["join_url"] == .null)
        let token = c.send(.POST, "/flows/acme/my-flow/api_token").json["api_token"]?.stringValue ?? ""
        #expect(c.send(.GET, "/flows/acme/my-flow").json["api_token"]?.stringValue == token)
        #expect(c.send(.GET, "/organizations/acme/emoji").json == [])
    }
}
