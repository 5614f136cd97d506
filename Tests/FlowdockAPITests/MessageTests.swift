// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import FlowdockAPI
import HTTPCore
import MailDoubleTesting
import Testing

@Suite struct MessageTests {
    @Test(arguments: TestMode.allCases)
    func postAnswers201WithMessageAndCommentsLink(_ mode: TestMode) throws {
        try Client.with(mode) { c in
            let hello: JSON = ["event": "message", "content": "Hello", "uuid": "abc123"]
            let r = c.send(.POST, "/flows/acme/my-flow/messages", json: hello)
            #expect(r.status == 201)
            let id = r.json["id"]?.intValue ?? 0
            #expect(id == 5)  // four fixture messages in acme/my-flow
            #expect(
                r.header("Link")
                    == "<https://api.flowdock.com/flows/acme/my-flow/messages/\(id)/comments>; rel=\"comments\""
            )
            let m = r.json
            for field in [
                "id", "event", "content", "tags", "user", "uuid", "sent", "app", "attachments", "created_at", "flow",
                "thread_id", "thread", "edited", "edited_at",
            ] {
                #expect(m[field] != nil, "missing \(field)")
            }
            #expect(m["uuid"] == "abc123")
            #expect(m["app"] == "chat")
            #expect(m["sent"]?.intValue == Int(Client.now))
            #expect(m["created_at"] == "2023-11-14T22:13:20.000Z")
            #expect(m["edited"] == .null)
            #expect(m["thread"]?["initial_message"]?.intValue == id)
            #expect(m["thread"]?["title"] == "Hello")
            // The same uuid again is the same message.
            let again = c.send(.POST, "/flows/acme/my-flow/messages", json: hello)
            #expect(again.json["id"]?.intValue == id)
        }
    }

    @Test func documentedTagExample() throws {
        let c = try Client()
        let r = c.send(
            .POST,
            "/flows/acme/my-flow/messages",
            json: [
                "event": "message", "content": "@Marty, there's a severe #bug in https://example.com",
                "tags": ["#space-time-continuum"],
            ]
        )
        let tags = Set((r.json["tags"]?.arrayValue ?? []).compactMap(\.stringValue))
        #expect(tags == [":user:2", ":unread:2", ":url", "bug", "space-time-continuum"])
    }

    @Test func v1PrefixAndPostByFlowParameter() throws {
        let c = try Client()
        let r = c.send(.POST, "/v1/messages", json: ["flow": "acme/my-flow", "event": "message", "content": "via v1"])
        #expect(r.status == 201)
        #expect(r.json["flow"] == "acme/my-flow")
        #expect(
            c.send(.GET, "/v1/flows/acme/my-flow/messages/\(r.json["id"]?.intValue ?? 0)").json["content"] == "via v1"
        )
        let missing = c.send(.POST, "/messages", json: ["event": "message", "content": "x"])
        #expect(missing.status == 400)
        #expect(missing.json["errors"]?["flow"] == ["can't be blank"])
        let foreign = c.send(
            .POST,
            "/messages",
            json: ["flow": "2f1d0c4e-6b0e-4b54-8c3a-5e9f6d7a8b02", "event": "message", "content": "x"]
        )
        #expect(foreign.status == 404)
    }

    @Test(arguments: TestMode.allCases)
    func validationOfEventAndContent(_ mode: TestMode) throws {
        try Client.with(mode) { c in
            let noEvent = c.send(.POST, "/flows/acme/my-flow/messages", json: ["content": "x"])
            #expect(noEvent.status == 400)
            #expect(noEvent.json == ["message": "Validation error", "errors": ["event": ["can't be blank"]]])
            let badEvent = c.send(.POST, "/flows/acme/my-flow/messages", json: ["event": "nope", "content": "x"])
            #expect(badEvent.json["errors"]?["event"] == ["is not included in the list"])
            let noContent = c.send(.POST, "/flows/acme/my-flow/messages", json: ["event": "message"])
            #expect(noContent.json["errors"]?["content"] == ["can't be blank"])
            let long = c.send(
                .POST,
                "/flows/acme/my-flow/messages",
                json: ["event": "message", "content": .string(String(repeating: "a", count: 8097))]
            )
            #expect(long.status == 400)
            #expect(long.json["errors"]?["content"]?[0]?.stringValue?.contains("8096") == true)
            let activity = c.send(.POST, "/flows/acme/my-flow/messages", json: ["event": "activity", "title": "t"])
            #expect(activity.json["errors"]?["author"] != nil)
        }
    }

    @Test func commentsNeedAParentThatIsNotAComment() throws {
        let c = try Client()
        let ok = c.send(
            .POST,
            "/flows/acme/my-flow/messages/1/comments",
            json: ["event": "comment", "content": "Agreed"]
        )
        #expect(ok.status == 201)
        #expect(ok.json["content"] == ["title": "Welcome to My flow, @Marty! #welcome", "text": "Agreed"])
        #expect(ok.json["tags"]?.arrayValue?.contains("influx:1") == true)
        let parentThread = c.send(.GET, "/flows/acme/my-flow/messages/1").json["thread_id"]
        #expect(ok.json["thread_id"] == parentThread)
        let commentID = ok.json["id"]?.intValue ?? 0
        let onComment = c.send(.POST, "/flows/acme/my-flow/messages/\(commentID)/comments", json: ["content": "nested"])
        #expect(onComment.status == 400)
        #expect(onComment.json["errors"]?["message"] == ["can't comment on a comment"])
        let noParent = c.send(.POST, "/flows/acme/my-flow/messages", json: ["event": "comment", "content": "orphan"])
        #expect(noParent.status == 400)
        #expect(noParent.json["errors"]?["message"] == ["can't be blank"])
        let wrongEvent = c.send(
            .POST,
            "/flows/acme/my-flow/messages/1/comments",
            json: ["event": "message", "content": "x"]
        )
        #expect(wrongEvent.json["errors"]?["event"] == ["must be comment"])
        let missingParent = c.send(.POST, "/flows/acme/my-flow/messages/999/comments", json: ["content": "x"])
        #expect(missingParent.status == 404)
        let viaComments = c.send(.POST, "/comments", form: "flow=acme%2Fmy-flow&message=2&content=yes")
        #expect(viaComments.status == 201)
        #expect(viaComments.json["event"] == "comment")
        let viaCommentsNoParent = c.send(.POST, "/comments", form: "flow=acme%2Fmy-flow&content=yes")
        #expect(viaCommentsNoParent.json["errors"]?["message"] == ["can't be blank"])
    }

    @Test func editWithPutAndPatchAlike() throws {
        let c = try Client()
        for method in [HTTPMethod.PUT, .PATCH] {
            c.clock.advance(byMillis: 1000)
            let r = c.send(
                method,
                "/flows/acme/my-flow/messages/1",
                json: ["content": .string("Edited by \(method)"), "tags": ["x", "@Marty"]]
            )
            #expect(r.status == 200)
            #expect(r.json == JSON.object(JSONObject()))
            let m = c.send(.GET, "/flows/acme/my-flow/messages/1").json
            #expect(m["content"] == .string("Edited by \(method)"))
            #expect(m["tags"] == ["x", ":user:2"])
            #expect(m["edited"]?.intValue != nil)
            #expect(m["edited_at"]?.stringValue != nil)
        }
        // Marty may retag Otto's message but not rewrite it.
        #expect(c.send(.PUT, "/flows/acme/my-flow/messages/1", token: Token.marty, json: ["tags": ["y"]]).status == 200)
        #expect(
            c.send(.PUT, "/flows/acme/my-flow/messages/1", token: Token.marty, json: ["content": "hijack"]).status
                == 403
        )
    }

    @Test func deleteTruncatesChatRemovesInboxForbidsOthers() throws {
        let c = try Client()
        #expect(c.send(.DELETE, "/flows/acme/my-flow/messages/2").status == 403)  // Marty's message
        let own = c.send(.DELETE, "/flows/acme/my-flow/messages/1")
        #expect(own.status == 200)
        #expect(c.send(.GET, "/flows/acme/my-flow/messages/1").json["content"] == "")
        #expect(c.send(.DELETE, "/flows/acme/my-flow/messages/3").status == 204)  // activity (influx)
        #expect(c.send(.GET, "/flows/acme/my-flow/messages/3").status == 404)
        #expect(c.send(.DELETE, "/flows/acme/my-flow/messages/abc").status == 404)
    }

    /// Spec §3.3/§4.10 (the real 2019 events): an edit leaves `message-edit` (new content) and `tag-change`
    /// (tags added and removed) events in the flow, listed and filterable; a delete's truncation leaves a
    /// `message-edit` with `""`. The edited message carries `edited` (ms) and `edited_at` (ISO).
    @Test func editsAndDeletesEmitTheirEvents() throws {
        let c = try Client()
        let before = c.send(.GET, "/flows/acme/my-flow/messages/1").json
        let oldTags = try #require(before["tags"]?.arrayValue)
        let inspected = c.api.inspectMessages(tenant: nil).count
        c.clock.advance(byMillis: 5000)
        let edit = c.send(.PUT, "/flows/acme/my-flow/messages/1", json: ["content": "Fixed typo", "tags": ["todo"]])
        #expect(edit.status == 200)
        let edited = c.send(.GET, "/flows/acme/my-flow/messages/1").json
        #expect(edited["edited"] == .int(Client.now + 5000))
        #expect(edited["edited_at"] == .string(Timestamp(millis: Client.now + 5000).iso8601()))

        let events = c.send(.GET, "/flows/acme/my-flow/messages?event=message-edit,tag-change").json.arrayValue ?? []
        #expect(events.compactMap { $0["event"]?.stringValue } == ["message-edit", "tag-change"])
        #expect(events[0]["content"] == ["message": 1, "updated_content": "Fixed typo"])
        #expect(events[0]["user"] == "1")
        #expect(events[0]["sent"] == .int(Client.now + 5000))
        #expect(events[1]["content"]?["message"] == 1)
        #expect(events[1]["content"]?["add"] == ["todo"])
        #expect(events[1]["content"]?["remove"] == .array(oldTags.filter { $0 != "todo" }))
        // They are in the plain list too, after the message they are about.
        let all = c.send(.GET, "/flows/acme/my-flow/messages").json.arrayValue ?? []
        #expect(all.suffix(2).compactMap { $0["event"]?.stringValue } == ["message-edit", "tag-change"])
        // Only the tags changed: only a tag-change.
        _ = c.send(.PUT, "/flows/acme/my-flow/messages/1", json: ["tags": ["todo", "later"]])
        let tagsOnly = c.send(.GET, "/flows/acme/my-flow/messages?event=message-edit,tag-change").json.arrayValue ?? []
        #expect(tagsOnly.count == 3)
        #expect(tagsOnly.last?["content"] == ["message": 1, "add": ["later"], "remove": []])
        // The same tags again: nothing changed, no event.
        _ = c.send(.PUT, "/flows/acme/my-flow/messages/1", json: ["tags": ["todo", "later"]])
        #expect((c.send(.GET, "/flows/acme/my-flow/messages?event=tag-change").json.arrayValue ?? []).count == 2)

        #expect(c.send(.DELETE, "/flows/acme/my-flow/messages/1").status == 200)
        let afterDelete = c.send(.GET, "/flows/acme/my-flow/messages?event=message-edit").json.arrayValue ?? []
        #expect(afterDelete.last?["content"] == ["message": 1, "updated_content": ""])
        // A refused edit leaves nothing.
        let count = (c.send(.GET, "/flows/acme/my-flow/messages?event=message-edit").json.arrayValue ?? []).count
        _ = c.send(.PUT, "/flows/acme/my-flow/messages/2", json: ["content": "not mine"])
        #expect((c.send(.GET, "/flows/acme/my-flow/messages?event=message-edit").json.arrayValue ?? []).count == count)
        // The control plane's inspection shows messages, not these events.
        #expect(c.api.inspectMessages(tenant: nil).count == inspected)
    }

    @Test func statusSetsTheUsersStatus() throws {
        let c = try Client()
        #expect(
            c.send(.POST, "/flows/acme/my-flow/messages", json: ["event": "status", "content": "Lunch"]).status == 201
        )
        let users = c.send(.GET, "/flows/acme/my-flow/users").json.arrayValue ?? []
        #expect(users.first { $0["id"] == 1 }?["status"] == "Lunch")
    }
}
