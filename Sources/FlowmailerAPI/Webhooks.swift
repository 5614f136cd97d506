// SPDX-License-Identifier: Apache-2.0
public import EmulatorKit
import HTTPCore

/// SendPro (Flowmailer) webhooks. The real service configures them in its web UI, not through API v1.12 (help
/// centre articles 28898917106962 "webhooks" and 28913806325138 "which events are supported by webhooks?"):
/// a URL, a description, "add message tags", and filters by source and by event type. Here they come from the
/// fixtures (`accounts[].webhooks`) and from `POST /_emulator/webhooks`, and live in the account like its other
/// resources (reset, tenants and snapshots carry them).
///
/// What a receiver gets, per article 28913806325138:
/// - each POST body is a JSON **array**; each element is `{"messageEvent":{id,messageId,type,received,inserted,
///   snippet,mta,data,extraData},"messageTags":[…]}` (the article's DELIVERED example, `messageTags: []` when
///   the option is off);
/// - SUBMITTED events add the `message` object ("Submitted events use the following structure (adding the
///   message object)"; its example starts `{ "message": { "submi…`, so `message` comes first). The article says
///   PROCESSED also differs from the API's events but the stored copy shows no example: inferred, PROCESSED adds
///   the processed `message` too.
/// - The message is shown as of its event (SUBMITTED: status SUBMITTED), in the API's `Message` shape.
///
/// Choices the articles leave open (written down, not evidenced):
/// - the events that come due in one publish of the emulator clock go to a webhook in one array (a clock advance
///   delivers a message's whole life at once); one element per event;
/// - `Content-Type: application/json`, no signature (the articles describe none);
/// - a non-2xx answer or no answer is retried on the emulator clock after 1 min, 5 min, 30 min, 2 h and 6 h
///   (six attempts in all), then dropped; the delivery journal shows every attempt and its `next_attempt`.
extension FlowmailerAPI {
    static let webhookTable = "webhooks"
    /// Seconds after failed attempt n (n = 1…5) before attempt n + 1.
    static let webhookRetryDelays: [Int64] = [60, 300, 1_800, 7_200, 21_600]
    /// Event types a webhook may filter on: the API's message event types (spec §8) and those the article lists.
    static let webhookEventTypes: Set<String> = [
        "SUBMITTED", "PROCESSED", "DELIVERED", "ATTEMPT", "SOFTBOUNCE", "HARDBOUNCE", "BOUNCE", "COMPLAINT", "REJECT",
        "DISCARD", "OPENED", "CLICKED", "ERROR", "UNSUBSCRIBED", "HOLD", "RESUMED", "POSTED", "DEFERRED",
        "FLOW_EVENT",
    ]

    /// A webhook object from the control route's body or a fixture: `url` (absolute http or https), optional
    /// `description`, `add_message_tags`, `sources` (source ids) and `event_types`.
    static func webhook(from body: JSONObject, id: String) -> Result<JSONObject, VendorError> {
        guard let url = body["url"]?.stringValue, let scheme = url.split(separator: ":").first,
            ["http", "https"].contains(scheme.lowercased()), url.contains("://"), url.count <= 2_048
        else { return .failure(VendorError("'url' must be an absolute http or https URL")) }
        var out: JSONObject = ["id": .string(id), "url": .string(url)]
        switch body["description"] {
        case nil, .null?: out["description"] = ""
        case .string(let d)?: out["description"] = .string(d)
        default: return .failure(VendorError("'description' must be a string"))
        }
        switch body["add_message_tags"] {
        case nil, .null?: out["add_message_tags"] = false
        case .bool(let b)?: out["add_message_tags"] = .bool(b)
        default: return .failure(VendorError("'add_message_tags' must be true or false"))
        }
        for (key, check) in [("sources", { (_: String) in true }), ("event_types", { webhookEventTypes.contains($0) })]
        {
            switch body[key] {
            case nil, .null?: out[key] = []
            case .array(let items)?:
                var list: [JSON] = []
                for item in items {
                    guard let text = item.stringValue, !text.isEmpty, check(text) else {
                        let allowed =
                            key == "event_types"
                            ? " (one of \(webhookEventTypes.sorted().joined(separator: ", ")))" : ""
                        return .failure(VendorError("'\(key)' must be an array of non-empty strings\(allowed)"))
                    }
                    list.append(.string(text))
                }
                out[key] = .array(list)
            default: return .failure(VendorError("'\(key)' must be an array of strings"))
            }
        }
        return .success(out)
    }

    /// The elements for `hook` of the events that came due in `account`, in their order; empty when its filters
    /// keep none.
    static func webhookElements(_ hook: JSONObject, _ due: [DueEventQueue.Entry], in a: AccountState) -> [JSON] {
        let sources = Set((hook["sources"]?.arrayValue ?? []).compactMap(\.stringValue))
        let types = Set((hook["event_types"]?.arrayValue ?? []).compactMap(\.stringValue))
        let tags = hook["add_message_tags"]?.boolValue ?? false
        var out: [JSON] = []
        for entry in due {
            if !types.isEmpty && !types.contains(entry.type) { continue }
            guard let m = a.message(entry.id), sources.isEmpty || sources.contains(m.source.id),
                let event = m.events.first(where: { $0.type == entry.type && $0.inserted.millis == entry.at })
            else { continue }
            var o = JSONObject()
            if entry.type == "SUBMITTED" || entry.type == "PROCESSED" {
                o["message"] = m.json(at: event.inserted, flags: MessageFlags())
            }
            o["messageEvent"] = event.json(messageId: m.id)
            o["messageTags"] = .array(tags ? m.tags.map { .string($0) } : [])
            out.append(.object(o))
        }
        return out
    }

    /// Queues a POST to every webhook of the accounts whose events just came due (from `publishDueEvents`).
    func queueWebhooks(_ due: [DueEventQueue.Entry]) {
        guard !due.isEmpty else { return }
        var byAccount: [String: [DueEventQueue.Entry]] = [:]
        for entry in due { byAccount[entry.tenant, default: []].append(entry) }
        var deliveries: [OutboundDelivery] = []
        for (account, entries) in byAccount {
            let made = try? store.read(account) { a throws(HTTPError) -> [OutboundDelivery] in
                a.table(Self.webhookTable).all.compactMap { hook in
                    let elements = Self.webhookElements(hook, entries, in: a)
                    guard !elements.isEmpty, let url = hook["url"]?.stringValue else { return nil }
                    let types = Set(elements.compactMap { $0["messageEvent"]?["type"]?.stringValue })
                    return OutboundDelivery(
                        vendor: Self.vendorName,
                        tenant: account,
                        endpointId: hook["id"]?.stringValue ?? "",
                        url: url,
                        headers: ["Content-Type": "application/json", "User-Agent": "MailDouble (SendPro webhooks)"],
                        body: JSON.array(elements).serialized(),
                        attempt: 1,
                        deliveryId: IDs.uuid(),
                        eventType: types.sorted().joined(separator: ",")
                    )
                }
            }
            deliveries += made ?? []
        }
        webhookOutbox.add(deliveries)
    }
}

/// Flowmailer webhook POSTs waiting for the delivery worker: new ones, and failed ones until their retry is due.
final class WebhookOutbox: Sendable {
    private struct State {
        var ready: [OutboundDelivery] = []
        var retries: [(due: Int64, delivery: OutboundDelivery)] = []
    }
    /// Bound on what waits, in case no worker ever collects (webhooks off, or an endpoint down for days).
    static let capacity = 10_000
    private let state = Locked(State())

    func add(_ deliveries: [OutboundDelivery]) {
        guard !deliveries.isEmpty else { return }
        state.withLock { s in s.ready += deliveries.prefix(max(0, Self.capacity - s.ready.count)) }
    }

    /// The new deliveries and the retries due at `now`, each once.
    func take(now: Int64) -> [OutboundDelivery] {
        state.withLock { s in
            var out = s.ready
            s.ready.removeAll()
            if !s.retries.isEmpty {
                out += s.retries.filter { $0.due <= now }.map(\.delivery)
                s.retries.removeAll { $0.due <= now }
            }
            return out
        }
    }

    /// Schedules the attempt after `d` and returns when it is due; nil after the last attempt.
    func retry(_ d: OutboundDelivery, now: Int64) -> Int64? {
        guard d.attempt >= 1, d.attempt <= FlowmailerAPI.webhookRetryDelays.count else { return nil }
        var next = d
        next.attempt += 1
        let due = now + FlowmailerAPI.webhookRetryDelays[d.attempt - 1] * 1000
        return state.withLock { s in
            guard s.retries.count < Self.capacity else { return nil }
            s.retries.append((due, next))
            return due
        }
    }

    /// Drops what waits for one account (all when nil): reset, tenant removal.
    func removeAll(tenant: String? = nil) {
        state.withLock { s in
            s.ready.removeAll { tenant == nil || $0.tenant == tenant }
            s.retries.removeAll { tenant == nil || $0.delivery.tenant == tenant }
        }
    }
}

/// Webhook POSTs go out through the app's one delivery worker.
extension FlowmailerAPI: OutboundDeliverySource {
    public func takeDueDeliveries() -> [OutboundDelivery] { webhookOutbox.take(now: clock.nowMillis()) }
    public func deliveryFailed(_ delivery: OutboundDelivery) -> Bool { scheduleRetry(delivery) != nil }
    public func scheduleRetry(_ delivery: OutboundDelivery) -> Timestamp? {
        webhookOutbox.retry(delivery, now: clock.nowMillis()).map { Timestamp(millis: $0) }
    }
}
