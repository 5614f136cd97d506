// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@Suite struct PrivateConversationTests {
    @Test func conversationIsCreatedClosedOnFirstLook() throws {
        let c = try Client()
        #expect(c.send(.GET, "/private").json == [])
        let conv = c.send(.GET, "/private/2").json
        #expect(conv["id"] == 2)
        #expect(conv["name"] == "@Marty")
        #expect(conv["open"] == false)
        #expect(conv["url"] == "https://api.flowdock.com/private/2")
        #expect(conv["users"]?.arrayValue?.count == 2)
        #expect(c.send(.GET, "/private").json.arrayValue?.count == 1)
        #expect(c.send(.PUT, "/private/2", json: ["open": true]).json["open"] == true)
        #expect(c.send(.GET, "/private/3").status == 404)  // no shared organization
        #expect(c.send(.GET, "/private/1").status == 404)  // yourself
    }

    @Test func messagesBothWays() throws {
        let c = try Client()
        let first = c.send(.POST, "/private/2/messages", json: ["event": "message", "content": "psst"])
        #expect(first.status == 201)
        #expect(first.json["to"] == "2")
        #expect(first.json["user"] == "1")
        #expect(first.json["flow"] == nil)
        let reply = c.send(.POST, "/v1/private/1/messages", token: Token.marty, form: "event=message&content=what%3F")
        #expect(reply.json["id"] == 2)  // ids are per conversation
        // The recipient's conversation re-opens on a new message.
        #expect(c.send(.GET, "/private/1", token: Token.marty).json["open"] == true)
        let list = c.send(.GET, "/private/2/messages").json.arrayValue ?? []
        #expect(list.map { $0["content"] } == ["psst", "what?"])
        #expect((c.send(.GET, "/private/2/messages?limit=1").json.arrayValue ?? []).map { $0["id"] } == [2])
        #expect((c.send(.GET, "/private/2/messages?since_id=1").json.arrayValue ?? []).map { $0["id"] } == [2])
        #expect((c.send(.GET, "/private/2/messages?search=psst").json.arrayValue ?? []).count == 1)
        #expect(c.send(.GET, "/private/2/messages/1").json["content"] == "psst")
        #expect(c.send(.GET, "/private/2/messages/9").status == 404)
    }

    @Test func onlyMessageEvents() throws {
        let c = try Client()
        let r = c.send(.POST, "/private/2/messages", json: ["event": "status", "content": "x"])
        #expect(r.status == 400)
        #expect(r.json["errors"]?["event"] != nil)
        #expect(
            c.send(.POST, "/private/2/messages", json: ["event": "message"]).json["errors"]?["content"] == [
                "can't be blank"
            ]
        )
    }
}
