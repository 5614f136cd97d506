// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

struct EventRecord: Sendable, Listed, Codable {
    var id: String
    var name: String
    var schema: JSON
    var createdAt: Int64
    var updatedAt: Int64?
    var seq: Int
    /// How many times `POST /events/send` fired it (not on the wire; kept for inspection).
    var sent = 0
}

/// `/events` (spec §2.12): named events that trigger automations, addressed by id or name.
extension PostflareAPI {
    static let eventRoutes: [PostflareRoute] =
        events.routes(.list, .get, .delete) + [
            (.POST, "/events", PostflareAPI.createEvent),
            (.POST, "/events/send", PostflareAPI.sendEvent),
            (.PATCH, "/events/{id}", PostflareAPI.updateEvent),
        ]

    func createEvent(_ req: Request, _ p: Principal) throws -> Response {
        let body = try Body(req)
        let name = try body.requiredString("name")
        // "no `resend:` prefix": that namespace belongs to the platform's own events.
        guard !name.hasPrefix("resend:") else {
            throw PostflareError.validation("The `name` field cannot start with `resend:`.")
        }
        let schema = try Self.eventSchema(body)
        let now = store.now
        let id = try insert(Self.events, p) { team, state throws(PostflareError) in
            if team.events.values.contains(where: { $0.name == name }) {
                throw .validation("An event named `\(name)` already exists.")
            }
            return EventRecord(
                id: IDs.uuid(),
                name: name,
                schema: schema,
                createdAt: now,
                updatedAt: nil,
                seq: state.nextSeq()
            )
        }.id
        return ok(["object": "event", "id": .string(id)], status: 201)
    }

    func sendEvent(_ req: Request, _ p: Principal) throws -> Response {
        let body = try Body(req)
        let name = try body.requiredString("event")
        let contactId = try body.string("contact_id")
        let email = try body.string("email")
        guard (contactId == nil) != (email == nil) else {
            throw PostflareError.validation("Provide exactly one of `contact_id` or `email`.")
        }
        if let payload = body["payload"], payload.objectValue == nil {
            throw PostflareError.validation("The `payload` field must be an object.")
        }
        if let email, !EmailAddress.isValid(email) { throw EmailAddress.invalidFieldError("email") }
        let now = store.now
        try store.withTeam(p.teamId) { team, state throws(PostflareError) in
            guard let e = team.event(idOrName: name) else { throw .notFound("Event") }
            var contact = team.contact(idOrEmail: contactId ?? email ?? "")
            if contact == nil, contactId != nil { throw .notFound("Contact") }
            if contact == nil, let email {
                // Inferred: an event for an unknown address creates the contact, so that the
                // automation has someone to act on.
                let c = ContactRecord(email: email, createdAt: now, seq: state.nextSeq())
                team.contacts[c.id] = c
                contact = c
            }
            team.events[e.id]?.sent += 1
            if let contact {
                Self.startRuns(event: e.name, contactId: contact.id, team: &team, state: &state, now: now)
            }
        }
        return ok(["object": "event", "event": .string(name)], status: 202)
    }

    func updateEvent(_ req: Request, _ p: Principal) throws -> Response {
        let ref = req.parameter("id")
        let body = try Body(req)
        guard body.object.contains("schema") else { throw PostflareError.missingField("schema") }
        let schema = try Self.eventSchema(body)
        let now = store.now
        let id = try modify(Self.events, ref, p) { e, _ in
            e.schema = schema
            e.updatedAt = now
        }
        return ok(["object": "event", "id": .string(id)])
    }

    static func eventSchema(_ body: Body) throws(PostflareError) -> JSON {
        guard let s = body["schema"] else { return .null }
        guard s.objectValue != nil else { throw .validation("The `schema` field must be an object.") }
        return s
    }

    static func eventJSON(_ e: EventRecord, detail: Bool) -> JSON {
        var o: JSONObject = detail ? ["object": "event"] : [:]
        o["id"] = .string(e.id)
        o["name"] = .string(e.name)
        o["schema"] = e.schema
        o["created_at"] = Time.pg(e.createdAt)
        o["updated_at"] = Time.pg(e.updatedAt)
        return .object(o)
    }
}

extension Team {
    func event(idOrName: String) -> EventRecord? {
        events[idOrName] ?? events.values.first { $0.name == idOrName }
    }
}
