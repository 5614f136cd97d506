// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// `/webhooks` management (spec §2.11). Each webhook gets a Svix-style `whsec_` signing secret at creation.
/// Deliveries are not sent by this module (it has no outbound HTTP client): the server's `WebhookSender` sends
/// what `takeDueWebhookDeliveries()` hands over.
extension PostflareAPI {
    static let webhookRoutes: [PostflareRoute] =
        webhooks.routes(.list, .get, .delete) + [
            (.POST, "/webhooks", PostflareAPI.createWebhook),
            (.PATCH, "/webhooks/{id}", PostflareAPI.updateWebhook),
            (.POST, "/webhooks/{id}/signing-secret/rotate", PostflareAPI.rotateWebhookSecret),
        ]

    func createWebhook(_ req: Request, _ p: Principal) throws -> Response {
        let body = try Body(req)
        let endpoint = try body.requiredString("endpoint")
        try Webhooks.checkEndpoint(endpoint)
        guard body.has("events") else { throw PostflareError.missingField("events") }
        let events = try Webhooks.events(body)
        let now = store.now
        let muted = !receivesEvents(endpoint)
        let w = try insert(Self.webhooks, p) { _, state throws(PostflareError) in
            WebhookRecord(
                id: IDs.uuid(),
                endpoint: endpoint,
                events: events,
                status: "enabled",
                signingSecret: Webhooks.newSecret(),
                createdAt: now,
                seq: state.nextSeq(),
                muted: muted
            )
        }
        return ok(["object": "webhook", "id": .string(w.id), "signing_secret": .string(w.signingSecret)], status: 201)
    }

    func updateWebhook(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let body = try Body(req)
        let endpoint = try body.string("endpoint")
        if let endpoint { try Webhooks.checkEndpoint(endpoint) }
        let events = body.has("events") ? try Webhooks.events(body) : nil
        let status = try body.oneOf("status", ["enabled", "disabled"])
        let muted = endpoint.map { !receivesEvents($0) }
        try modify(Self.webhooks, id, p) { w, _ in
            if let endpoint, let muted {
                w.endpoint = endpoint
                w.muted = muted
            }
            if let events { w.events = events }
            if let status { w.status = status }
        }
        return ok(["object": "webhook", "id": .string(id)])
    }

    /// Newer than the contract (resend-python 2.x `Webhooks.rotate_signing_secret`).
    func rotateWebhookSecret(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let secret = Webhooks.newSecret()
        try modify(Self.webhooks, id, p) { w, _ in w.signingSecret = secret }
        return ok(["object": "webhook", "id": .string(id), "signing_secret": .string(secret)])
    }
}

enum Webhooks {
    /// The 17 event types of the spec's `webhooks:` section (spec §6.1), plus `suppression.added` and
    /// `suppression.removed` (resend-node PR #1031, in resend-node's and resend-python 2.52's `WebhookEvent`).
    static let eventTypes: Set<String> = [
        "email.sent", "email.scheduled", "email.delivered", "email.delivery_delayed", "email.complained",
        "email.bounced", "email.opened", "email.clicked", "email.received", "email.failed", "email.suppressed",
        "contact.created", "contact.updated", "contact.deleted", "domain.created", "domain.updated", "domain.deleted",
        "suppression.added", "suppression.removed",
    ]

    /// `whsec_` + base64 of 24 random bytes, the form Svix verifiers decode (spec §6.3).
    static func newSecret() -> String {
        var g = SystemRandomNumberGenerator()
        return "whsec_" + Base64.encode((0..<24).map { _ in UInt8.random(in: 0...255, using: &g) })
    }

    static func checkEndpoint(_ endpoint: String) throws(PostflareError) {
        let lower = endpoint.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), endpoint.count > 8,
            !endpoint.contains(" ")
        else {
            throw .validation("Invalid `endpoint` field. The endpoint must be a valid URL.")
        }
    }

    static func events(_ body: Body) throws(PostflareError) -> [String] {
        guard let list = try body.stringList("events"), !list.isEmpty else {
            throw .validation("The `events` field must contain at least one event type.")
        }
        for e in list where !eventTypes.contains(e) {
            throw .validation("Invalid `events` field. `\(e)` is not a valid event type.")
        }
        return list
    }

    static func json(_ w: WebhookRecord, detail: Bool) -> JSON {
        var o: JSONObject = detail ? ["object": "webhook"] : [:]
        o["id"] = .string(w.id)
        o["created_at"] = Time.pg(w.createdAt)
        o["status"] = .string(w.status)
        o["endpoint"] = .string(w.endpoint)
        o["events"] = .array(w.events.map { .string($0) })
        if detail { o["signing_secret"] = .string(w.signingSecret) }
        return .object(o)
    }
}
