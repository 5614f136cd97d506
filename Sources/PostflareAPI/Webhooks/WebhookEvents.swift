// SPDX-License-Identifier: Apache-2.0
public import EmulatorKit
import HTTPCore

/// One webhook POST the server should make: Svix-signed JSON (spec §6), through the app's delivery worker.
/// `headers` has `content-type`, `svix-id`, `svix-timestamp`, `svix-signature` (and their `webhook-*` twins,
/// which the `standardwebhooks` verifier of the Node SDK reads); report a failure with
/// `webhookDeliveryFailed(_:)` to get the next attempt.
public typealias PostflareWebhookDelivery = OutboundDelivery

extension OutboundDelivery {
    var teamId: String { tenant }
    var webhookId: String { endpointId }
    /// The Svix message id, the same on every attempt.
    var messageId: String { deliveryId }
}

/// An event waiting to be delivered.
struct WebhookEvent: Sendable, Codable {
    var type: String
    var at: Int64
    var data: JSON
}

extension PostflareAPI {
    /// The webhook deliveries that became due on the emulator clock since the last call, for the server to
    /// POST: each event once per enabled webhook subscribed to its type, plus the retries that are due.
    /// E-mail events follow the e-mail's life (`email.scheduled`, `email.sent`, `email.delivered`,
    /// `email.bounced`, `email.complained`, `email.suppressed`); contact and domain events are emitted by
    /// their handlers.
    public func takeDueWebhookDeliveries() -> [PostflareWebhookDelivery] {
        let now = store.now
        let signedAt = store.realNow / 1000
        let retries = webhookRetries.takeDue(now: now)
        let replays = webhookReplays.take()
        typealias Fresh = (teamId: String, hook: WebhookRecord, type: String, messageId: String, body: [UInt8])
        typealias Due = (
            fresh: [Fresh], retried: [(WebhookRecord, WebhookRetryQueue.Retry)],
            replayed: [(WebhookRecord, WebhookReplayQueue.Replay)]
        )
        let (fresh, retried, replayed) =
            (try? store.withState { state throws(PostflareError) -> Due in
                var fresh: [Fresh] = []
                var retried: [(WebhookRecord, WebhookRetryQueue.Retry)] = []
                var replayed: [(WebhookRecord, WebhookReplayQueue.Replay)] = []
                for teamId in Array(state.teams.keys) {
                    guard var team = state.teams.removeValue(forKey: teamId) else { continue }
                    team.advanceEmailEvents(now: now)
                    let events = team.pendingEvents.sorted { $0.at < $1.at }
                    team.pendingEvents.removeAll()
                    let hooks = team.webhooks.values.filter(\.receivesEvents)
                    for event in events {
                        for hook in hooks where hook.events.contains(event.type) {
                            let messageId = "msg_" + IDs.random(24)
                            let body = JSON.object([
                                "type": .string(event.type), "created_at": Time.iso(event.at), "data": event.data,
                            ]).serialized()
                            fresh.append((teamId, hook, event.type, messageId, body))
                            // The event log (`GET /webhooks/{id}/events`): pending until the worker's attempt.
                            team.logWebhookEvent(
                                WebhookEventRecord(
                                    id: messageId,
                                    seq: state.nextSeq(),
                                    webhookId: hook.id,
                                    type: event.type,
                                    createdAt: event.at,
                                    body: body,
                                    status: "pending",
                                    nextAttemptAt: now
                                )
                            )
                        }
                    }
                    state.teams[teamId] = team
                }
                // "Disabled/removed endpoints stop deliveries" (spec §6.4).
                for r in retries {
                    if let hook = state.teams[r.teamId]?.webhooks[r.webhookId], hook.receivesEvents {
                        retried.append((hook, r))
                    }
                }
                for r in replays {
                    if let hook = state.teams[r.teamId]?.webhooks[r.webhookId], hook.receivesEvents {
                        replayed.append((hook, r))
                    }
                }
                return (fresh, retried, replayed)
            }) ?? ([], [], [])
        var out = fresh.map { f in
            Self.delivery(
                f.hook,
                teamId: f.teamId,
                messageId: f.messageId,
                eventType: f.type,
                body: f.body,
                attempt: 1,
                signedAt: signedAt
            )
        }
        // Manual replays go out as attempt 0: no retry is scheduled after them (resend-node PR #1087).
        for (hook, r) in replayed {
            out.append(
                Self.delivery(
                    hook,
                    teamId: r.teamId,
                    messageId: r.messageId,
                    eventType: r.eventType,
                    body: r.body,
                    attempt: 0,
                    signedAt: signedAt
                )
            )
        }
        for (hook, r) in retried {
            out.append(
                Self.delivery(
                    hook,
                    teamId: r.teamId,
                    messageId: r.messageId,
                    eventType: r.eventType,
                    body: r.body,
                    attempt: r.attempt,
                    signedAt: signedAt
                )
            )
        }
        return out
    }

    /// Schedules the next attempt of a delivery the server could not make (no 2xx): Resend's schedule
    /// after the first attempt is 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (spec §6.4), with the same
    /// `svix-id` and a fresh `svix-timestamp`. After the eighth attempt the message is dropped.
    /// - Returns: whether another attempt was scheduled (false after the last one).
    @discardableResult
    public func webhookDeliveryFailed(_ delivery: PostflareWebhookDelivery) -> Bool {
        webhookRetries.schedule(delivery, now: store.now)
    }

    /// A signed delivery. `signedAt` (the `svix-timestamp`, Unix seconds) is real time, not the emulator
    /// clock: Svix, `resend.Webhooks.verify` and `standardwebhooks` refuse a timestamp more than five minutes
    /// from the receiver's own clock, so a test that had advanced the emulator clock (Resend's retries reach
    /// 10 h) would otherwise see every later delivery rejected. The emulator clock still decides when an event
    /// or a retry is due, and the payload's `created_at` stays on it.
    static func delivery(
        _ hook: WebhookRecord,
        teamId: String,
        messageId: String,
        eventType: String,
        body: [UInt8],
        attempt: Int,
        signedAt timestamp: Int64
    ) -> PostflareWebhookDelivery {
        let signature = Svix.signature(secret: hook.signingSecret, id: messageId, timestamp: timestamp, body: body)
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        for prefix in ["svix", "webhook"] {
            headers.add(name: prefix + "-id", value: messageId)
            headers.add(name: prefix + "-timestamp", value: String(timestamp))
            headers.add(name: prefix + "-signature", value: signature)
        }
        return OutboundDelivery(
            vendor: PostflareAPI.vendorName,
            tenant: teamId,
            endpointId: hook.id,
            url: hook.endpoint,
            headers: headers,
            body: body,
            attempt: attempt,
            deliveryId: messageId,
            eventType: eventType
        )
    }
}

extension Team {
    /// At most this many undelivered events and tracked e-mails, in case nobody collects deliveries.
    static let maxPendingEvents = 10_000

    func subscribed(to type: String) -> Bool {
        webhooks.values.contains { $0.receivesEvents && $0.events.contains(type) }
    }

    mutating func emit(_ type: String, at: Int64, _ data: JSON) {
        guard subscribed(to: type), pendingEvents.count < Self.maxPendingEvents else { return }
        pendingEvents.append(WebhookEvent(type: type, at: at, data: data))
    }

    /// Starts following an e-mail's life for webhooks, if anyone listens to e-mail events.
    mutating func trackForWebhooks(_ email: EmailRecord) {
        guard trackedEmails.count < Self.maxPendingEvents,
            webhooks.values.contains(where: { $0.receivesEvents && $0.events.contains { $0.hasPrefix("email.") } })
        else { return }
        trackedEmails[email.id] = 0
    }

    /// Emits the e-mail events whose time has come.
    mutating func advanceEmailEvents(now: Int64) {
        for (id, emitted) in trackedEmails {
            guard let email = emails[id] else {
                trackedEmails[id] = nil
                continue
            }
            let timeline = EmailLife.timeline(email)
            var count = emitted
            while count < timeline.count, timeline[count].at <= now {
                emit(
                    timeline[count].type,
                    at: timeline[count].at,
                    EmailLife.webhookData(email, type: timeline[count].type)
                )
                count += 1
            }
            trackedEmails[id] = count == timeline.count ? nil : count
        }
    }
}

extension EmailLife {
    /// The webhook events of an e-mail with their times, in the same clock as `lastEvent`.
    static func timeline(_ e: EmailRecord) -> [(type: String, at: Int64)] {
        // A fixture e-mail's events happened before the emulator started: none is delivered again.
        if e.recorded != nil { return [] }
        var events: [(type: String, at: Int64)] = []
        if e.scheduledAt != nil { events.append(("email.scheduled", e.createdAt)) }
        switch outcome(of: e) {
        case .suppressed:
            events.append(("email.suppressed", e.sendAt + sentAfterMillis))
        case .bounced:
            events += [("email.sent", e.sendAt + sentAfterMillis), ("email.bounced", e.sendAt + outcomeAfterMillis)]
        case .complained:
            events += [
                ("email.sent", e.sendAt + sentAfterMillis), ("email.delivered", e.sendAt + outcomeAfterMillis),
                ("email.complained", e.sendAt + complaintAfterMillis),
            ]
        case .delivered:
            events += [("email.sent", e.sendAt + sentAfterMillis), ("email.delivered", e.sendAt + outcomeAfterMillis)]
        }
        // A canceled e-mail stops where it was canceled.
        if let canceled = e.canceledAt { events = events.filter { $0.at < canceled } }
        return events
    }

    /// `OutboundEmailEventData` (spec §6.2).
    static func webhookData(_ e: EmailRecord, type: String) -> JSON {
        var o: JSONObject = [:]
        if let b = e.broadcastId { o["broadcast_id"] = .string(b) }
        o["created_at"] = Time.email(e.createdAt)
        o["email_id"] = .string(e.id)
        o["from"] = .string(e.from)
        o["to"] = .array(e.to.map { .string($0) })
        o["subject"] = .string(e.subject)
        if let t = e.templateId { o["template_id"] = .string(t) }
        if type == "email.bounced" {
            o["bounce"] = [
                "diagnosticCode": ["smtp; 550 5.1.1 user unknown"],
                "message": "The recipient's email address does not exist.", "subType": "General", "type": "Permanent",
            ]
        }
        if type == "email.suppressed" {
            o["suppressed"] = [
                "diagnosticCode": ["smtp; 550 5.1.1 user unknown"],
                "message":
                    "The recipient's email address is on the suppression list because it has a recent history of producing hard bounces.",
                "reason": "previous_bounce", "type": "OnAccountSuppressionList",
            ]
        }
        var tags = JSONObject()
        for t in e.tags { if let n = t["name"]?.stringValue { tags[n] = t["value"] ?? "" } }
        o["tags"] = .object(tags)
        return .object(o)
    }
}

extension Team {
    /// `contact.created|updated|deleted` (spec §6.2 contact event data).
    mutating func emitContact(_ type: String, _ c: ContactRecord, now: Int64) {
        guard subscribed(to: type) else { return }
        var o: JSONObject = ["id": .string(c.id)]
        if let first = c.segmentIds.first { o["audience_id"] = .string(first) }
        o["segment_ids"] = .array(c.segmentIds.map { .string($0) })
        o["created_at"] = Time.iso(c.createdAt)
        o["updated_at"] = Time.iso(now)
        o["email"] = .string(c.email)
        o["first_name"] = .string(c.firstName)
        o["last_name"] = .string(c.lastName)
        o["unsubscribed"] = .bool(c.unsubscribed)
        emit(type, at: now, .object(o))
    }

    /// `domain.created|updated|deleted` (spec §6.2 domain event data).
    mutating func emitDomain(_ type: String, _ d: DomainRecord, now: Int64) {
        guard subscribed(to: type) else { return }
        let status = d.status(now: now)
        emit(
            type,
            at: now,
            [
                "id": .string(d.id), "name": .string(d.name), "status": .string(status),
                "created_at": Time.iso(d.createdAt),
                "region": .string(d.region), "records": .array(PostflareAPI.records(d, status: status)),
            ]
        )
    }
}
