// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// A team's `emails` in `fixtures/postflare.json`: e-mails already sent, written as `GET /emails/{id}` shows
/// them: `{"id"?, "from", "to", "cc"?, "bcc"?, "reply_to"?, "subject", "html"?, "text"?, "tags"?, "headers"?,
/// "attachments"?: [{"filename", "content" (base64), "content_type"?}], "template"?, "topic_id"?,
/// "created_at"?, "scheduled_at"?, "last_event"? | "events"?: [{"type", "at"?}]}`.
///
/// Each is checked as `POST /emails` checks a send (verified sender domain, recipients, tags, headers,
/// attachments, a published template), so a fixture e-mail is one the API could have sent, and is stored as
/// the same `EmailRecord`. It is history, not a send: its timeline is fixed (`EmailRecord.recorded`), it emits
/// no webhook and no change-feed event at load, and it cannot be canceled or rescheduled. That holds for the
/// non-terminal states too (`queued`, `scheduled`, `sent`, `delivery_delayed`): the e-mail stays there, so a
/// demo shows the same picture every time; a live e-mail is one `POST /emails` away. Events dated after the
/// emulator clock are reached when the clock is (reads derive `last_event` from it), still without webhooks.
/// Without `created_at` the e-mail is dated so that its last event is the load time.
enum FixtureEmails {
    /// `last_event` values (Resend's `GetEmailResponse.last_event`, resend-node `get-email.interface.ts`).
    static let eventTypes: Set<String> = [
        "queued", "scheduled", "sent", "delivered", "delivery_delayed", "bounced", "complained", "opened",
        "clicked", "failed", "suppressed", "canceled",
    ]

    /// The timeline a `last_event` alone stands for: the steps a send takes to reach it, at the offsets
    /// `EmailLife` uses after `sendAt`; opens and clicks a minute and two after delivery (the emulator's choice).
    static let paths: [String: [(type: String, after: Int64)]] = [
        "queued": [],
        "scheduled": [("scheduled", 0)],
        "sent": [("sent", EmailLife.sentAfterMillis)],
        "delivered": [("sent", EmailLife.sentAfterMillis), ("delivered", EmailLife.outcomeAfterMillis)],
        "delivery_delayed": [("sent", EmailLife.sentAfterMillis), ("delivery_delayed", EmailLife.outcomeAfterMillis)],
        "bounced": [("sent", EmailLife.sentAfterMillis), ("bounced", EmailLife.outcomeAfterMillis)],
        "complained": [
            ("sent", EmailLife.sentAfterMillis), ("delivered", EmailLife.outcomeAfterMillis),
            ("complained", EmailLife.complaintAfterMillis),
        ],
        "opened": [
            ("sent", EmailLife.sentAfterMillis), ("delivered", EmailLife.outcomeAfterMillis), ("opened", 60_000),
        ],
        "clicked": [
            ("sent", EmailLife.sentAfterMillis), ("delivered", EmailLife.outcomeAfterMillis), ("opened", 60_000),
            ("clicked", 120_000),
        ],
        "failed": [("failed", EmailLife.sentAfterMillis)],
        "suppressed": [("suppressed", EmailLife.sentAfterMillis)],
        "canceled": [("scheduled", 0), ("canceled", EmailLife.sentAfterMillis)],
    ]

    /// Keys of a fixture e-mail that are not part of a send body.
    static let historyKeys = ["id", "object", "created_at", "scheduled_at", "last_event", "events", "message_id"]

    /// The team's fixture e-mails, oldest first (so that their sequence numbers follow their creation times).
    /// - Parameters:
    ///   - list: the team's `emails` array.
    ///   - team: the team as loaded so far (its domains, templates and topics are checked against).
    ///   - path: the team's JSON path (`teams[0]`) for error messages.
    ///   - now: the emulator clock at load, the default `created_at`.
    static func parse(_ list: [JSON], team: Team, path: String, now: Int64) throws(FixtureError) -> [EmailRecord] {
        var out: [EmailRecord] = []
        var ids: Set<String> = []
        for (n, item) in list.enumerated() {
            let at = "\(path).emails[\(n)]"
            func fail(_ message: String) -> FixtureError {
                FixtureError(vendor: PostflareAPI.vendorName, path: at, "e-mail of team '\(team.id)': " + message)
            }
            guard let object = item.objectValue else { throw fail("not an object") }
            let email = try email(object, team: team, now: now, fail: fail)
            guard ids.insert(email.id).inserted, team.emails[email.id] == nil else {
                throw fail("the id '\(email.id)' is used twice")
            }
            out.append(email)
        }
        // A stable sort: e-mails created at the same time keep the file's order.
        return out.enumerated().sorted { ($0.element.createdAt, $0.offset) < ($1.element.createdAt, $1.offset) }
            .map(\.element)
    }

    private static func email(
        _ object: JSONObject,
        team: Team,
        now: Int64,
        fail: (String) -> FixtureError
    ) throws(FixtureError) -> EmailRecord {
        func time(_ value: JSON?, _ key: String) throws(FixtureError) -> Int64? {
            guard let value, !value.isNull else { return nil }
            guard let text = value.stringValue, let t = Timestamp.parseISO8601(text) else {
                throw fail("`\(key)` must be an ISO 8601 date-time like 2026-11-30T09:15:00Z")
            }
            return t.millis
        }
        var id = IDs.uuid()
        if let given = object["id"], !given.isNull {
            // `GET /emails/{id}` takes only UUIDs (spec §3.2 `invalid_parameter`).
            guard let text = given.stringValue, IDs.isUUID(text) else { throw fail("`id` must be a UUID") }
            id = text.lowercased()
        }
        let createdAt = try time(object["created_at"], "created_at") ?? now
        let scheduledAt = try time(object["scheduled_at"], "scheduled_at")
        var send = object
        for key in historyKeys { send[key] = nil }
        let principal = Principal(teamId: team.id, keyId: "", permission: "full_access", domainId: nil)
        var email: EmailRecord
        do throws(PostflareError) {
            // Checked at the load time, as the team's fixture domains and templates are dated.
            email = try EmailInput(principal: principal, now: now, inBatch: false).parse(Body(object: send), in: team)
        } catch {
            throw fail(error.message)
        }
        email.id = id
        email.createdAt = createdAt
        email.scheduledAt = scheduledAt
        email.sendAt = max(createdAt, scheduledAt ?? createdAt)
        var recorded = try timeline(object, email: email, time: time, fail: fail)
        if recorded.first?.at ?? createdAt < createdAt { throw fail("an event is dated before `created_at`") }
        if object["created_at"] == nil || object["created_at"]?.isNull == true, let end = recorded.last?.at, end > now {
            // Undated history ends at the load time rather than starting there, so that every event has
            // happened when the emulator starts (a `delivered` e-mail is delivered, not queued for 2 s).
            let shift = end - now
            email.createdAt -= shift
            email.sendAt -= shift
            email.scheduledAt = email.scheduledAt.map { $0 - shift }
            recorded = recorded.map { SimulatedEvent(type: $0.type, at: $0.at - shift) }
        }
        email.recorded = recorded
        email.canceledAt = recorded.last { $0.type == "canceled" }?.at
        return email
    }

    /// The e-mail's events: `events` as given (an event without `at` one second after the one before it), or
    /// the path to `last_event`, or, with neither, the outcome its recipients give (Resend's test addresses).
    private static func timeline(
        _ object: JSONObject,
        email: EmailRecord,
        time: (JSON?, String) throws(FixtureError) -> Int64?,
        fail: (String) -> FixtureError
    ) throws(FixtureError) -> [SimulatedEvent] {
        func type(_ value: JSON?, _ key: String) throws(FixtureError) -> String? {
            guard let value, !value.isNull else { return nil }
            let given = value.stringValue ?? ""
            let name = given.hasPrefix("email.") ? String(given.dropFirst(6)) : given
            guard eventTypes.contains(name) else {
                throw fail("`\(key)` must be one of " + eventTypes.sorted().joined(separator: ", "))
            }
            return name
        }
        let last = try type(object["last_event"], "last_event")
        guard let given = object["events"], !given.isNull else {
            let name = last ?? defaultLastEvent(email)
            // Scheduling and canceling happen before the send; the rest after it.
            return (paths[name] ?? []).map { step in
                let base = step.type == "scheduled" || step.type == "canceled" ? email.createdAt : email.sendAt
                return SimulatedEvent(type: step.type, at: base + step.after)
            }
        }
        guard let items = given.arrayValue else { throw fail("`events` must be an array of {\"type\", \"at\"}") }
        var out: [SimulatedEvent] = []
        for (i, item) in items.enumerated() {
            guard item.objectValue != nil, let name = try type(item["type"], "events[\(i)].type") else {
                throw fail("`events[\(i)]` needs a `type`")
            }
            let at = try time(item["at"], "events[\(i)].at") ?? (out.last?.at ?? email.sendAt) + 1_000
            if let previous = out.last?.at, at < previous {
                throw fail("`events` must be in time order (events[\(i)] is earlier)")
            }
            out.append(SimulatedEvent(type: name, at: at))
        }
        if let last, last != out.last?.type ?? "queued" {
            throw fail("`last_event` is '\(last)' but the last of `events` is '\(out.last?.type ?? "none")'")
        }
        return out
    }

    /// What a send to these recipients would end as.
    static func defaultLastEvent(_ email: EmailRecord) -> String {
        switch EmailLife.outcome(of: email) {
        case .delivered: "delivered"
        case .bounced: "bounced"
        case .complained: "complained"
        case .suppressed: "suppressed"
        }
    }
}
