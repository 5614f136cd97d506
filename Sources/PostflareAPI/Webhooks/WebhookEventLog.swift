// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// Resend's webhook event log (newer than our copy of the contract): `GET /webhooks/{webhook_id}/events`,
/// `…/events/{event_id}` (with `payload` and `next_attempt_at`), `…/events/{event_id}/attempts` and
/// `POST …/events/{event_id}/replay`. Shapes from resend-openapi PR #106 (list, get, attempts; `after`-only
/// pagination) and PR #112 (replay → `{object: "webhook_event", id}`, 422 `validation_error` for a disabled
/// webhook), resend-node `src/webhooks/interfaces/*-webhook-event*.ts` (statuses `pending`, `attempting`,
/// `success`, `failed`; attempts `{id, http_status_code, response, sent_at}`) and resend-node PR #1087 ("manual
/// replays do not schedule automatic retries"). The event id is the Svix message id (`msg_…`), as the SDKs'
/// examples show. The log is fed by the delivery worker's real attempts (`deliveryAttempted`).
struct WebhookEventRecord: Sendable, Listed, Codable {
    struct Attempt: Sendable, Listed, Codable {
        var id: String
        var seq: Int
        /// The endpoint's status; 0 when no answer came (Resend's type is a number, never null).
        var status: Int
        /// What the worker learnt of the answer: empty for an answer (its body is not kept), the transport
        /// error otherwise.
        var response: String
        var sentAt: Int64
        var rowID: String { id }
    }

    var id: String
    var seq: Int
    var webhookId: String
    var type: String
    var createdAt: Int64
    var body: [UInt8]
    var status: String
    var nextAttemptAt: Int64?
    var attempts: [Attempt] = []
    /// Automatic attempts made (manual replays are not counted), to know when the schedule has ended.
    var automaticAttempts = 0
    var rowID: String { id }
}

extension Team {
    /// Events kept per team (all webhooks together), oldest dropped first.
    static let maxLoggedWebhookEvents = 10_000

    mutating func logWebhookEvent(_ record: WebhookEventRecord) {
        webhookEvents.upsert(record)
        let excess = webhookEvents.count - Self.maxLoggedWebhookEvents
        if excess > 0 { webhookEvents.removeFirst(excess) }
    }
}

extension PostflareAPI {
    static let webhookEventRoutes: [PostflareRoute] = [
        (.GET, "/webhooks/{id}/events", PostflareAPI.listWebhookEvents),
        (.GET, "/webhooks/{id}/events/{event_id}", PostflareAPI.getWebhookEvent),
        (.GET, "/webhooks/{id}/events/{event_id}/attempts", PostflareAPI.listWebhookEventAttempts),
        (.POST, "/webhooks/{id}/events/{event_id}/replay", PostflareAPI.replayWebhookEvent),
    ]

    /// "A well-formed `?before=` returns 422 "The `before` parameter is not supported for this endpoint.""
    /// (resend-mcp PR #221, on these endpoints).
    static func forwardOnly(_ req: Request) throws(PostflareError) {
        if req.query("before") != nil {
            throw .validation("The `before` parameter is not supported for this endpoint.")
        }
    }

    func listWebhookEvents(_ req: Request, _ p: Principal) throws -> Response {
        let hookId = try uuidParameter(req, "id")
        try Self.forwardOnly(req)
        let list = try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
            guard team.webhooks[hookId] != nil else { throw .notFound("Webhook") }
            return try Pagination.list(team.webhookEvents, req, defaultLimit: 20, where: { $0.webhookId == hookId }) {
                Self.webhookEventJSON($0, detail: false)
            }
        }
        return ok(list)
    }

    func getWebhookEvent(_ req: Request, _ p: Principal) throws -> Response {
        let (hookId, eventId) = try Self.eventParameters(req)
        let event = try store.withTeam(p.teamId) { team, _ throws(PostflareError) in
            try Self.event(in: team, hookId, eventId)
        }
        return ok(Self.webhookEventJSON(event, detail: true))
    }

    func listWebhookEventAttempts(_ req: Request, _ p: Principal) throws -> Response {
        let (hookId, eventId) = try Self.eventParameters(req)
        try Self.forwardOnly(req)
        let event = try store.withTeam(p.teamId) { team, _ throws(PostflareError) in
            try Self.event(in: team, hookId, eventId)
        }
        return ok(
            try Pagination.list(event.attempts, req, defaultLimit: 20) { a in
                [
                    "id": .string(a.id), "http_status_code": .int(Int64(a.status)),
                    "response": .string(a.response), "sent_at": Time.pg(a.sentAt),
                ]
            }
        )
    }

    /// Queues one more delivery of the event, due at once; it is signed afresh and schedules no retries.
    func replayWebhookEvent(_ req: Request, _ p: Principal) throws -> Response {
        let (hookId, eventId) = try Self.eventParameters(req)
        let replay = try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> WebhookReplayQueue.Replay in
            let event = try Self.event(in: team, hookId, eventId)
            guard let hook = team.webhooks[hookId], hook.status == "enabled" else {
                throw .validation("The webhook is disabled. Enable it before replaying its events.")
            }
            return WebhookReplayQueue.Replay(
                teamId: p.teamId,
                webhookId: hookId,
                messageId: event.id,
                eventType: event.type,
                body: event.body
            )
        }
        webhookReplays.add(replay)
        return ok(["object": "webhook_event", "id": .string(eventId)])
    }

    private static func eventParameters(_ req: Request) throws(PostflareError) -> (String, String) {
        let hookId = try uuidParameter(req, "id")
        let eventId = req.parameter("event_id")
        guard !eventId.isEmpty, eventId.utf8.count <= 64 else { throw .invalidParameter("event_id") }
        return (hookId, eventId)
    }

    private static func event(
        in team: Team,
        _ hookId: String,
        _ eventId: String
    ) throws(PostflareError)
        -> WebhookEventRecord
    {
        guard team.webhooks[hookId] != nil else { throw .notFound("Webhook") }
        guard let event = team.webhookEvents[eventId], event.webhookId == hookId else {
            throw .notFound("Webhook event")
        }
        return event
    }

    static func webhookEventJSON(_ e: WebhookEventRecord, detail: Bool) -> JSON {
        var o: JSONObject = detail ? ["object": "webhook_event"] : [:]
        o["id"] = .string(e.id)
        o["type"] = .string(e.type)
        o["created_at"] = Time.pg(e.createdAt)
        o["status"] = .string(e.status)
        if detail {
            o["next_attempt_at"] = Time.pg(e.nextAttemptAt)
            o["payload"] = (try? JSON.parse(e.body)) ?? .null
        }
        return .object(o)
    }

    /// The delivery worker made an attempt: it joins the event's attempts and sets its status (`success`;
    /// `attempting` while a retry is scheduled; `failed` once none is).
    func recordWebhookAttempt(_ d: OutboundDelivery, status: Int?, error: String?, nextAttempt: Timestamp?) {
        let now = store.now
        let manual = WebhookReplayQueue.isManual(d)
        try? store.withState { state throws(PostflareError) in
            guard var team = state.teams.removeValue(forKey: d.teamId) else { return }
            team.webhookEvents.modify(d.messageId) { e in
                let ok = status.map { (200...299).contains($0) } ?? false
                e.attempts.insert(
                    .init(
                        id: IDs.uuid(),
                        seq: (e.attempts.first?.seq ?? 0) + 1,
                        status: status ?? 0,
                        response: error ?? "",
                        sentAt: now
                    ),
                    at: 0
                )
                if !manual {
                    e.automaticAttempts += 1
                    e.nextAttemptAt = nextAttempt?.millis
                }
                if ok {
                    e.status = "success"
                    if !manual { e.nextAttemptAt = nil }
                } else {
                    e.status = e.nextAttemptAt != nil ? "attempting" : "failed"
                }
            }
            state.teams[d.teamId] = team
        }
    }
}

/// Manual replays waiting for the worker. They go out as attempt 0, which Resend's automatic schedule never
/// uses (it counts from 1): the retry queue schedules nothing after an attempt 0, and the log tells it apart.
final class WebhookReplayQueue: Sendable {
    struct Replay: Sendable {
        var teamId: String
        var webhookId: String
        var messageId: String
        var eventType: String
        var body: [UInt8]
    }

    static let capacity = 1_000
    private let waiting = Locked<[Replay]>([])

    func add(_ r: Replay) {
        waiting.withLock { w in
            guard w.count < Self.capacity else { return }
            w.append(r)
        }
    }

    /// The waiting replays, now handed out.
    func take() -> [Replay] {
        waiting.withLock { w in
            defer { w.removeAll() }
            return w
        }
    }

    static func isManual(_ d: OutboundDelivery) -> Bool { d.attempt == 0 }

    func reset() { waiting.withLock { $0.removeAll() } }
}
