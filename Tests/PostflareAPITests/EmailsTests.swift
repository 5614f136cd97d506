// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import MailDoubleTesting
import Testing

@testable import PostflareAPI

@Suite struct EmailsTests {
    @Test(arguments: TestMode.allCases)
    func sendThenGetFollowsTheClock(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let sent = h.call(.POST, "/emails", Harness.email(["cc": "cc@example.org"]))
            #expect(sent.status == 200)
            #expect(sent.json.objectValue?.keys == ["id"])
            let id = try #require(sent.id)
            var got = h.call(.GET, "/emails/\(id)")
            #expect(got.json["object"] == "email")
            #expect(got.json["last_event"] == "queued")
            #expect(got.json["to"] == ["delivered@resend.dev"])
            #expect(got.json["cc"] == ["cc@example.org"])
            #expect(got.json["bcc"] == [])
            #expect(got.json["created_at"]?.stringValue == "2026-01-01T00:00:00.000000+00:00")
            #expect(got.json["statusCode"] == nil)
            h.clock.advance(bySeconds: 1)
            got = h.call(.GET, "/emails/\(id)")
            #expect(got.json["last_event"] == "sent")
            h.clock.advance(bySeconds: 1)
            #expect(h.call(.GET, "/emails/\(id)").json["last_event"] == "delivered")
        }
    }

    @Test(arguments: [
        ("bounced@resend.dev", "bounced"), ("bounced+x1@resend.dev", "bounced"),
        ("suppressed@resend.dev", "suppressed"), ("delivered+label@resend.dev", "delivered"),
        ("complained+a@resend.dev", "complained"),
    ])
    func testAddressesProduceTheirOutcome(address: String, outcome: String) throws {
        let h = try Harness()
        let id = try #require(h.call(.POST, "/emails", Harness.email(to: .string(address))).id)
        h.clock.advance(bySeconds: 10)
        #expect(h.call(.GET, "/emails/\(id)").json["last_event"]?.stringValue == outcome)
    }

    @Test func complainedIsDeliveredFirst() throws {
        let h = try Harness()
        let id = try #require(h.call(.POST, "/emails", Harness.email(to: "complained@resend.dev")).id)
        h.clock.advance(bySeconds: 3)
        #expect(h.call(.GET, "/emails/\(id)").json["last_event"] == "delivered")
        h.clock.advance(bySeconds: 3)
        #expect(h.call(.GET, "/emails/\(id)").json["last_event"] == "complained")
    }

    @Test(arguments: TestMode.allCases)
    func listPaginatesNewestFirst(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            var ids: [String] = []
            for _ in 0..<5 { ids.append(h.call(.POST, "/emails", Harness.email()).id ?? "") }
            let first = h.call(.GET, "/emails?limit=2")
            #expect(first.json["object"] == "list")
            #expect(first.json["has_more"] == true)
            #expect(first.json["data"]?[0]?["id"]?.stringValue == ids[4])
            #expect(first.json["data"]?[0]?["bcc"] == [])
            let next = h.call(.GET, "/emails?limit=2&after=\(ids[3])")
            #expect(next.json["data"]?[0]?["id"]?.stringValue == ids[2])
            let before = h.call(.GET, "/emails?limit=2&before=\(ids[2])")
            #expect(before.json["data"]?.arrayValue?.map { $0["id"]?.stringValue ?? "" } == [ids[4], ids[3]])
            #expect(before.json["has_more"] == false)
            expectError(h.call(.GET, "/emails?limit=0"), 422, "validation_error")
            expectError(h.call(.GET, "/emails?after=\(ids[0])&before=\(ids[1])"), 422, "validation_error")
        }
    }

    @Test(arguments: TestMode.allCases)
    func getBodyOnGetIsAcceptedAndIdsAreChecked(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let id = try #require(h.call(.POST, "/emails", Harness.email()).id)
            #expect(h.call(.GET, "/emails/\(id)", [:]).status == 200)
            expectError(h.call(.GET, "/emails/not-a-uuid"), 422, "invalid_parameter")
            expectError(h.call(.GET, "/emails/\(segmentId)"), 404, "not_found")
        }
    }

    @Test(arguments: TestMode.allCases)
    func validationMessages(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            var r = h.call(.POST, "/emails", ["to": "a@example.org", "subject": "s", "html": "h"])
            expectError(r, 422, "missing_required_field")
            #expect(r.json["message"] == "Missing `from` field.")
            r = h.call(.POST, "/emails", Harness.email(to: "nope"))
            expectError(r, 422, "validation_error")
            let message = r.json["message"]?.stringValue ?? ""
            #expect(message.hasPrefix("Invalid `to` field. The email address needs to follow"))
            expectError(h.call(.POST, "/emails", Harness.email(["from": 5])), 422, "invalid_from_address")
            r = h.call(.POST, "/emails", Harness.email(to: "someone@example.com"))
            expectError(r, 422, "validation_error")
            #expect(r.json["message"]?.stringValue?.contains("testing email address") == true)
            let many = JSON.array((0..<51).map { .string("u\($0)@example.org") })
            expectError(h.call(.POST, "/emails", Harness.email(to: many)), 422, "validation_error")
            r = h.call(.POST, "/emails", ["from": "a@example.org", "to": "b@example.org", "subject": "s"])
            #expect(r.json["message"] == "Either 'html' or 'text' content is required.")
            expectError(
                h.call(.POST, "/emails", Harness.email(["tags": [["name": "bad tag", "value": "x"]]])),
                422,
                "validation_error"
            )
            expectError(
                h.call(.POST, "/emails", Harness.email(["attachments": [["filename": "a.txt"]]])),
                422,
                "invalid_attachment"
            )
            expectError(h.call(.POST, "/emails", Harness.email(["headers": ["X-N": 1]])), 422, "validation_error")
            expectError(h.call(.POST, "/emails", rawBody: "{not json"), 400, "validation_error")
        }
    }

    /// Issue 12: a line break in a custom header name or value would inject headers (a hidden `Bcc:`) into
    /// the stored message; control characters likewise. Single sends and batches refuse them.
    @Test(
        arguments: [
            ["X-A\r\nBcc": "x"], ["X-A": "x\r\nBcc: victim@example.org"], ["X-A": "x\ny"], ["X-A": "x\ry"],
            ["X-A": "a\u{0}b"], ["X-A": "a\u{7F}b"], ["X A": "x"], ["X-A:": "x"], ["": "x"], ["Ünï": "x"],
        ] as [JSON]
    )
    func headerInjectionIsRejected(_ headers: JSON) throws {
        let h = try Harness()
        let r = h.call(.POST, "/emails", Harness.email(["headers": headers]))
        expectError(r, 422, "validation_error")
        #expect(r.json["message"]?.stringValue?.hasPrefix("Invalid `headers` field.") == true)
        expectError(h.call(.POST, "/emails/batch", [Harness.email(["headers": headers])]), 422, "validation_error")
    }

    /// A line break in the subject is refused as Resend does (422, its own message); one in a display name
    /// makes the address invalid, since it would end the `From:`/`To:` field it is written into.
    @Test func lineBreaksInSubjectAndDisplayNamesAreRejected() throws {
        let h = try Harness()
        let newline = h.call(.POST, "/emails", Harness.email(["subject": "Hi\nBcc: victim@example.org"]))
        expectError(newline, 422, "validation_error")
        #expect(newline.json["message"] == "The `\\n` is not allowed in the `subject` field.")
        let cr = h.call(.POST, "/emails", Harness.email(["subject": "Hi\rthere"]))
        #expect(cr.json["message"] == "The `\\r` is not allowed in the `subject` field.")
        let from = h.call(
            .POST,
            "/emails",
            Harness.email(["from": "Acme\r\nBcc: victim@example.org <hello@example.org>"])
        )
        #expect(from.status == 422 && from.json["message"]?.stringValue?.hasPrefix("Invalid `from` field.") == true)
        let to = h.call(.POST, "/emails", Harness.email(["to": "Bob\nBcc: v@example.org <delivered@resend.dev>"]))
        #expect(to.status == 422)
        #expect(h.call(.POST, "/emails", Harness.email(["subject": "Hi\tthere"])).status == 200)
    }

    /// `from` and `subject` become header fields too: a line break in either (the display name included) was
    /// stored as sent, so the message carried a hidden `Bcc:` (found by the hostile-input suite).
    @Test(
        arguments: [
            ["subject": "s\r\nBcc: victim@example.org"], ["subject": "s\nt"], ["subject": "a\u{0}b"],
            ["from": "Evil\r\nBcc: victim@example.org <a@example.org>"],
            ["from": "\"Evil\r\nBcc: v@example.org\" <a@example.org>"],
        ] as [[String: JSON]]
    )
    func lineBreaksInFromOrSubjectAreRejected(_ fields: [String: JSON]) throws {
        let h = try Harness()
        let r = h.call(.POST, "/emails", Harness.email(fields))
        expectError(r, 422, "validation_error")
        #expect(h.call(.POST, "/emails/batch", [Harness.email(fields)]).status == 422)
    }

    @Test func ordinaryHeadersAreKept() throws {
        let h = try Harness()
        let r = h.call(
            .POST,
            "/emails",
            Harness.email(["headers": ["X-Entity-Ref-ID": "a\tb", "X-Note": "Grüße"]])
        )
        #expect(r.status == 200, "\(r.json.text)")
        let batch = h.call(.POST, "/emails/batch", [Harness.email(["headers": ["X-Mailer": "maildouble 1.0"]])])
        #expect(batch.status == 200, "\(batch.json.text)")
    }

    /// Issue 12: attachment `content` must be base64 (or a byte array, a serialised Node `Buffer`).
    @Test(arguments: ["!!!", "aGVsbG8=!", "a", "aGVs=bG8=", "héllo"] as [JSON] + [[300], ["x"], [-1]])
    func attachmentContentMustBeBase64(_ content: JSON) throws {
        let h = try Harness()
        let r = h.call(.POST, "/emails", Harness.email(["attachments": [["filename": "a.txt", "content": content]]]))
        expectError(r, 422, "validation_error")
        #expect(r.json["message"]?.stringValue?.contains("base64") == true)
    }

    @Test func validAttachmentContentIsAccepted() throws {
        let h = try Harness()
        for content: JSON in ["aGVsbG8=", "aGVs\r\nbG8=", "aGVsbG8", [104, 105]] {
            let attachment: JSON = ["filename": "a.txt", "content": content]
            let r = h.call(.POST, "/emails", Harness.email(["attachments": [attachment]]))
            #expect(r.status == 200, "\(content.text) → \(r.json.text)")
        }
    }

    @Test func unverifiedDomainAndSandboxSender() throws {
        let h = try Harness()
        var r = h.call(.POST, "/emails", Harness.email(["from": "me@unverified.org"]))
        expectError(r, 403, "validation_error")
        #expect(r.json["message"]?.stringValue?.hasPrefix("The unverified.org domain is not verified") == true)
        r = h.call(.POST, "/emails", Harness.email(to: "ada@acme.io", ["from": "onboarding@resend.dev"]))
        expectError(r, 403, "validation_error")
        #expect(r.json["message"]?.stringValue?.contains("own email address (owner@example.org)") == true)
        // One foreign address among test addresses is still refused, in cc and bcc too.
        r = h.call(.POST, "/emails", Harness.email(["from": "onboarding@resend.dev", "cc": ["ada@acme.io"]]))
        expectError(r, 403, "validation_error")
        r = h.call(.POST, "/emails", Harness.email(["from": "onboarding@resend.dev", "bcc": "ada@acme.io"]))
        expectError(r, 403, "validation_error")
        r = h.call(.POST, "/emails", Harness.email(to: "owner@example.org", ["from": "onboarding@resend.dev"]))
        #expect(r.status == 200)
        // The quick starts: the sandbox sender to Resend's test addresses, labels included, with a foreign
        // reply_to (not a recipient).
        for to: JSON in [
            "delivered@resend.dev", "Delivered+Label1@Resend.dev", "bounced+x@resend.dev", "complained@resend.dev",
            "suppressed@resend.dev", ["delivered@resend.dev", "owner@example.org"],
        ] {
            r = h.call(
                .POST,
                "/emails",
                Harness.email(to: to, ["from": "Acme <onboarding@resend.dev>", "reply_to": "to@gmail.com"])
            )
            #expect(r.status == 200, "\(to.text) → \(r.json.text)")
        }
    }

    @Test func sandboxSenderTestAddressesLiveTheirLife() throws {
        let h = try Harness()
        var ids: [String: String] = [:]
        for local in ["delivered", "bounced+a", "complained", "suppressed"] {
            let r = h.call(
                .POST,
                "/emails",
                Harness.email(to: .string("\(local)@resend.dev"), ["from": "Acme <onboarding@resend.dev>"])
            )
            #expect(r.status == 200, "\(local): \(r.json.text)")
            ids[local] = r.id
        }
        #expect(ids.count == 4)
        h.clock.advance(bySeconds: 6)
        let expected = [
            "delivered": "delivered", "bounced+a": "bounced", "complained": "complained",
            "suppressed": "suppressed",
        ]
        for (local, id) in ids {
            #expect(h.call(.GET, "/emails/\(id)").json["last_event"]?.stringValue == expected[local], "\(local)")
        }
    }

    @Test func attachmentsAreListed() throws {
        let h = try Harness()
        let id = try #require(
            h.call(.POST, "/emails", Harness.email(["attachments": [["filename": "a.png", "content": "aGVsbG8="]]])).id
        )
        let list = h.call(.GET, "/emails/\(id)/attachments")
        let item = try #require(list.json["data"]?[0])
        #expect(item["content_type"] == "image/png")
        let one = h.call(.GET, "/emails/\(id)/attachments/\(item["id"]?.stringValue ?? "")")
        #expect(one.json["object"] == "attachment")
        #expect(h.call(.POST, "/emails/\(id)/share", ["expires_in": "1 day"]).json["url"] != nil)
        expectError(h.call(.POST, "/emails/\(id)/share", ["expires_in": "3 days"]), 422, "validation_error")
    }

    @Test func quotas() throws {
        let h = try Harness(options: .init(rateLimitPerSecond: 0, dailyQuota: 1, monthlyQuota: 5))
        #expect(h.call(.POST, "/emails", Harness.email()).status == 200)
        expectError(h.call(.POST, "/emails", Harness.email()), 429, "daily_quota_exceeded")
        let m = try Harness(options: .init(rateLimitPerSecond: 0, monthlyQuota: 1))
        #expect(m.call(.POST, "/emails", Harness.email()).status == 200)
        expectError(m.call(.POST, "/emails", Harness.email()), 429, "monthly_quota_exceeded")
    }

    @Test func receivingMailboxIsEmpty() throws {
        let h = try Harness()
        #expect(h.call(.GET, "/emails/receiving").json["data"] == [])
        expectError(h.call(.GET, "/emails/receiving/\(segmentId)"), 404, "not_found")
    }
}

@Suite struct HTMLTextTests {
    @Test func convertsHTMLToText() {
        #expect(HTMLText.plainText("<p>Hi <b>Ada</b> &amp; co</p><p>Bye</p>") == "Hi Ada & co\n\nBye")
        #expect(HTMLText.plainText("<style>p{}</style>Text<br/>more") == "Text\nmore")
        #expect(HTMLText.plainText("a < b") == "a < b")
    }

    @Test func sendWithoutTextDerivesIt() throws {
        let h = try Harness()
        let id = try #require(h.call(.POST, "/emails", Harness.email()).id)
        #expect(h.call(.GET, "/emails/\(id)").json["text"] == "Hi")
        let id2 = try #require(h.call(.POST, "/emails", Harness.email(["text": ""])).id)
        #expect(h.call(.GET, "/emails/\(id2)").json["text"] == "")
    }
}

@Suite struct EmailStoreTests {
    @Test func oldestEmailsAreEvictedBeyondTheCap() {
        var team = Team(id: "t", ownerEmail: "o@example.org")
        let template = EmailRecord(
            id: "",
            from: "a@example.org",
            to: ["b@example.org"],
            cc: [],
            bcc: [],
            replyTo: [],
            subject: "s",
            html: nil,
            text: "t",
            headers: nil,
            tags: [],
            attachments: [],
            createdAt: 0,
            scheduledAt: nil,
            sendAt: 0,
            canceledAt: nil,
            templateId: nil,
            topicId: nil,
            broadcastId: nil,
            seq: 0
        )
        for i in 0..<(team.emailLimit + 3) {
            var e = template
            e.id = "e\(i)"
            e.seq = i
            team.store(e)
        }
        #expect(team.emails.count == team.emailLimit && team.evictedEmails == 3)
        #expect(team.emails["e0"] == nil)
        #expect(team.emails["e2"] == nil)
        #expect(team.emails["e3"] != nil)
    }
}

@Suite struct EmailAddressTests {
    @Test(arguments: [
        ("a@example.org", true), ("first.last+tag@sub.example.org", true), ("Ada <ada@example.org>", true),
        ("noat", false), ("@example.org", false), ("a@b", false), ("a@.example.org", false), ("a@example.org.", false),
        ("a@exa..mple.org", false), ("a b@example.org", false), ("a@@example.org", false), ("a@", false),
        ("\"q\"@example.org", false), ("Ada <ada@example.org", false),
    ])
    func parse(_ text: String, valid: Bool) {
        #expect((EmailAddress.parse(text) != nil) == valid)
    }
}
