// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// `/emails`: send, list, get, reschedule, cancel, share, attachments (spec §2.1), and the inbound mailbox of
/// `/emails/receiving` (spec §2.2; filled only through the control plane, Receiving.swift).
extension PostflareAPI {
    func addEmailRoutes(_ r: inout Router) {
        route(&r, .POST, "/emails") { api, req, p in try api.sendEmail(req, p) }
        route(&r, .GET, "/emails") { api, req, p in try api.listEmails(req, p) }
        route(&r, .POST, "/emails/batch") { api, req, p in try api.sendBatch(req, p) }
        addMetricsRoute(&r)
        route(&r, .GET, "/emails/{id}") { api, req, p in try api.getEmail(req, p) }
        route(&r, .PATCH, "/emails/{id}") { api, req, p in try api.updateEmail(req, p) }
        route(&r, .POST, "/emails/{id}/cancel") { api, req, p in try api.cancelEmail(req, p) }
        route(&r, .POST, "/emails/{id}/share") { api, req, p in try api.shareEmail(req, p) }
        route(&r, .GET, "/emails/{id}/attachments") { api, req, p in try api.listAttachments(req, p) }
        route(&r, .GET, "/emails/{id}/attachments/{attachment_id}") { api, req, p in try api.getAttachment(req, p) }
        addReceivingRoutes(&r)
    }

    func sendEmail(_ req: Request, _ p: Principal) throws -> Response {
        try idempotent(req, principal: p, endpoint: "POST /emails") {
            let body = try Body(req)
            let now = store.now
            let email = try store.withTeam(p.teamId) { team, state throws(PostflareError) -> EmailRecord in
                var email = try EmailInput(principal: p, now: now, inBatch: false).parse(body, in: team)
                try chargeQuota(&team, count: 1, now: now)
                email.id = IDs.uuid()
                email.seq = state.nextSeq()
                team.store(email)
                return email
            }
            let id = email.id
            announce(email, team: p.teamId)
            return ok(["id": .string(id)])
        }
    }

    /// Counts `count` sends against the optional daily and monthly quotas (spec §4: off by default).
    func chargeQuota(_ team: inout Team, count: Int, now: Int64) throws(PostflareError) {
        guard options.dailyQuota != nil || options.monthlyQuota != nil else { return }
        let day: Int64 = 86_400_000
        team.sendLog.removeAll { $0.at <= now - 30 * day }
        let daily = team.sendLog.filter { $0.at > now - day }.reduce(0) { $0 + $1.count }
        let monthly = team.sendLog.reduce(0) { $0 + $1.count }
        if let q = options.dailyQuota, daily + count > q { throw .dailyQuota }
        if let q = options.monthlyQuota, monthly + count > q { throw .monthlyQuota }
        team.sendLog.append((now, count))
    }

    func listEmails(_ req: Request, _ p: Principal) throws -> Response {
        let now = store.now
        let json = try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
            try Pagination.list(team.emails, req, defaultLimit: 20) { Self.emailJSON($0, now: now, full: false) }
        }
        return ok(json)
    }

    func getEmail(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let now = store.now
        let json = try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
            guard let e = team.emails[id] else { throw .notFound("Email") }
            return Self.emailJSON(e, now: now, full: true)
        }
        return ok(json)
    }

    /// `PATCH /emails/{id}` with `{scheduled_at}` reschedules an e-mail that has not gone out yet (§11.1).
    func updateEmail(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let body = try Body(req)
        let text = try body.requiredString("scheduled_at")
        let now = store.now
        let at = try Scheduling.validate(text, now: now)
        let email = try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> EmailRecord in
            guard var e = team.emails[id] else { throw .notFound("Email") }
            guard EmailLife.isPending(e, now: now) else {
                throw .validation("Only scheduled emails that have not been sent can be updated.")
            }
            e.scheduledAt = at
            e.sendAt = max(now, at)
            team.emails[id] = e
            return e
        }
        // The steps announced at the old send time are dropped when they come due; the new ones replace them.
        lifeChanged()
        announce(email, team: p.teamId, stored: false)
        return ok(["object": "email", "id": .string(id)])
    }

    func cancelEmail(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let now = store.now
        try store.withTeam(p.teamId) { team, _ throws(PostflareError) in
            guard let e = team.emails[id] else { throw .notFound("Email") }
            guard EmailLife.isPending(e, now: now) else {
                throw .validation("Only scheduled emails that have not been sent can be canceled.")
            }
            team.emails[id]?.canceledAt = now
        }
        lifeChanged()
        return ok(["object": "email", "id": .string(id)])
    }

    /// `POST /emails/{id}/share`: a link valid for `expires_in` (default and maximum 48 h).
    func shareEmail(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let body = try Body(req)
        var seconds: Int64 = 48 * 3600
        if let text = try body.string("expires_in") {
            let words = text.lowercased().split(separator: " ").map(String.init)
            guard let ms = Scheduling.duration(words) else {
                throw PostflareError.validation(
                    "Invalid `expires_in` field. Use a duration such as `10m` or `2 hours`."
                )
            }
            guard ms <= 48 * 3600 * 1000 else { throw PostflareError.validation("expires_in must not exceed 48 hours") }
            seconds = ms / 1000
        }
        let now = store.now
        try store.withTeam(p.teamId) { team, _ throws(PostflareError) in
            guard team.emails[id] != nil else { throw .notFound("Email") }
        }
        return ok([
            "object": "email", "id": .string(id),
            "url": .string(Self.shareURL(req, id: id)),
            "expires_at": Time.iso(now + seconds * 1000),
        ])
    }

    /// Resend's share link is a public page of the e-mail (`https://resend.com/shared?token=…`, spec §2.1);
    /// here it opens the e-mail in the web inbox where the client reached the emulator, so a test or a demo
    /// can follow it. A request without a usable `Host` keeps the token-shaped link.
    static func shareURL(_ req: Request, id: String) -> String {
        let base = req.externalBaseURL(default: "")
        guard !base.isEmpty else { return "https://api.postflare.app/shared?token=\(IDs.random(32))" }
        return base + "/_emulator/ui/#/message/postflare/" + URLCoding.percentEncode(id)
    }

    func listAttachments(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let now = store.now
        let items = try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> [AttachmentRecord] in
            guard let e = team.emails[id] else { throw .notFound("Email") }
            return e.attachments
        }
        return ok(Pagination.list(items.map { Self.attachmentJSON($0, now: now, object: false) }, hasMore: false))
    }

    func getAttachment(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let attachmentId = try uuidParameter(req, "attachment_id")
        let now = store.now
        let a = try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> AttachmentRecord in
            guard let e = team.emails[id] else { throw .notFound("Email") }
            guard let a = e.attachments.first(where: { $0.id == attachmentId }) else { throw .notFound("Attachment") }
            return a
        }
        return ok(Self.attachmentJSON(a, now: now, object: true))
    }

    static func attachmentJSON(_ a: AttachmentRecord, now: Int64, object: Bool) -> JSON {
        var o: JSONObject = object ? ["object": "attachment"] : [:]
        o["id"] = .string(a.id)
        o["filename"] = .string(a.filename)
        o["size"] = .int(a.size)
        o["content_type"] = .string(a.contentType)
        o["content_disposition"] = .string(a.contentId == nil ? "attachment" : "inline")
        o["content_id"] = .string(a.contentId)
        o["download_url"] = .string("https://api.postflare.app/attachments/\(a.id)")
        o["expires_at"] = Time.iso(now + 3600 * 1000)
        return .object(o)
    }

    /// The e-mail as `GET /emails/{id}` (full) or a list item shows it. cc/bcc/reply_to are always arrays,
    /// as the spec declares them (the docs' list example shows `null`, but that is not recorded traffic).
    static func emailJSON(_ e: EmailRecord, now: Int64, full: Bool) -> JSON {
        func list(_ a: [String]) -> JSON { .array(a.map { .string($0) }) }
        var o: JSONObject = full ? ["object": "email"] : [:]
        o["id"] = .string(e.id)
        o["to"] = .array(e.to.map { .string($0) })
        o["from"] = .string(e.from)
        o["created_at"] = Time.email(e.createdAt)
        o["subject"] = .string(e.subject)
        if full {
            o["html"] = .string(e.html)
            o["text"] = .string(e.text)
        }
        o["bcc"] = list(e.bcc)
        o["cc"] = list(e.cc)
        o["reply_to"] = list(e.replyTo)
        o["last_event"] = .string(EmailLife.lastEvent(e, now: now))
        o["scheduled_at"] = Time.email(e.scheduledAt)
        if full {
            o["message_id"] = .string(
                "<\(Timestamp(millis: e.createdAt).compact()).\(e.id.prefix(8))@email.postflare.app>"
            )
            o["tags"] = .array(e.tags)
            o["topic_id"] = .string(e.topicId)
        }
        return .object(o)
    }
}

/// A path id that must be a UUID (spec §3.2 `invalid_parameter`).
func uuidParameter(_ req: Request, _ name: String) throws(PostflareError) -> String {
    let v = req.parameter(name)
    guard IDs.isUUID(v) else { throw .invalidParameter(name) }
    return v.lowercased()
}
