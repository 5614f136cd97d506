// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
public import Routing

/// The e-mail events no test address produces: `email.opened`, `email.clicked`, `email.delivery_delayed` and
/// `email.failed`, simulated through `POST /_emulator/messages/postflare/{id}/events` with
/// `{"type":"opened"|"clicked"|"delivery_delayed"|"failed", "link"?, "reason"?}`. The e-mail's `last_event`
/// becomes the type and subscribed webhooks get the event. Payload shapes from resend-node
/// `src/webhooks/interfaces/webhook-event.interface.ts` and resend-python 2.52 `_webhook_event.py`:
/// `click: {ipAddress, link, timestamp, userAgent}`, `failed: {reason}` (e.g. `reached_daily_quota`), and the
/// base e-mail data for opened and delivery_delayed. Resend documents no test address for these.
extension PostflareAPI {
    static let simulatedTypes: [String: String] = [
        "opened": "email.opened", "clicked": "email.clicked", "delivery_delayed": "email.delivery_delayed",
        "failed": "email.failed",
    ]

    public func addControlRoutes(to router: inout Router) {
        router.post("/_emulator/messages/postflare/{id}/events") { [self] request in
            try simulateEvent(request)
        }
        router.post("/_emulator/postflare/inbound") { [self] request in try injectReceived(request) }
    }

    func simulateEvent(_ request: Request) throws(HTTPError) -> Response {
        let id = request.parameter("id")
        guard let body = try? request.jsonBody(), body.objectValue != nil else {
            throw HTTPError(.badRequest, message: "The body must be a JSON object like {\"type\":\"opened\"}.")
        }
        let given = body["type"]?.stringValue ?? ""
        let name = given.hasPrefix("email.") ? String(given.dropFirst(6)) : given
        guard let type = Self.simulatedTypes[name] else {
            throw HTTPError(
                .badRequest,
                message: "'type' must be one of opened, clicked, delivery_delayed, failed (or email.…)."
            )
        }
        for key in ["link", "reason"] where body[key] != nil && body[key]?.stringValue == nil {
            throw HTTPError(.badRequest, message: "'\(key)' must be a string.")
        }
        let now = store.now
        let result = try? store.withState { state throws(PostflareError) -> Result<(String, String), HTTPError> in
            for teamId in Array(state.teams.keys) {
                guard var email = state.teams[teamId]?.emails[HashedKey(id)] else { continue }
                let life = EmailLife.lastEvent(email, now: now)
                if name == "opened" || name == "clicked" {
                    // Opens and clicks come from a recipient who has the message.
                    guard ["delivered", "opened", "clicked", "complained"].contains(life) else {
                        return .failure(
                            HTTPError(
                                .conflict,
                                message: "The e-mail is \(life), not delivered: nobody can open it yet."
                            )
                        )
                    }
                } else if life == "canceled" {
                    return .failure(HTTPError(.conflict, message: "The e-mail was canceled."))
                }
                var data = EmailLife.webhookData(email, type: type)
                if name == "clicked" {
                    guard let link = body["link"]?.stringValue ?? Self.firstLink(email) else {
                        return .failure(
                            HTTPError(.badRequest, message: "The e-mail has no link: give the clicked one as 'link'.")
                        )
                    }
                    data["click"] = [
                        "ipAddress": "127.0.0.1", "link": .string(link), "timestamp": Time.iso(now),
                        "userAgent": "MailDouble (simulated click)",
                    ]
                }
                if name == "failed" { data["failed"] = ["reason": .string(body["reason"]?.stringValue ?? "unknown")] }
                email.simulated.append(SimulatedEvent(type: name, at: now))
                state.teams[teamId]?.emails[HashedKey(id)] = email
                state.teams[teamId]?.emit(type, at: now, data)
                return .success((teamId, name))
            }
            return .failure(HTTPError(.notFound, message: "postflare has no message '\(id)'."))
        }
        guard let result else { throw HTTPError(.internalServerError, message: "The store refused.") }
        let (teamId, lastEvent) = try result.get()
        options.onPendingWork?()
        return .json(
            [
                "vendor": .string(Self.vendorName), "tenant": .string(teamId), "id": .string(id),
                "type": .string(type), "at": Time.iso(now), "last_event": .string(lastEvent),
            ],
            status: .created
        )
    }

    /// The first `http(s)://` link in the e-mail's HTML, else its text.
    static func firstLink(_ e: EmailRecord) -> String? {
        let stops: Set<UInt8> = [0x22, 0x27, 0x3C, 0x3E, 0x20, 0x09, 0x0A, 0x0D]  // " ' < > and white space
        for text in [e.html ?? "", e.text ?? ""] {
            let bytes = Array(text.utf8)
            for scheme in ["https://", "http://"] {
                let pattern = Array(scheme.utf8)
                guard bytes.count >= pattern.count else { continue }
                for i in 0...(bytes.count - pattern.count) where bytes[i..<i + pattern.count].elementsEqual(pattern) {
                    var j = i + pattern.count
                    while j < bytes.count, !stops.contains(bytes[j]) { j += 1 }
                    return String(decoding: bytes[i..<j], as: UTF8.self)
                }
            }
        }
        return nil
    }
}
