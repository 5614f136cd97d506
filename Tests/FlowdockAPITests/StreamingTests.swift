// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing
import Testing

@testable import FlowdockAPI

/// The Streaming API in memory: the handler's `ResponseStream` holds what a client would read.
@Suite struct StreamingTests {
    static func open(_ c: Client, _ target: String, accept: String? = nil, lastEventID: String? = nil) -> Response {
        var headers: HTTPHeaders = ["Host": "stream.flowdock.com", "Authorization": Client.basic(Token.otto)]
        if let accept { headers.add(name: "Accept", value: accept) }
        if let lastEventID { headers.add(name: "Last-Event-ID", value: lastEventID) }
        return c.router.respond(to: Request(method: .GET, target: target, headers: headers))
    }

    static func text(_ stream: ResponseStream?) -> String {
        String(decoding: stream?.take().bytes ?? [], as: UTF8.self)
    }

    @Test func postsAndEditsArriveOnTheJSONStream() throws {
        let c = try Client()
        let r = Self.open(c, "/flows?filter=acme/my-flow")
        #expect(r.status == .ok)
        #expect(r.headers["Content-Type"]?.hasPrefix("application/json") == true)
        let stream = try #require(r.stream)
        let opening = Self.text(stream)
        #expect(opening.allSatisfy { $0 == "\n" }, "nothing but a keep-alive before any message")
        let posted = c.send(.POST, "/flows/acme/my-flow/messages", json: ["event": "message", "content": "hi"])
        let id = try #require(posted.json["id"]?.intValue)
        let first = Self.text(stream)
        #expect(first.hasSuffix("\r\n"))
        let message = try JSON.parse(Array(first.utf8.dropLast(2)))
        #expect(message["id"] == .int(Int64(id)))
        #expect(message["content"] == "hi")
        _ = c.send(.PUT, "/flows/acme/my-flow/messages/\(id)", json: ["content": "hello"])
        let edit = try JSON.parse(Array(Self.text(stream).utf8.dropLast(2)))
        #expect(edit["event"] == "message-edit")
        // Another flow's messages are not this stream's.
        _ = c.send(.POST, "/flows/acme/another-flow/messages", json: ["event": "message", "content": "elsewhere"])
        #expect(Self.text(stream).isEmpty)
        stream.cancel()
    }

    @Test func eventStreamFramesResumeAfterLastEventID() throws {
        let c = try Client()
        _ = c.send(.POST, "/flows/acme/my-flow/messages", json: ["event": "message", "content": "a"])
        let last = try #require(c.send(.GET, "/flows/acme/my-flow/messages").json.arrayValue?.last?["id"]?.intValue)
        _ = c.send(.POST, "/flows/acme/my-flow/messages", json: ["event": "message", "content": "b"])
        let r = Self.open(c, "/flows/acme/my-flow", accept: "text/event-stream", lastEventID: "acme/my-flow:\(last)")
        #expect(r.headers["Content-Type"]?.hasPrefix("text/event-stream") == true)
        let text = Self.text(r.stream)
        #expect(text.contains("id: acme/my-flow:\(last + 1)\ndata: {"))
        #expect(!text.contains("id: acme/my-flow:\(last)\n"))
        r.stream?.cancel()
        #expect(
            Self.open(c, "/flows/acme/my-flow", accept: "text/event-stream", lastEventID: "junk").status.code == 400
        )
    }

    @Test func userOneAddsPrivateMessages() throws {
        let c = try Client()
        let r = Self.open(c, "/flows?user=1", accept: "text/event-stream")
        #expect(r.status == .ok)
        _ = Self.text(r.stream)
        // Marty (2) writes to Otto (1); Otto answers; a flow message is not this stream's (no filter).
        let sent = c.send(
            .POST,
            "/private/1/messages",
            token: Token.marty,
            json: ["event": "message", "content": "psst"]
        )
        #expect(sent.status == 201)
        _ = c.send(.POST, "/private/2/messages", json: ["event": "message", "content": "yes?"])
        _ = c.send(.POST, "/flows/acme/my-flow/messages", json: ["event": "message", "content": "public"])
        let text = Self.text(r.stream)
        #expect(text.contains("id: private:2:1\n"))
        #expect(text.contains("id: private:2:2\n"))
        #expect(text.contains("psst") && text.contains("yes?"))
        #expect(!text.contains("public"))
        r.stream?.cancel()
        // A closed stream's observer is gone: a later message writes nowhere (and nothing crashes).
        _ = c.send(.POST, "/private/2/messages", json: ["event": "message", "content": "later"])
        #expect(r.stream?.isOpen == false)
    }

    @Test func badStreamsGetFlowdockErrors() throws {
        let c = try Client()
        #expect(Self.open(c, "/flows").status.code == 400)
        #expect(Self.open(c, "/flows?filter=acme/nope").status.code == 404)
        #expect(Self.open(c, "/flows/acme/nope").status.code == 404)
        let anonymous = c.router.respond(
            to: Request(method: .GET, target: "/flows?filter=acme/my-flow", headers: ["Host": "stream.flowdock.com"])
        )
        #expect(anonymous.status.code == 401)
        #expect((try? JSON.parse(anonymous.body))?["message"] != nil)
    }
}
