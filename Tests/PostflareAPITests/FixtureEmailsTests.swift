// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing
import Testing

@testable import PostflareAPI

/// Sent e-mails in the fixtures (`teams[].emails`): stored like sends, shown like sends, never sent again.
@Suite struct FixtureEmailsTests {
    static let welcomeId = "5f0c7a1e-3b2d-4c8e-9a61-0d4e8b2f7c10"
    static let newsId = "1b7d2c94-6e3f-4f50-a8d1-4c2b9e7f0a63"

    /// The repository's fixtures with `emails` given to the first team.
    static func fixtures(emails: [JSON]) throws -> JSON {
        let base = try #require(try loadFixtures())
        var root = try #require(base.objectValue)
        var teams = try #require(base["teams"]?.arrayValue)
        var team = try #require(teams.first?.objectValue)
        team["emails"] = .array(emails)
        teams[0] = .object(team)
        root["teams"] = .array(teams)
        return .object(root)
    }

    static let welcome: JSON = [
        "id": .string(welcomeId), "from": "Acme <hello@example.org>", "to": ["Maria <delivered+maria@resend.dev>"],
        "subject": "Welcome, Maria!", "html": "<p>Hi Maria, <a href=\"https://app.acme.io/start\">start here</a></p>",
        "tags": [["name": "category", "value": "welcome"]], "created_at": "2025-12-31T09:00:00Z",
        "last_event": "delivered",
    ]

    static let newsletter: JSON = [
        "id": .string(newsId), "from": "news@example.org", "to": "complained@resend.dev", "subject": "Weekly",
        "text": "Five tips", "headers": ["List-Unsubscribe": "<https://acme.io/u>"],
        "attachments": [["filename": "tips.txt", "content": "Rml2ZSB0aXBz", "content_type": "text/plain"]],
        "created_at": "2025-12-31T10:00:00Z",
        "events": [
            ["type": "email.sent", "at": "2025-12-31T10:00:01Z"], ["type": "delivered"],
            ["type": "complained", "at": "2025-12-31T14:00:00Z"],
        ],
    ]

    @Test func getAndListShowThemAsTheAPISentThem() throws {
        let h = try Harness(fixtures: try Self.fixtures(emails: [Self.newsletter, Self.welcome]))
        let list = h.call(.GET, "/emails")
        #expect(list.status == 200)
        // Newest first by `created_at`, whatever the file's order.
        let data = try #require(list.json["data"]?.arrayValue)
        #expect(data.compactMap { $0["id"]?.stringValue } == [Self.newsId, Self.welcomeId])
        #expect(data.compactMap { $0["last_event"]?.stringValue } == ["complained", "delivered"])
        let got = h.call(.GET, "/emails/\(Self.welcomeId)")
        #expect(got.status == 200)
        #expect(got.json["created_at"] == "2025-12-31T09:00:00.000000+00:00")
        #expect(got.json["to"] == ["Maria <delivered+maria@resend.dev>"])
        #expect(got.json["tags"] == [["name": "category", "value": "welcome"]])
        // `text` is derived from the HTML, as for a send without one.
        #expect(got.json["text"]?.stringValue?.contains("Hi Maria") == true)
        let attachments = h.call(.GET, "/emails/\(Self.newsId)/attachments").json["data"]?.arrayValue ?? []
        #expect(attachments.map { $0["filename"] } == ["tips.txt"])
        #expect(attachments.map { $0["size"] } == [9])
    }

    @Test func inspectionShowsTheirTimelineAndTheirAttachmentBytes() throws {
        let h = try Harness(fixtures: try Self.fixtures(emails: [Self.welcome, Self.newsletter]))
        let all = h.api.inspectMessages(tenant: "team_maildouble")
        #expect(all.map(\.id) == [Self.welcomeId, Self.newsId])
        let news = try #require(h.api.inspectMessage(id: Self.newsId))
        #expect(news.status == "complained")
        #expect(news.events.map(\.type) == ["email.sent", "email.delivered", "email.complained"])
        // An event without `at` comes one second after the one before it.
        #expect(
            news.events.map { $0.at.iso8601() } == [
                "2025-12-31T10:00:01.000Z", "2025-12-31T10:00:02.000Z", "2025-12-31T14:00:00.000Z",
            ]
        )
        #expect(news.headers.map(\.name) == ["List-Unsubscribe"])
        let bytes = try #require(h.api.attachmentContent(messageID: Self.newsId, index: 0))
        #expect(String(decoding: bytes.bytes, as: UTF8.self) == "Five tips")
    }

    @Test func theyAreHistoryNoWebhookNoLifecycleNoCancel() throws {
        var pending = Self.welcome.objectValue ?? [:]
        pending["id"] = "0b0f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
        pending["created_at"] = "2025-12-31T23:00:00Z"
        pending["scheduled_at"] = "2026-01-02T08:00:00Z"
        pending["last_event"] = "scheduled"
        let h = try Harness(fixtures: try Self.fixtures(emails: [Self.welcome, Self.newsletter, .object(pending)]))
        _ = h.call(.POST, "/webhooks", ["endpoint": "https://hooks.acme.io/x", "events": ["email.sent"]])
        // The fixture's own webhook listens to email.sent/delivered/bounced too.
        // A send made now is followed for webhooks; the fixture e-mails are not.
        #expect(h.call(.POST, "/emails", Harness.email()).status == 200)
        h.clock.advance(bySeconds: 3 * 86_400)
        let bodies = Self.deliveredBodies(h)
        #expect(!bodies.isEmpty)
        #expect(!bodies.contains { $0.contains(Self.welcomeId) || $0.contains(Self.newsId) || $0.contains("0b0f2c3d") })
        let scheduled = h.call(.GET, "/emails/0b0f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
        #expect(scheduled.json["last_event"] == "scheduled")
        #expect(scheduled.json["scheduled_at"] == "2026-01-02T08:00:00.000000+00:00")
        expectError(h.call(.POST, "/emails/0b0f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/cancel"), 422, "validation_error")
        // A control-plane event on a fixture e-mail is a new event, and is delivered.
        var control = Router()
        h.api.addControlRoutes(to: &control)
        let opened = control.respond(
            to: Request(
                method: .POST,
                target: "/_emulator/messages/postflare/\(Self.welcomeId)/events",
                headers: ["Content-Type": "application/json"],
                body: Array(#"{"type":"opened"}"#.utf8)
            )
        )
        #expect(opened.status.code == 201)
        #expect(h.call(.GET, "/emails/\(Self.welcomeId)").json["last_event"] == "opened")
        #expect(h.api.inspectMessage(id: Self.welcomeId)?.events.last?.type == "email.opened")
    }

    @Test func undatedHistoryEndsAtTheLoadTime() throws {
        let emails: [JSON] = [
            ["from": "hello@example.org", "to": "bounced@resend.dev", "subject": "Trial", "text": "Ends soon"],
            [
                "from": "hello@example.org", "to": "someone@acme.io", "subject": "Read", "text": "x",
                "last_event": "clicked",
            ],
            [
                "from": "hello@example.org", "to": "someone@acme.io", "subject": "Waiting", "text": "x",
                "last_event": "queued",
            ],
        ]
        let h = try Harness(fixtures: try Self.fixtures(emails: emails))
        let now = h.clock.nowMillis()
        let byLast = Dictionary(
            uniqueKeysWithValues: h.api.inspectMessages(tenant: "team_maildouble").map { ($0.subject ?? "", $0) }
        )
        // Without `last_event` the recipients decide, as Resend's test addresses do for a send.
        #expect(byLast["Trial"]?.status == "bounced")
        #expect(byLast["Trial"]?.events.last?.at.millis == now)
        #expect(
            byLast["Read"]?.events.map(\.type) == ["email.sent", "email.delivered", "email.opened", "email.clicked"]
        )
        #expect(byLast["Read"]?.events.last?.at.millis == now)
        #expect(byLast["Waiting"]?.status == "queued")
        #expect(byLast["Waiting"]?.created.millis == now)
        // Generated ids are UUIDs, so `GET /emails/{id}` reaches them.
        for message in byLast.values { #expect(h.call(.GET, "/emails/\(message.id)").status == 200) }
    }

    @Test(
        arguments: [
            (JSON.string("not an e-mail"), "not an object"),
            (["from": "hello@example.org", "subject": "x", "text": "x"], "Missing `to` field"),
            (["from": "hello@unverified.dev", "to": "a@acme.io", "subject": "x", "text": "x"], "not verified"),
            (
                ["from": "hello@example.org", "to": "a@example.com", "subject": "x", "text": "x"],
                "testing email address"
            ),
            (["id": "msg-1", "from": "hello@example.org", "to": "a@acme.io", "subject": "x", "text": "x"], "UUID"),
            (
                [
                    "from": "hello@example.org", "to": "a@acme.io", "subject": "x", "text": "x",
                    "created_at": "yesterday",
                ],
                "ISO 8601"
            ),
            (
                ["from": "hello@example.org", "to": "a@acme.io", "subject": "x", "text": "x", "last_event": "read"],
                "one of"
            ),
            (
                [
                    "from": "hello@example.org", "to": "a@acme.io", "subject": "x", "text": "x",
                    "created_at": "2025-12-31T10:00:00Z",
                    "events": [
                        ["type": "sent", "at": "2025-12-31T10:05:00Z"],
                        ["type": "delivered", "at": "2025-12-31T10:01:00Z"],
                    ],
                ],
                "time order"
            ),
            (
                [
                    "from": "hello@example.org", "to": "a@acme.io", "subject": "x", "text": "x",
                    "created_at": "2025-12-31T10:00:00Z", "events": [["type": "sent", "at": "2025-12-31T09:00:00Z"]],
                ],
                "before `created_at`"
            ),
            (
                [
                    "from": "hello@example.org", "to": "a@acme.io", "subject": "x", "text": "x",
                    "last_event": "bounced",
                    "events": [["type": "sent"]],
                ],
                "the last of `events` is 'sent'"
            ),
            (["from": "hello@example.org", "to": "a@acme.io", "subject": "x", "text": "x", "events": "sent"], "array"),
            (
                [
                    "from": "hello@example.org", "to": "a@acme.io", "subject": "x", "text": "x",
                    "attachments": [["filename": "a.txt", "content": "%%%"]],
                ],
                "base64"
            ),
        ] as [(JSON, String)]
    )
    func badEmailsNameTheTeamAndIndex(email: JSON, message: String) throws {
        let fixtures = try Self.fixtures(emails: [Self.welcome, email])
        let error = #expect(throws: FixtureError.self) {
            _ = try PostflareAPI(clock: EmulatorClock(frozenAtMillis: 1_767_225_600_000), fixtures: fixtures)
        }
        #expect(error?.vendor == "postflare")
        #expect(error?.path == "teams[0].emails[1]")
        #expect(error?.message.contains("team 'team_maildouble'") == true, "\(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func aRepeatedIdIsRefused() throws {
        let fixtures = try Self.fixtures(emails: [Self.welcome, Self.welcome])
        let error = #expect(throws: FixtureError.self) {
            _ = try PostflareAPI(clock: EmulatorClock(frozenAtMillis: 1_767_225_600_000), fixtures: fixtures)
        }
        #expect(error?.description.contains("used twice") == true)
    }

    @Test func aRestartRestoresThemOnceWithTheirTimeline() throws {
        let fixtures = try Self.fixtures(emails: [Self.welcome, Self.newsletter])
        let first = try Harness(fixtures: fixtures)
        #expect(first.call(.POST, "/emails", Harness.email()).status == 200)
        let bytes = try #require(try first.api.persistedState())
        // A restart loads the fixtures again, then the stored state over them.
        let second = try Harness(fixtures: fixtures)
        try second.api.restorePersisted(bytes)
        let ids = second.api.inspectMessages(tenant: nil).map(\.id)
        #expect(ids.count == 3)
        #expect(Set(ids).count == 3)
        let news = try #require(second.api.inspectMessage(id: Self.newsId))
        #expect(news.events.map(\.type) == ["email.sent", "email.delivered", "email.complained"])
        #expect(second.call(.GET, "/emails/\(Self.newsId)").json["last_event"] == "complained")
    }

    /// The bodies of the webhook deliveries due now.
    static func deliveredBodies(_ h: Harness) -> [String] {
        h.api.takeDueWebhookDeliveries().map { String(decoding: $0.body, as: UTF8.self) }
    }

    @Test func theDemoSetHasAPostflareInbox() throws {
        // The demo's e-mails are dated 2026-12-01: a clock a day later has seen all their events.
        let api = try PostflareAPI(
            clock: EmulatorClock(frozenAtMillis: 1_764_662_400_000 + 365 * 86_400_000),
            fixtures: try loadFixtures(set: "demo")
        )
        let messages = api.inspectMessages(tenant: nil)
        #expect(messages.count >= 4 && messages.count <= 6)
        let statuses = Set(messages.compactMap(\.status))
        #expect(statuses.isSuperset(of: ["delivered", "bounced", "complained", "clicked"]))
        #expect(messages.contains { $0.attachments.contains { $0.contentType == "application/pdf" } })
        #expect(messages.contains { ($0.html ?? "").contains("data:image/png") })
        #expect(api.takeDueWebhookDeliveries().isEmpty)
    }
}
