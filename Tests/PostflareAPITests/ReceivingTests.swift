// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing
import Testing

@testable import PostflareAPI

/// Received e-mail injected through `POST /_emulator/postflare/inbound`, then read as Resend serves it.
@Suite struct ReceivingTests {
    static func inject(_ h: Harness, _ body: JSON?, query: String = "", raw: String? = nil) -> (Int, JSON) {
        var r = Router()
        h.api.addControlRoutes(to: &r)
        let bytes = raw.map { Array($0.utf8) } ?? body?.serialized() ?? []
        let response = r.respond(
            to: Request(
                method: .POST,
                target: "/_emulator/postflare/inbound\(query)",
                headers: ["Content-Type": "application/json"],
                body: bytes
            )
        )
        return (response.status.code, (try? JSON.parse(response.body)) ?? .null)
    }

    @Test func anInjectedEmailIsListedFetchedAndAnnounced() throws {
        let h = try Harness()
        _ = h.call(.POST, "/webhooks", ["endpoint": "https://hooks.acme.io/in", "events": ["email.received"]])
        #expect(h.call(.GET, "/emails/receiving").json["data"] == [])
        let (status, answer) = Self.inject(
            h,
            [
                "from": "Ada <ada@acme.io>", "to": ["support@example.org"], "cc": "team@example.org",
                "subject": "Help", "text": "My code is 123456", "html": "<p>My code is 123456</p>",
                "headers": ["X-Ticket": "42"],
                "attachments": [["filename": "log.txt", "content": "aGVsbG8="]],
            ]
        )
        #expect(status == 201)
        #expect(answer["tenant"] == "team_maildouble")
        let id = try #require(answer["id"]?.stringValue)

        let list = h.call(.GET, "/emails/receiving")
        #expect(list.json["object"] == "list")
        let item = try #require(list.json["data"]?[0])
        #expect(item["id"]?.stringValue == id)
        #expect(item["from"] == "Ada <ada@acme.io>")
        #expect(item["to"] == ["support@example.org"])
        #expect(item["cc"] == ["team@example.org"])
        #expect(item["html"] == nil)
        #expect(item["attachments"]?[0]?["size"] == 5)

        let detail = h.call(.GET, "/emails/receiving/\(id)")
        #expect(detail.json["object"] == "email")
        #expect(detail.json["text"] == "My code is 123456")
        #expect(detail.json["headers"] == ["X-Ticket": "42"])
        #expect(detail.json["message_id"] == answer["message_id"])

        let attachments = h.call(.GET, "/emails/receiving/\(id)/attachments")
        let attachment = try #require(attachments.json["data"]?[0])
        #expect(attachment["filename"] == "log.txt")
        #expect(attachment["content_type"] == "text/plain")
        let aid = try #require(attachment["id"]?.stringValue)
        let one = h.call(.GET, "/emails/receiving/\(id)/attachments/\(aid)")
        #expect(one.json["object"] == "attachment")
        #expect(one.json["download_url"]?.stringValue?.isEmpty == false)

        let events = try h.api.takeDueWebhookDeliveries().map { try JSON.parse($0.body) }
        #expect(events.count == 1)
        let data = try #require(events.first?["data"])
        #expect(events.first?["type"] == "email.received")
        #expect(data["email_id"]?.stringValue == id)
        #expect(data["html"] == nil && data["text"] == nil, "the event carries no bodies")
        #expect(
            data["attachments"]?[0]?.objectValue?.keys.sorted() == [
                "content_disposition", "content_id", "content_type", "filename", "id",
            ]
        )
        // The team's own API key is needed.
        #expect(h.call(.GET, "/emails/receiving/\(id)", key: nil).status == 401)
    }

    @Test func badInjectionsAndLookupsAreRefused() throws {
        let h = try Harness()
        #expect(Self.inject(h, nil, raw: "{").0 == 400)
        #expect(Self.inject(h, ["to": "a@acme.io"]).0 == 400, "no from")
        #expect(Self.inject(h, ["from": "a@acme.io"]).0 == 400, "no to")
        #expect(Self.inject(h, ["from": "a@acme.io", "to": "not an address"]).0 == 400)
        #expect(Self.inject(h, ["from": "a@acme.io", "to": "b@acme.io", "subject": "a\r\nBcc: x@y.z"]).0 == 400)
        #expect(Self.inject(h, ["from": "a@acme.io", "to": "b@acme.io", "attachments": [["filename": "x"]]]).0 == 400)
        #expect(Self.inject(h, ["from": "a@acme.io", "to": "b@acme.io"], query: "?tenant=nobody").0 == 404)
        expectError(h.call(.GET, "/emails/receiving/not-a-uuid"), 422, "invalid_parameter")
        expectError(h.call(.GET, "/emails/receiving/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"), 404, "not_found")
        let id = try #require(Self.inject(h, ["from": "a@acme.io", "to": "b@acme.io"]).1["id"]?.stringValue)
        expectError(
            h.call(.GET, "/emails/receiving/\(id)/attachments/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
            404,
            "not_found"
        )
        expectError(h.call(.GET, "/emails/receiving?limit=101"), 422, "validation_error")
    }
}
