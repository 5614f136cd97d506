// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// Validation of one `SendEmailRequest` (spec §2.1, §3), shared by `POST /emails`, `/emails/batch` and
/// broadcasts. It runs under the store lock because templates and domains are part of the check.
struct EmailInput {
    static let maxRecipients = 50
    static let maxAttachmentBytes = 40 * 1024 * 1024
    /// Recipient domains Resend refuses so that tests use its test addresses instead (spec §3.2, §7).
    static let blockedTestDomains: Set<String> = ["example.com", "test.com"]

    let principal: Principal
    let now: Int64
    let inBatch: Bool

    /// A validated e-mail, without `id` and `seq` (the caller assigns them when it stores it).
    /// The team is passed in (borrowed), not kept: a stored copy of `Team` retained and released each of its
    /// ~25 collections on every send.
    func parse(_ body: Body, in team: Team) throws(PostflareError) -> EmailRecord {
        var template: TemplateContent?
        var templateId: String?
        var variables = JSONObject()
        if let t = body["template"] {
            guard let obj = t.objectValue else { throw .validation("The `template` field must be an object.") }
            let tb = Body(object: obj)
            let ref = try tb.requiredString("id")
            guard let record = team.template(idOrAlias: ref) else { throw .notFound("Template") }
            guard let published = record.published else {
                throw .validation("The template `\(ref)` is not published. Publish it before sending.")
            }
            if body.has("html") || body.has("text") || body.has("react") {
                throw .validation("If a `template` is provided, you cannot send `html`, `text`, or `react`.")
            }
            variables = try tb.objectField("variables") ?? JSONObject()
            template = published
            templateId = record.id
        }

        // Payload `from`/`subject`/`reply_to` override the template's; required when it has none.
        guard let fromText = try fromField(body) ?? template?.from else { throw .missingField("from") }
        guard let fromAddress = EmailAddress.parse(fromText) else { throw EmailAddress.invalidFieldError("from") }
        // `from` becomes a header field of the message: a control character would corrupt or end it.
        guard MessageHeaderField.isValidValue(fromText) else { throw EmailAddress.invalidFieldError("from") }
        guard let to = try body.stringList("to"), !to.isEmpty else { throw .missingField("to") }
        guard let subject = try body.string("subject") ?? template?.subject, !subject.isEmpty else {
            throw .missingField("subject")
        }
        try Self.checkSingleLine(subject)
        if to.count > Self.maxRecipients {
            throw .validation("Invalid `to` field. You can only send to up to 50 recipients at once.")
        }
        let cc = try body.stringList("cc") ?? []
        let bcc = try body.stringList("bcc") ?? []
        let replyTo = try body.stringList("reply_to") ?? template?.replyTo ?? []
        // Checked list by list without building an array of (field, list) pairs on every send.
        func check(_ field: String, _ list: [String], blockTestDomains: Bool = true) throws(PostflareError) {
            for address in list {
                guard let bare = EmailAddress.parse(address) else { throw EmailAddress.invalidFieldError(field) }
                if blockTestDomains, Self.blockedTestDomains.contains(EmailAddress.domain(of: bare)) {
                    throw .validation(
                        "Invalid `\(field)` field. Please use our testing email address instead of domains like `\(EmailAddress.domain(of: bare))`. See our documentation for more information."
                    )
                }
            }
        }
        try check("to", to)
        try check("cc", cc)
        try check("bcc", bcc)
        try check("reply_to", replyTo, blockTestDomains: false)
        let recipients = cc.isEmpty && bcc.isEmpty ? to : to + cc + bcc
        try checkSender(fromAddress, recipients: recipients, team: team)

        var html = try body.string("html")
        var text = try body.string("text")
        var renderedSubject = subject
        if let template {
            let values = try TemplateRendering.values(for: template.variables, given: variables)
            html = TemplateRendering.render(template.html, values)
            text = template.text.map { TemplateRendering.render($0, values) }
            renderedSubject = TemplateRendering.render(subject, values)
            try Self.checkSingleLine(renderedSubject)
        } else if html == nil && text == nil {
            // Postflare's documented message for a body-less send (seed document).
            throw .validation("Either 'html' or 'text' content is required.")
        }
        // "if `text` omitted the HTML is converted; `""` opts out" (spec §2.1).
        if text == nil, let html { text = HTMLText.plainText(html) }

        let headers = try body.objectField("headers")
        if let headers {
            for (name, v) in headers {
                guard let value = v.stringValue else {
                    throw .validation("Invalid `headers` field. Header values must be strings.")
                }
                // A line break would start another header in the message (a hidden `Bcc:`).
                guard MessageHeaderField.isValidName(name), MessageHeaderField.isValidValue(value) else {
                    throw .validation(
                        "Invalid `headers` field. Header names must be printable ASCII without spaces or colons, "
                            + "and names and values must not contain line breaks or control characters."
                    )
                }
            }
        }
        let tags = try parseTags(body)
        let attachments = try parseAttachments(body)
        var scheduledAt: Int64?
        // Batch items may be scheduled too: Resend's changelog "Tags for batch and scheduled emails"
        // (resend.com/changelog/tags-for-batch-and-scheduled-emails), resend-node PR #1022 (Node SDK 6.18 sends
        // `scheduled_at` and `tags` per item), resend/n8n-nodes-resend PR #121 citing both, and a Resend
        // maintainer on resend-mcp PR #193 ("we actually do support scheduling batch email sending"). The
        // batch reference page's older "not supported" line is outdated.
        if let s = body["scheduled_at"] {
            guard let text = s.stringValue else { throw .validation("The `scheduled_at` field must be a string.") }
            scheduledAt = try Scheduling.validate(text, now: now)
        }
        let topicId = try body.string("topic_id")
        if let topicId, team.topics[topicId] == nil { throw .notFound("Topic") }
        let suppressed =
            !team.suppressions.isEmpty
            && recipients.contains { team.suppression(idOrEmail: EmailAddress.parse($0) ?? $0) != nil }
        // Addresses and subjects repeat across a test suite's sends: one shared copy each (`StringInterner`).
        let shared = StringInterner.shared
        return EmailRecord(
            id: "",
            from: shared.intern(fromText),
            to: to.map(shared.intern),
            cc: cc.map(shared.intern),
            bcc: bcc.map(shared.intern),
            replyTo: replyTo.map(shared.intern),
            subject: shared.intern(renderedSubject),
            html: html,
            text: text,
            headers: headers,
            tags: tags,
            attachments: attachments,
            createdAt: now,
            scheduledAt: scheduledAt,
            sendAt: max(now, scheduledAt ?? now),
            canceledAt: nil,
            templateId: templateId,
            topicId: topicId,
            broadcastId: nil,
            seq: 0,
            suppressed: suppressed
        )
    }

    /// `from` must be a string; another JSON type is the documented `invalid_from_address`.
    private func fromField(_ body: Body) throws(PostflareError) -> String? {
        guard let v = body["from"] else { return nil }
        guard let s = v.stringValue else { throw PostflareError(422, "invalid_from_address", "Invalid `from` field.") }
        return s.isEmpty ? nil : s
    }

    /// The sender's domain must be verified for the team (or be the key's own domain); the shared sandbox
    /// sender may only write to the account owner and to Resend's own test addresses (spec §3.2, §5, §7).
    ///
    /// The sandbox rules and where they come from:
    /// - `Acme <onboarding@resend.dev>` → `delivered@resend.dev` is every Resend quick start
    ///   (https://resend.com/docs/send-with-python and the other "send with …" pages), sent without a verified
    ///   domain, so a `@resend.dev` test recipient is accepted from the sandbox sender; the resend-python README
    ///   example sends the same with `cc@resend.dev` / `bcc@resend.dev`, so any `@resend.dev` address is (it
    ///   lives the "delivered" life unless its local part names another outcome, EmailLife).
    /// - The test addresses and their `+label` forms (`suppressed` takes none): "What email addresses to use for
    ///   testing?" (https://resend.com/docs/knowledge-base/what-email-addresses-to-use-for-testing) and
    ///   https://resend.com/docs/dashboard/emails/send-test-emails.
    /// - Any other recipient but the account owner: 403 `validation_error` "You can only send testing emails to
    ///   your own email address (…)" (resend.com error reference, `validation_error` 403; spec §3.2).
    /// - `reply_to` is not a recipient and is not checked (the resend-python example replies to `to@gmail.com`).
    /// - `@example.com` / `@test.com` recipients stay a 422 before this check (knowledge base above).
    private func checkSender(_ from: String, recipients: [String], team: Team) throws(PostflareError) {
        let domain = EmailAddress.domain(of: from)
        if domain == "resend.dev" {
            let owner = team.ownerEmail.lowercased()
            let foreign = recipients.contains {
                let bare = (EmailAddress.parse($0) ?? $0).lowercased()
                return bare != owner && EmailAddress.domain(of: bare) != "resend.dev"
            }
            if foreign {
                throw .validation(
                    "You can only send testing emails to your own email address (\(team.ownerEmail)). To send emails to other recipients, please verify a domain at resend.com/domains, and change the `from` address to an email using this domain.",
                    status: 403
                )
            }
            return
        }
        guard let verified = team.verifiedDomain(named: domain, now: now) else {
            throw .validation(
                "The \(domain) domain is not verified. Please, add and verify your domain on https://resend.com/domains",
                status: 403
            )
        }
        // Inferred (spec §5): a domain-restricted sending key sending from another domain gets a 403.
        if let restricted = principal.domainId, restricted != verified.id {
            throw .validation("This API key is not authorized to send emails from `\(domain)`.", status: 403)
        }
    }

    private func parseTags(_ body: Body) throws(PostflareError) -> [JSON] {
        guard let v = body["tags"] else { return [] }
        guard let items = v.arrayValue else { throw .validation("The `tags` field must be an array.") }
        var out: [JSON] = []
        for item in items {
            guard let obj = item.objectValue, let name = obj["name"]?.stringValue else {
                throw .missingField("tags.name")
            }
            let value = obj["value"]?.stringValue ?? ""
            guard Self.isTagText(name), value.isEmpty || Self.isTagText(value) else {
                throw .validation(
                    "Invalid `tags` field. Tags should only contain ASCII letters, numbers, underscores, or dashes, and be at most 256 characters long."
                )
            }
            out.append(["name": .string(name), "value": .string(value)])
        }
        return out
    }

    static func isTagText(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 256
            && s.utf8AllSatisfy { c in
                (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c == 45
            }
    }

    private func parseAttachments(_ body: Body) throws(PostflareError) -> [AttachmentRecord] {
        guard let v = body["attachments"] else { return [] }
        if inBatch { throw .validation("The `attachments` field is not supported in batch emails.") }
        guard let items = v.arrayValue else { throw .validation("The `attachments` field must be an array.") }
        var out: [AttachmentRecord] = []
        var total = 0
        for item in items {
            guard let obj = item.objectValue else { throw .invalidAttachment }
            // `content` is base64 text, or a byte array when a Node `Buffer` was serialised.
            let text = obj["content"]?.stringValue
            let byteArray = obj["content"]?.arrayValue
            let bytes = byteArray?.count ?? 0
            let encodedSize = text?.utf8.count ?? (bytes + 2) / 3 * 4
            var decodedSize = bytes
            var content: [UInt8]?
            if let text, !text.isEmpty {
                guard let n = Base64.decodedCount(text) else { throw Self.invalidAttachmentContent }
                decodedSize = n
                content = Base64.decode(text)
            }
            if let byteArray {
                var decoded: [UInt8] = []
                decoded.reserveCapacity(byteArray.count)
                for item in byteArray {
                    guard let n = item.intValue, (0...255).contains(n) else { throw Self.invalidAttachmentContent }
                    decoded.append(UInt8(n))
                }
                if !decoded.isEmpty { content = decoded }
            }
            let path = obj["path"]?.stringValue ?? ""
            guard encodedSize > 0 || !path.isEmpty else { throw .invalidAttachment }
            total += encodedSize
            // "max 40MB per email, after Base64 encoding".
            if total > Self.maxAttachmentBytes {
                throw .validation("Attachments exceed the maximum size of 40MB per email (after Base64 encoding).")
            }
            let filename =
                obj["filename"]?.stringValue
                ?? (path.isEmpty ? "attachment" : String(path.split(separator: "/").last ?? "attachment"))
            out.append(
                AttachmentRecord(
                    id: IDs.uuid(),
                    filename: filename,
                    contentType: obj["content_type"]?.stringValue ?? Self.mimeType(filename),
                    contentId: obj["content_id"]?.stringValue,
                    size: decodedSize,
                    content: content
                )
            )
        }
        return out
    }

    /// Bytes that base64 `text` decodes to (0 when it is not base64), so `size` matches the file the
    /// recipient gets.
    static func decodedSize(_ text: String) -> Int { Base64.decodedCount(text) ?? 0 }

    /// Resend answers a 422 `validation_error` for attachment content it cannot decode (inferred: the errors
    /// page lists no dedicated name).
    static let invalidAttachmentContent = PostflareError.validation(
        "Invalid `attachments` field. The `content` must be a base64-encoded string or an array of bytes."
    )

    static func mimeType(_ filename: String) -> String {
        switch String(filename.split(separator: ".").last ?? "").lowercased() {
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "pdf": "application/pdf"
        case "txt": "text/plain"
        case "html", "htm": "text/html"
        case "csv": "text/csv"
        case "json": "application/json"
        default: "application/octet-stream"
        }
    }
}

extension EmailInput {
    /// Resend answers 422 "The `\n` is not allowed in the `subject` field." for a line break in the subject
    /// (seen in trigger.dev's issue #1745 and airwaylab's PR #875, both from live API answers); `\r` in kind.
    static func checkSingleLine(_ subject: String) throws(PostflareError) {
        for (byte, shown) in [(UInt8(0x0A), "\\n"), (0x0D, "\\r")] where subject.utf8.contains(byte) {
            throw .validation("The `\(shown)` is not allowed in the `subject` field.")
        }
        // Other control characters (NUL, ESC…): no evidence of Resend's wording; the field is refused alike.
        guard MessageHeaderField.isValidValue(subject) else {
            throw .validation("Invalid `subject` field. It must not contain line breaks or control characters.")
        }
    }
}
