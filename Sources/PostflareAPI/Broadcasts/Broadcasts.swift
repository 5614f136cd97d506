// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// `/broadcasts` (spec §2.9). Sending creates one e-mail per subscribed contact of the segment, each
/// validated like `POST /emails` and rendered with the contact's fields; a scheduled broadcast's e-mails
/// wait for its time on the emulator clock, and canceling it cancels them.
extension PostflareAPI {
    static let broadcastRoutes: [PostflareRoute] =
        broadcasts.routes(.list, .get) + [
            (.POST, "/broadcasts", PostflareAPI.createBroadcast),
            (.PATCH, "/broadcasts/{id}", PostflareAPI.updateBroadcast),
            (.DELETE, "/broadcasts/{id}", PostflareAPI.deleteBroadcast),
            (.POST, "/broadcasts/{id}/send", PostflareAPI.sendDraftBroadcast),
            (.POST, "/broadcasts/{id}/duplicate", PostflareAPI.duplicateBroadcast),
            (.POST, "/broadcasts/{id}/cancel", PostflareAPI.cancelBroadcast),
        ]

    func updateBroadcast(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let body = try Body(req)
        try modify(Self.broadcasts, id, p) { b, team throws(PostflareError) in
            guard b.status == "draft" else { throw .validation("Only draft broadcasts can be updated.") }
            try Self.applyBroadcastFields(body, to: &b, team: team)
        }
        return ok(["id": .string(id), "object": "broadcast"])
    }

    func deleteBroadcast(_ req: Request, _ p: Principal) throws -> Response {
        let id = try remove(Self.broadcasts, req, p) { b, team, now throws(PostflareError) in
            let status = Self.status(b, now: now)
            guard status == "draft" || status == "scheduled" else {
                throw .validation("You can only delete broadcasts that are in the draft or scheduled status.")
            }
            // "if you delete a broadcast that has already been scheduled … it won't be sent".
            for e in b.emailIds { team.emails[e]?.canceledAt = now }
        }
        lifeChanged()
        return ok(Self.broadcasts.deleted(id))
    }

    func sendDraftBroadcast(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let body = try Body(req)
        let now = store.now
        let at = try body.string("scheduled_at").map { text throws(PostflareError) in
            try Scheduling.validate(text, now: now)
        }
        let sent = try store.withTeam(p.teamId) { team, state throws(PostflareError) -> [EmailRecord] in
            guard team.broadcasts[id] != nil else { throw .notFound("Broadcast") }
            return try sendBroadcast(id, team: &team, state: &state, principal: p, scheduledAt: at, now: now)
        }
        for email in sent { announce(email, team: p.teamId) }
        return ok(["id": .string(id)])
    }

    /// Newer than the contract (resend-python 2.x `Broadcasts.duplicate`): a draft copy.
    func duplicateBroadcast(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let now = store.now
        let copy = try insert(Self.broadcasts, p) { team, state throws(PostflareError) in
            guard var b = team.broadcasts[id] else { throw .notFound("Broadcast") }
            b.id = IDs.uuid()
            b.status = "draft"
            b.createdAt = now
            b.scheduledAt = nil
            b.sentAt = nil
            b.emailIds = []
            b.seq = state.nextSeq()
            return b
        }.id
        return ok(["object": "broadcast", "id": .string(copy)])
    }

    func cancelBroadcast(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let now = store.now
        try modify(Self.broadcasts, id, p) { b, team throws(PostflareError) in
            guard Self.status(b, now: now) == "scheduled" else {
                throw .validation("Only queued or scheduled broadcasts can be canceled")
            }
            for e in b.emailIds { team.emails[e]?.canceledAt = now }
            b.status = "canceled"
        }
        lifeChanged()
        return ok(["id": .string(id), "object": "broadcast"])
    }

    func createBroadcast(_ req: Request, _ p: Principal) throws -> Response {
        let body = try Body(req)
        guard body.has("segment_id") || body.has("audience_id") else { throw PostflareError.missingField("segment_id") }
        _ = try body.requiredString("from")
        _ = try body.requiredString("subject")
        let send = try body.bool("send") ?? false
        let scheduledText = try body.string("scheduled_at")
        if scheduledText != nil && !send {
            throw PostflareError.validation("The `scheduled_at` field can only be used if `send` is true.")
        }
        let now = store.now
        let at = try scheduledText.map { text throws(PostflareError) in try Scheduling.validate(text, now: now) }
        let (id, sent) = try store.withTeam(p.teamId) { team, state throws(PostflareError) -> (String, [EmailRecord]) in
            var b = BroadcastRecord(
                id: IDs.uuid(),
                name: nil,
                segmentId: "",
                from: "",
                subject: "",
                replyTo: nil,
                previewText: nil,
                html: nil,
                text: nil,
                topicId: nil,
                status: "draft",
                createdAt: now,
                scheduledAt: nil,
                sentAt: nil,
                emailIds: [],
                seq: state.nextSeq()
            )
            try Self.applyBroadcastFields(body, to: &b, team: team)
            team.broadcasts[b.id] = b
            guard send else { return (b.id, []) }
            return (b.id, try sendBroadcast(b.id, team: &team, state: &state, principal: p, scheduledAt: at, now: now))
        }
        for email in sent { announce(email, team: p.teamId) }
        return ok(["id": .string(id), "object": "broadcast"], status: 201)
    }

    static func applyBroadcastFields(_ body: Body, to b: inout BroadcastRecord, team: Team) throws(PostflareError) {
        let legacy = try body.string("audience_id")
        if let s = try body.string("segment_id") ?? legacy {
            guard team.segments[s] != nil else { throw .notFound("Segment") }
            b.segmentId = s
        }
        if let from = try body.string("from") {
            guard EmailAddress.parse(from) != nil else { throw EmailAddress.invalidFieldError("from") }
            b.from = from
        }
        if let subject = try body.string("subject") { b.subject = subject }
        if body.has("reply_to") { b.replyTo = try body.stringList("reply_to") }
        if body.has("preview_text") { b.previewText = try body.string("preview_text") }
        if body.has("html") { b.html = try body.string("html") }
        if body.has("text") { b.text = try body.string("text") }
        if body.has("name") { b.name = try body.string("name") }
        if let topic = try body.string("topic_id") {
            guard team.topics[topic] != nil else { throw .notFound("Topic") }
            b.topicId = topic
        }
    }

    /// Creates the broadcast's e-mails (validated as `POST /emails` would) for every subscribed contact.
    func sendBroadcast(
        _ id: String,
        team: inout Team,
        state: inout PostflareStore.State,
        principal: Principal,
        scheduledAt: Int64?,
        now: Int64
    ) throws(PostflareError) -> [EmailRecord] {
        guard var b = team.broadcasts[id] else { throw .notFound("Broadcast") }
        guard b.status == "draft" else { throw .validation("Only draft broadcasts can be sent.") }
        let input = EmailInput(principal: principal, now: now, inBatch: false)
        let recipients = team.contacts.values
            .filter { c in
                c.segmentIds.contains(b.segmentId) && !c.unsubscribed
                    && (b.topicId.map { t in (c.topics[t] ?? team.topics[t]?.defaultSubscription) != "opt_out" } ?? true)
            }
        var emails: [EmailRecord] = []
        for c in recipients {
            let values = [
                "FIRST_NAME": c.firstName ?? "", "LAST_NAME": c.lastName ?? "", "EMAIL": c.email,
                "contact.first_name": c.firstName ?? "", "contact.last_name": c.lastName ?? "",
                "contact.email": c.email,
                "RESEND_UNSUBSCRIBE_URL": "https://api.postflare.app/unsubscribe/\(c.id)",
            ]
            var o: JSONObject = [
                "from": .string(b.from), "to": .string(c.email),
                "subject": .string(TemplateRendering.render(b.subject, values)),
            ]
            if let h = b.html { o["html"] = .string(TemplateRendering.render(h, values)) }
            if let t = b.text { o["text"] = .string(TemplateRendering.render(t, values)) }
            if let r = b.replyTo { o["reply_to"] = .array(r.map { .string($0) }) }
            var e = try input.parse(Body(object: o), in: team)
            e.id = IDs.uuid()
            e.seq = state.nextSeq()
            e.broadcastId = id
            e.topicId = b.topicId
            if let scheduledAt {
                e.scheduledAt = scheduledAt
                e.sendAt = max(now, scheduledAt)
            }
            emails.append(e)
        }
        // Charged once every e-mail is valid: a failed send leaves the quota untouched.
        try chargeQuota(&team, count: emails.count, now: now)
        for e in emails { team.store(e) }
        b.emailIds = emails.map(\.id)
        b.scheduledAt = scheduledAt
        b.sentAt = max(now, scheduledAt ?? now)
        b.status = "sent"
        team.broadcasts[id] = b
        return emails
    }

    /// Status on the emulator clock: `scheduled` until its time, then `sent`.
    static func status(_ b: BroadcastRecord, now: Int64) -> String {
        if b.status == "sent", let at = b.scheduledAt, now < at { return "scheduled" }
        return b.status
    }

    static func broadcastJSON(_ b: BroadcastRecord, now: Int64, detail: Bool) -> JSON {
        let status = status(b, now: now)
        var o: JSONObject = detail ? ["object": "broadcast"] : [:]
        o["id"] = .string(b.id)
        o["name"] = .string(b.name)
        o["audience_id"] = .string(b.segmentId)
        o["segment_id"] = .string(b.segmentId)
        if detail {
            o["from"] = .string(b.from)
            o["subject"] = .string(b.subject)
            o["reply_to"] = b.replyTo.map { .array($0.map { .string($0) }) } ?? .null
            o["preview_text"] = .string(b.previewText)
            o["html"] = .string(b.html)
            o["text"] = .string(b.text)
        }
        o["status"] = .string(status)
        o["created_at"] = Time.pg(b.createdAt)
        o["scheduled_at"] = Time.pg(b.scheduledAt)
        o["sent_at"] = status == "sent" ? Time.pg(b.sentAt) : .null
        o["topic_id"] = .string(b.topicId)
        return .object(o)
    }
}
