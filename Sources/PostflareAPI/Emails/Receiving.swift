// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// Received (inbound) e-mail. The emulator receives no SMTP, so a test injects one with
/// `POST /_emulator/postflare/inbound[?tenant=T]`; it is then served by `GET /emails/receiving…` (spec §2.2:
/// list items `{id, to, from, subject, message_id, bcc, cc, reply_to, created_at, attachments}`, the detail with
/// `object: "email"`, `html`, `text`, `headers`; resend-python types add `received_for`) and announced as
/// `email.received` (`ReceivedEmailEventData` of resend-node's `webhook-event.interface.ts`: no bodies).
struct ReceivedEmailRecord: Sendable, Listed, Codable {
    var id: String
    var seq: Int
    var from: String
    var to: [String]
    var cc: [String]
    var bcc: [String]
    var replyTo: [String]
    var subject: String?
    var html: String?
    var text: String?
    var headers: JSONObject
    var messageId: String
    var createdAt: Int64
    var attachments: [AttachmentRecord]
    var rowID: String { id }
}

extension PostflareAPI {
    func addReceivingRoutes(_ r: inout Router) {
        route(&r, .GET, "/emails/receiving") { api, req, p in try api.listReceived(req, p) }
        route(&r, .GET, "/emails/receiving/{id}") { api, req, p in try api.getReceived(req, p) }
        route(&r, .GET, "/emails/receiving/{id}/attachments") { api, req, p in try api.listReceivedAttachments(req, p) }
        route(&r, .GET, "/emails/receiving/{id}/attachments/{attachment_id}") { api, req, p in
            try api.getReceivedAttachment(req, p)
        }
    }

    /// A legacy list: everything when `limit` is omitted (spec §8).
    func listReceived(_ req: Request, _ p: Principal) throws -> Response {
        let json = try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
            try Pagination.list(team.receivedEmails, req, defaultLimit: nil) { Self.receivedJSON($0, full: false) }
        }
        return ok(json)
    }

    func getReceived(_ req: Request, _ p: Principal) throws -> Response {
        let e = try received(req, p)
        return ok(Self.receivedJSON(e, full: true))
    }

    func listReceivedAttachments(_ req: Request, _ p: Principal) throws -> Response {
        let e = try received(req, p)
        let now = store.now
        return ok(
            Pagination.list(e.attachments.map { Self.attachmentJSON($0, now: now, object: false) }, hasMore: false)
        )
    }

    func getReceivedAttachment(_ req: Request, _ p: Principal) throws -> Response {
        let e = try received(req, p)
        let attachmentId = try uuidParameter(req, "attachment_id")
        guard let a = e.attachments.first(where: { $0.id == attachmentId }) else {
            throw PostflareError.notFound("Attachment")
        }
        return ok(Self.attachmentJSON(a, now: store.now, object: true))
    }

    private func received(_ req: Request, _ p: Principal) throws -> ReceivedEmailRecord {
        let id = try uuidParameter(req, "id")
        return try store.withTeam(p.teamId) { team, _ throws(PostflareError) in
            guard let e = team.receivedEmails[id] else { throw .notFound("Email") }
            return e
        }
    }

    static func receivedJSON(_ e: ReceivedEmailRecord, full: Bool) -> JSON {
        func list(_ a: [String]) -> JSON { .array(a.map { .string($0) }) }
        var o: JSONObject = full ? ["object": "email"] : [:]
        o["id"] = .string(e.id)
        o["to"] = list(e.to)
        o["from"] = .string(e.from)
        o["created_at"] = Time.email(e.createdAt)
        o["subject"] = .string(e.subject)
        o["message_id"] = .string(e.messageId)
        o["bcc"] = list(e.bcc)
        o["cc"] = list(e.cc)
        o["reply_to"] = e.replyTo.isEmpty ? .null : list(e.replyTo)
        if full {
            o["html"] = .string(e.html)
            o["text"] = .string(e.text)
            o["headers"] = .object(e.headers)
            o["received_for"] = list(e.to)
        }
        o["attachments"] = .array(
            e.attachments.map { a in
                [
                    "id": .string(a.id), "filename": .string(a.filename), "content_type": .string(a.contentType),
                    "content_id": .string(a.contentId),
                    "content_disposition": .string(a.contentId == nil ? "attachment" : "inline"), "size": .int(a.size),
                ]
            }
        )
        return .object(o)
    }

    // MARK: Injection (control plane)

    /// `POST /_emulator/postflare/inbound[?tenant=T]` with `{from, to, subject?, text?, html?, cc?, bcc?,
    /// reply_to?, headers?, attachments?: [{filename, content (base64), content_type?, content_id?}]}`: stores a
    /// received e-mail for the team (the fixtures' only team when `tenant` is omitted) and emits
    /// `email.received`. 201 `{vendor, tenant, id, message_id}`.
    func injectReceived(_ request: Request) throws(HTTPError) -> Response {
        guard let json = try? request.jsonBody(), let object = json.objectValue else {
            throw HTTPError(.badRequest, message: "The body must be a JSON object like {\"from\":…,\"to\":…}.")
        }
        let teamId: String
        if let name = request.query("tenant") {
            guard let t = resolveTenant(name) else {
                throw HTTPError(.notFound, message: "postflare has no tenant '\(name)'.")
            }
            teamId = t
        } else {
            guard seed.teams.count == 1, let only = seed.teams.keys.first else {
                throw HTTPError(.badRequest, message: "Give the team as ?tenant=… (the fixtures have more than one).")
            }
            teamId = only
        }
        func addresses(_ key: String, required: Bool = false) throws(HTTPError) -> [String] {
            let list: [String]
            switch object[key] {
            case nil, .null?: list = []
            case .string(let s)?: list = [s]
            case .array(let items)?:
                var out: [String] = []
                for item in items {
                    guard let s = item.stringValue else {
                        throw HTTPError(.badRequest, message: "'\(key)' must be strings.")
                    }
                    out.append(s)
                }
                list = out
            default: throw HTTPError(.badRequest, message: "'\(key)' must be an address or a list of them.")
            }
            for a in list where EmailAddress.parse(a) == nil || !MessageHeaderField.isValidValue(a) {
                throw HTTPError(.badRequest, message: "'\(key)' holds an invalid address: \(a)")
            }
            if required && list.isEmpty { throw HTTPError(.badRequest, message: "'\(key)' is required.") }
            return list
        }
        func string(_ key: String) throws(HTTPError) -> String? {
            guard let v = object[key], v != .null else { return nil }
            guard let s = v.stringValue else { throw HTTPError(.badRequest, message: "'\(key)' must be a string.") }
            return s
        }
        let from = try addresses("from", required: true)
        guard from.count == 1 else { throw HTTPError(.badRequest, message: "'from' is one address.") }
        let to = try addresses("to", required: true)
        let cc = try addresses("cc")
        let bcc = try addresses("bcc")
        let replyTo = try addresses("reply_to")
        let subject = try string("subject")
        if let subject, !MessageHeaderField.isValidValue(subject) {
            throw HTTPError(.badRequest, message: "'subject' must be one line without control characters.")
        }
        let html = try string("html")
        let text = try string("text")
        var headers = JSONObject()
        if let h = object["headers"], h != .null {
            guard let ho = h.objectValue else { throw HTTPError(.badRequest, message: "'headers' must be an object.") }
            for (name, value) in ho {
                guard let v = value.stringValue, MessageHeaderField.isValidName(name),
                    MessageHeaderField.isValidValue(v)
                else { throw HTTPError(.badRequest, message: "'headers' must map header names to one-line strings.") }
                headers[name] = .string(v)
            }
        }
        var attachments: [AttachmentRecord] = []
        if let a = object["attachments"], a != .null {
            guard let items = a.arrayValue else {
                throw HTTPError(.badRequest, message: "'attachments' must be a list.")
            }
            for item in items {
                guard let o = item.objectValue, let filename = o["filename"]?.stringValue,
                    let content = o["content"]?.stringValue, let bytes = Base64.decode(content)
                else {
                    throw HTTPError(
                        .badRequest,
                        message: "Each attachment needs a 'filename' and base64 'content'."
                    )
                }
                attachments.append(
                    AttachmentRecord(
                        id: IDs.uuid(),
                        filename: filename,
                        contentType: o["content_type"]?.stringValue ?? EmailInput.mimeType(filename),
                        contentId: o["content_id"]?.stringValue,
                        size: bytes.count,
                        content: bytes
                    )
                )
            }
        }
        let now = store.now
        let id = IDs.uuid()
        let messageId = "<\(Timestamp(millis: now).compact()).\(id.prefix(8))@\(EmailAddress.domain(of: from[0]))>"
        _ = try? store.withTeam(teamId) { team, state throws(PostflareError) in
            let record = ReceivedEmailRecord(
                id: id,
                seq: state.nextSeq(),
                from: from[0],
                to: to,
                cc: cc,
                bcc: bcc,
                replyTo: replyTo,
                subject: subject,
                html: html,
                text: text,
                headers: headers,
                messageId: messageId,
                createdAt: now,
                attachments: attachments
            )
            team.receivedEmails.upsert(record)
            let excess = team.receivedEmails.count - max(1, team.emailLimit)
            if excess > 0 { team.receivedEmails.removeFirst(excess) }
            var data = Self.receivedJSON(record, full: false)
            data["email_id"] = .string(id)
            data["id"] = nil
            data["reply_to"] = nil
            data["received_for"] = .array(to.map { .string($0) })
            if var items = data["attachments"]?.arrayValue {
                for i in items.indices { items[i]["size"] = nil }
                data["attachments"] = .array(items)
            }
            team.emit("email.received", at: now, data)
        }
        options.onPendingWork?()
        return .json(
            [
                "vendor": .string(Self.vendorName), "tenant": .string(teamId), "id": .string(id),
                "message_id": .string(messageId),
            ],
            status: .created
        )
    }
}
