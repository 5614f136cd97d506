// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import MailDoubleApp

/// Flowdock's Streaming API (§3.11) on a live emulator: `stream.flowdock.com` serves `GET /flows?filter=` and
/// `GET /flows/:org/:flow` as a stream of the messages REST posts, in JSON (`\r\n`-separated) or SSE.
enum FlowdockAPIHost {
    static let stream = "stream.flowdock.com"
}

@Suite struct FlowdockStreamLiveTests {
    /// `maildouble-flowdock-token` as Basic credentials (token as user name, empty password), the REST way.
    static let auth = "Authorization: Basic bWFpbGRvdWJsZS1mbG93ZG9jay10b2tlbjo="

    static func start() throws -> MailDouble {
        try MailDoubleTests.start { $0.threads = 1 }
    }

    static func open(_ app: MailDouble, _ target: String, headers: [String] = []) throws -> SSEClient {
        let client = try SSEClient(port: app.httpPort!)
        let lines = ["GET \(target) HTTP/1.1", "Host: stream.flowdock.com", auth] + headers
        client.send(Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8))
        return client
    }

    static func post(_ app: MailDouble, _ content: String) throws -> Int {
        let r = try VendorContractTests.call(
            app,
            "POST",
            "/flows/acme/my-flow/messages",
            headers: [auth, "Content-Type: application/json"],
            body: #"{"event":"message","content":"\#(content)"}"#
        )
        #expect(r.status == 201)
        return try #require(try JSON.parse(Array(r.body.utf8))["id"]?.intValue)
    }

    @Test func aJSONStreamReceivesAMessagePostedThroughREST() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        let baseline = app.changes.observerCount
        let client = try Self.open(app, "/flows?filter=acme/my-flow", headers: ["Accept: application/json"])
        let head = try client.read(until: "\r\n\r\n")
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(head.lowercased().contains("content-type: application/json"))
        #expect(try EventStreamLiveTests.observersDrop(app, to: baseline + 1))
        let id = try Self.post(app, "Hello stream")
        let text = try client.read(until: #""content":"Hello stream""#)
        // One object per message, ended by CR LF (what the official node client splits on).
        #expect(text.contains(#""id":\#(id),"#) || text.contains(#""id":\#(id)}"#))
        #expect(text.contains(#""event":"message""#))
        #expect(text.contains("\"Hello stream\"") && text.contains("}\r\n"))
        client.close()
        #expect(try EventStreamLiveTests.observersDrop(app, to: baseline))
    }

    @Test func anSSEStreamOfOneFlowCarriesIdsAndResumesAfterLastEventID() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        let client = try Self.open(app, "/flows/acme/my-flow", headers: ["Accept: text/event-stream"])
        let head = try client.read(until: ": stream open")
        #expect(head.lowercased().contains("content-type: text/event-stream"))
        _ = try Self.post(app, "first")
        _ = try Self.post(app, "second")
        let text = try client.read(until: #""content":"second""#)
        #expect(text.contains("\ndata: {") && text.contains(#""content":"first""#))
        // The id of the first message's event, then a resume after it: only the second comes again.
        // Lines by the byte: in Swift "\r\n" (the chunk-size line's end) is one Character, not a "\n".
        let lines = text.utf8.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
        let idLine = try #require(lines.first { $0.hasPrefix("id: ") })
        let firstID = String(idLine.dropFirst(4)).trimmingSpaces()
        #expect(UInt64(firstID) != nil)
        client.close()
        let resumed = try Self.open(
            app,
            "/flows/acme/my-flow",
            headers: ["Accept: text/event-stream", "Last-Event-ID: \(firstID)"]
        )
        let replay = try resumed.read(until: #""content":"second""#)
        #expect(!replay.contains(#""content":"first""#))
    }

    /// One request on `host` (the shared helper always says `localhost`).
    static func call(_ app: MailDouble, _ target: String, host: String, headers: [String]) throws -> (Int, String) {
        let c = try TLSTestClient(port: app.httpsPort!, caFile: app.caFile!)
        c.send(VendorsOverHTTPSTests.request("GET", target, host: host, headers: headers, body: ""))
        let r = try c.readResponse()
        return (r.status, r.body)
    }

    @Test func aStreamCarriesOnlyItsFlowsAndTheRESTHostKeepsTheFlowList() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        // The REST host answers the same path with the flow list, not a stream.
        let (status, body) = try Self.call(app, "/flows", host: "api.flowdock.com", headers: [Self.auth])
        #expect(status == 200 && body.hasPrefix("["))
        // Two flows, one by `org/flow`, one by flow id; my-flow is not among them.
        let client = try Self.open(app, "/flows?filter=acme/another-flow,8a7c33c3-a1c2-4e0a-9d1b-3f2e8b8c1e01")
        _ = try client.read(until: "\r\n\r\n")
        _ = try Self.post(app, "not for you")
        for (flow, text) in [("acme/another-flow", "marker one"), ("organization/main", "marker two")] {
            let r = try VendorContractTests.call(
                app,
                "POST",
                "/flows/\(flow)/messages",
                headers: [Self.auth, "Content-Type: application/json"],
                body: #"{"event":"message","content":"\#(text)"}"#
            )
            #expect(r.status == 201)
        }
        // The markers prove the stream is live and came after the first post, which it skipped.
        let text = try client.read(until: #""content":"marker two""#)
        #expect(text.contains(#""content":"marker one""#))
        #expect(!text.contains("not for you"))
    }

    @Test func badStreamRequestsGetFlowdockErrors() throws {
        let app = try Self.start()
        defer { MailDoubleTests.stop(app) }
        for (target, headers, status) in [
            ("/flows", [Self.auth], 400),  // neither filter nor user
            ("/flows?filter=acme/no-such-flow", [Self.auth], 404),
            ("/flows?filter=acme/my-flow", [], 401),
            ("/flows/acme/my-flow", [Self.auth, "Accept: text/event-stream", "Last-Event-ID: x"], 400),
        ] {
            let (got, body) = try Self.call(app, target, host: FlowdockAPIHost.stream, headers: headers)
            #expect(got == status, "\(target)")
            #expect(try JSON.parse(Array(body.utf8))["message"]?.stringValue != nil, "\(target) \(body)")
        }
    }
}
