// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@Suite struct ThreadTests {
    @Test func fixtureInboxThread() throws {
        let c = try Client()
        let activity = c.send(.GET, "/flows/acme/my-flow/messages/3").json
        let tid = activity["thread_id"]?.stringValue ?? ""
        let thread = c.send(.GET, "/flows/acme/my-flow/threads/\(tid)").json
        #expect(thread["title"] == "Build #42")
        #expect(thread["status"] == ["value": "passed", "color": "green"])
        #expect(thread["activities"] == 1)
        #expect(thread["internal_comments"] == 1)
        #expect(thread["initial_message"] == 3)
        let messages = c.send(.GET, "/flows/acme/my-flow/threads/\(tid)/messages").json.arrayValue ?? []
        #expect(messages.map { $0["id"] } == [3, 4])
    }

    @Test func listWithoutEmptyThreadsAndFilters() throws {
        let c = try Client()
        let list = c.send(.GET, "/flows/acme/my-flow/threads").json.arrayValue ?? []
        #expect(list.map { $0["title"] } == ["Build #42"])
        let withEmpty = c.send(.GET, "/flows/acme/my-flow/threads?empty=1").json.arrayValue ?? []
        #expect(withEmpty.count == 3)
        #expect((c.send(.GET, "/flows/acme/my-flow/threads?empty=1&application=chat").json.arrayValue ?? []).count == 2)
        #expect((c.send(.GET, "/flows/acme/my-flow/threads?application=inbox").json.arrayValue ?? []).count == 1)
        #expect(c.send(.GET, "/flows/acme/my-flow/threads?since=garbage").status == 400)
        let until = c.send(.GET, "/flows/acme/my-flow/threads?empty=1&until=2000-01-01T00:00:00Z").json
        #expect(until == [])
    }

    @Test func postIntoThreadAndUpdateItsState() throws {
        let c = try Client()
        let first = c.send(.POST, "/flows/acme/my-flow/messages", json: ["event": "message", "content": "Topic"])
        let tid = first.json["thread_id"]?.stringValue ?? ""
        let reply = c.send(
            .POST,
            "/flows/acme/my-flow/threads/\(tid)/messages",
            json: ["event": "message", "content": "Reply", "thread": ["title": "New title"]]
        )
        #expect(reply.status == 201)
        #expect(reply.json["thread_id"]?.stringValue == tid)
        #expect(reply.json["thread"]?["title"] == "New title")
        let byParam = c.send(
            .POST,
            "/flows/acme/my-flow/messages",
            form: "event=message&content=third&thread_id=\(tid)"
        )
        #expect(byParam.json["thread_id"]?.stringValue == tid)
        #expect(
            c.send(.POST, "/flows/acme/my-flow/threads/nope/messages", json: ["event": "message", "content": "x"])
                .status == 404
        )
        let badThread = c.send(
            .POST,
            "/flows/acme/my-flow/messages",
            json: ["event": "message", "content": "x", "thread_id": "nope"]
        )
        #expect(badThread.json["errors"]?["thread_id"] != nil)
        let badColor = c.send(
            .POST,
            "/flows/acme/my-flow/threads/\(tid)/messages",
            json: ["event": "message", "content": "x", "thread": ["status": ["value": "v", "color": "pink"]]]
        )
        #expect(badColor.status == 400)
        let list = c.send(.GET, "/flows/acme/my-flow/threads").json.arrayValue ?? []
        #expect(list.first?["id"]?.stringValue == tid)  // most recently updated first
    }

    @Test func externalThreadIdReusesTheSourcesThread() throws {
        let c = try Client()
        let r = c.send(
            .POST,
            "/messages",
            authorization: "",
            json: [
                "flow_token": .string(Token.flow), "event": "discussion", "title": "commented",
                "external_thread_id": "build-42",
                "author": ["name": "Bob"],
            ]
        )
        #expect(r.status == 201)
        #expect(r.json["thread"]?["title"] == "Build #42")
        #expect(r.json["thread"]?["external_comments"] == 1)
        let fresh = c.send(
            .POST,
            "/messages",
            authorization: "",
            json: [
                "flow_token": .string(Token.flow), "event": "activity", "title": "x", "external_thread_id": "new-one",
                "author": ["name": "Bob"],
            ]
        )
        #expect(fresh.status == 400)  // a new thread needs a title
    }
}
