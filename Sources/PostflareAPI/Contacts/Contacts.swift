// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// Contacts: the global `/contacts` family and the legacy `/audiences/{audience_id}/contacts` family the
/// SDKs still call (spec §2.6, §2.7). One store serves both; a contact is addressed by id or e-mail
/// (percent-decoded by the router).
extension PostflareAPI {
    static let contactRoutes: [PostflareRoute] = [
        (.POST, "/contacts", { api in { try api.createContact($0, $1, audience: nil) } }),
        (.GET, "/contacts", PostflareAPI.listTeamContacts),
        (.GET, "/contacts/{id}", { api in { try api.getContact($0, $1, audience: nil) } }),
        (.PATCH, "/contacts/{id}", { api in { try api.updateContact($0, $1, audience: nil) } }),
        (.DELETE, "/contacts/{id}", { api in { try api.deleteContact($0, $1, audience: nil) } }),
        (.GET, "/contacts/{id}/segments", PostflareAPI.listContactSegments),
        (.POST, "/contacts/{id}/segments/{segment_id}", PostflareAPI.addContactSegment),
        (.DELETE, "/contacts/{id}/segments/{segment_id}", PostflareAPI.removeContactSegment),
        (.GET, "/contacts/{id}/topics", PostflareAPI.listContactTopics),
        (.PATCH, "/contacts/{id}/topics", PostflareAPI.updateContactTopics),
    ]

    /// The legacy audience-scoped family (spec Appendix B).
    static let audienceContactRoutes: [PostflareRoute] = [
        (.POST, legacy, { api in { try api.createContact($0, $1, audience: try api.audience($0, $1)) } }),
        (.GET, legacy, { api in { try api.listContacts($0, $1, segment: try api.audience($0, $1)) } }),
        (.GET, legacy + "/{id}", { api in { try api.getContact($0, $1, audience: try api.audience($0, $1)) } }),
        (.PATCH, legacy + "/{id}", { api in { try api.updateContact($0, $1, audience: try api.audience($0, $1)) } }),
        (.DELETE, legacy + "/{id}", { api in { try api.deleteContact($0, $1, audience: try api.audience($0, $1)) } }),
        (.GET, legacy + "/{id}/segments", PostflareAPI.listContactSegments),
        (.POST, legacy + "/{id}/segments", PostflareAPI.addAudienceContactSegment),
        (.DELETE, legacy + "/{id}/segments/{segment_id}", PostflareAPI.removeContactSegment),
        (.GET, legacy + "/{id}/topics", PostflareAPI.listContactTopics),
        (.PATCH, legacy + "/{id}/topics", PostflareAPI.updateContactTopics),
    ]
    private static let legacy = "/audiences/{audience_id}/contacts"

    func addContactRoutes(_ r: inout Router) {
        route(&r, Self.contactRoutes)
        addContactImportRoutes(&r)
        route(&r, Self.audienceContactRoutes)
    }

    func listTeamContacts(_ req: Request, _ p: Principal) throws -> Response {
        try listContacts(req, p, segment: req.query("segment_id") ?? req.query("audience_id"))
    }

    func addContactSegment(_ req: Request, _ p: Principal) throws -> Response {
        try contactSegment(req, p, add: true)
    }

    func removeContactSegment(_ req: Request, _ p: Principal) throws -> Response {
        try contactSegment(req, p, add: false)
    }

    /// The legacy family names the segment in the body rather than the path.
    func addAudienceContactSegment(_ req: Request, _ p: Principal) throws -> Response {
        let body = try Body(req)
        var routed = req
        routed.pathParameters["segment_id"] = try body.requiredString("segment_id")
        return try contactSegment(routed, p, add: true)
    }

    /// The `{audience_id}` (or another named) path id, which must name an existing segment. The real API
    /// says "Audience not found" for segments too (spec §11.5).
    func audience(_ req: Request, _ p: Principal, parameter: String = "audience_id") throws -> String {
        let id = try uuidParameter(req, parameter)
        try store.withTeam(p.teamId) { team, _ throws(PostflareError) in
            guard team.segments[id] != nil else { throw .notFound("Audience") }
        }
        return id
    }

    func createContact(_ req: Request, _ p: Principal, audience: String?) throws -> Response {
        let body = try Body(req)
        let email = try body.requiredString("email")
        guard EmailAddress.isValid(email) else { throw EmailAddress.invalidFieldError("email") }
        let first = try body.string("first_name")
        let last = try body.string("last_name")
        let unsubscribed = try body.bool("unsubscribed") ?? false
        let properties = try body.objectField("properties") ?? JSONObject()
        var segments = try Self.segmentRefs(body)
        if let audience { segments.append(audience) }
        if let legacy = try body.string("audience_id") { segments.append(legacy) }
        let topics = try Self.topicRefs(body, required: false)
        let now = store.now
        let id = try store.withTeam(p.teamId) { team, state throws(PostflareError) -> String in
            for s in segments where team.segments[s] == nil { throw .notFound("Segment") }
            for (t, _) in topics where team.topics[t] == nil { throw .notFound("Topic") }
            try Self.checkProperties(properties, team: team)
            // Inferred: contacts are unique per e-mail in a team; creating an existing one updates it and
            // adds the new segments, so re-running a legacy per-audience create keeps working.
            let existing = team.contact(idOrEmail: email)
            var c = existing ?? ContactRecord(email: email, createdAt: now, seq: state.nextSeq())
            if let first { c.firstName = first }
            if let last { c.lastName = last }
            c.unsubscribed = unsubscribed
            for (k, v) in properties { c.properties[k] = v }
            for s in segments where !c.segmentIds.contains(s) { c.segmentIds.append(s) }
            for (t, sub) in topics { c.topics[t] = sub }
            team.contacts[c.id] = c
            team.emitContact(existing == nil ? "contact.created" : "contact.updated", c, now: now)
            return c.id
        }
        return ok(["object": "contact", "id": .string(id)], status: 201)
    }

    func listContacts(_ req: Request, _ p: Principal, segment: String?) throws -> Response {
        ok(
            try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                try Pagination.list(
                    team.contacts.table,
                    req,
                    defaultLimit: nil,
                    where: { c in segment.map { c.segmentIds.contains($0) } ?? true }
                ) { Self.contactJSON($0, detail: false) }
            }
        )
    }

    func getContact(_ req: Request, _ p: Principal, audience: String?) throws -> Response {
        let ref = req.parameter("id")
        return ok(
            try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                guard let c = team.contact(idOrEmail: ref), audience.map({ c.segmentIds.contains($0) }) ?? true else {
                    throw .notFound("Contact")
                }
                return Self.contactJSON(c, detail: true)
            }
        )
    }

    func updateContact(_ req: Request, _ p: Principal, audience: String?) throws -> Response {
        let ref = req.parameter("id")
        let body = try Body(req)
        // SDKs echo `id`/`email` of the path in the body; a body `email` differing from the path renames.
        let email = try body.string("email")
        if let email, !EmailAddress.isValid(email) { throw EmailAddress.invalidFieldError("email") }
        let first = try body.string("first_name")
        let last = try body.string("last_name")
        let unsubscribed = try body.bool("unsubscribed")
        let properties = try body.objectField("properties")
        let now = store.now
        let id = try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> String in
            guard var c = team.contact(idOrEmail: ref), audience.map({ c.segmentIds.contains($0) }) ?? true else {
                throw .notFound("Contact")
            }
            if let properties { try Self.checkProperties(properties, team: team) }
            if let email { c.email = email }
            if body.has("first_name") { c.firstName = first }
            if body.has("last_name") { c.lastName = last }
            if let unsubscribed { c.unsubscribed = unsubscribed }
            for (k, v) in properties ?? JSONObject() { c.properties[k] = v }
            team.contacts[c.id] = c
            team.emitContact("contact.updated", c, now: now)
            return c.id
        }
        return ok(["object": "contact", "id": .string(id)])
    }

    /// 200 `{"object":"contact","contact":…,"deleted":true}` even for an unknown contact (spec §11.4).
    func deleteContact(_ req: Request, _ p: Principal, audience: String?) throws -> Response {
        let ref = req.parameter("id")
        let now = store.now
        let echoed = try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> String in
            guard let c = team.contact(idOrEmail: ref) else { return ref }
            if let audience {
                // Legacy path: the contact leaves that audience, and disappears once it is in none.
                team.contacts[c.id]?.segmentIds.removeAll { $0 == audience }
                if team.contacts[c.id]?.segmentIds.isEmpty == true {
                    team.contacts[c.id] = nil
                    team.emitContact("contact.deleted", c, now: now)
                }
                return ref
            }
            team.contacts[c.id] = nil
            team.emitContact("contact.deleted", c, now: now)
            return c.id
        }
        return ok(["object": "contact", "contact": .string(echoed), "deleted": true])
    }

    func listContactSegments(_ req: Request, _ p: Principal) throws -> Response {
        let ref = req.parameter("id")
        return ok(
            try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                guard let c = team.contact(idOrEmail: ref) else { throw .notFound("Contact") }
                let segments = c.segmentIds.compactMap { team.segments[$0] }
                return try Pagination.list(segments, req, defaultLimit: nil) { Self.segmentJSON($0, detail: false) }
            }
        )
    }

    /// Spec body (`contact_segment`) plus the docs' `id`, so that clients of either shape are served.
    func contactSegment(_ req: Request, _ p: Principal, add: Bool) throws -> Response {
        let ref = req.parameter("id")
        let segmentId = try uuidParameter(req, "segment_id")
        let contactId = try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> String in
            guard let c = team.contact(idOrEmail: ref) else { throw .notFound("Contact") }
            guard team.segments[segmentId] != nil else { throw .notFound("Segment") }
            if add {
                if !c.segmentIds.contains(segmentId) { team.contacts[c.id]?.segmentIds.append(segmentId) }
            } else {
                team.contacts[c.id]?.segmentIds.removeAll { $0 == segmentId }
            }
            return c.id
        }
        var o: JSONObject = [
            "id": .string(segmentId), "object": "contact_segment", "contact_id": .string(contactId),
            "segment_id": .string(segmentId),
        ]
        if !add { o["deleted"] = true }
        return ok(.object(o))
    }

    func listContactTopics(_ req: Request, _ p: Principal) throws -> Response {
        let ref = req.parameter("id")
        return ok(
            try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                guard let c = team.contact(idOrEmail: ref) else { throw .notFound("Contact") }
                return try Pagination.list(team.topics, req, defaultLimit: nil) { t in
                    [
                        "id": .string(t.id), "name": .string(t.name), "description": .string(t.description),
                        "subscription": .string(c.topics[t.id] ?? t.defaultSubscription),
                    ]
                }
            }
        )
    }

    func updateContactTopics(_ req: Request, _ p: Principal) throws -> Response {
        let ref = req.parameter("id")
        // The spec wraps the list as `{"topics": […]}`; the official Python SDK (`Contacts.Topics.update`, 2.x)
        // sends the bare array as the body. Both are accepted so that unmodified SDK works.
        let body: Body
        if let items = (try? req.jsonBody())?.arrayValue {
            body = Body(object: ["topics": .array(items)])
        } else {
            body = try Body(req)
        }
        let topics = try Self.topicRefs(body, required: true)
        let contactId = try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> String in
            guard let c = team.contact(idOrEmail: ref) else { throw .notFound("Contact") }
            for (t, _) in topics where team.topics[t] == nil { throw .notFound("Topic") }
            for (t, sub) in topics { team.contacts[c.id]?.topics[t] = sub }
            return c.id
        }
        return ok([
            "id": .string(contactId), "object": "contact_topics", "contact_id": .string(contactId),
            "topics": .array(topics.map { ["id": .string($0.0), "subscription": .string($0.1)] }),
        ])
    }

    /// `segments`: the spec's `string[]` or the Node SDK's `[{"id":…}]` (spec §11.7).
    static func segmentRefs(_ body: Body) throws(PostflareError) -> [String] {
        guard let v = body["segments"] else { return [] }
        guard let items = v.arrayValue else { throw .validation("The `segments` field must be an array.") }
        var out: [String] = []
        for item in items {
            guard let id = item.stringValue ?? item["id"]?.stringValue else {
                throw .validation("The `segments` field must be an array of segment ids.")
            }
            out.append(id)
        }
        return out
    }

    /// `topics: [{"id","subscription":"opt_in"|"opt_out"}]`.
    static func topicRefs(_ body: Body, required: Bool) throws(PostflareError) -> [(String, String)] {
        guard let v = body["topics"] else {
            if required { throw .missingField("topics") }
            return []
        }
        guard let items = v.arrayValue else { throw .validation("The `topics` field must be an array.") }
        var out: [(String, String)] = []
        for item in items {
            guard let id = item["id"]?.stringValue else { throw .missingField("topics.id") }
            let sub = item["subscription"]?.stringValue ?? "opt_in"
            guard sub == "opt_in" || sub == "opt_out" else {
                throw .validation("The `subscription` field must be \"opt_in\" | \"opt_out\".")
            }
            out.append((id, sub))
        }
        return out
    }

    /// Property keys must be defined contact properties, with values of their type (spec §2.7).
    static func checkProperties(_ properties: JSONObject, team: Team) throws(PostflareError) {
        for (key, value) in properties {
            guard let def = team.properties.values.first(where: { $0.key == key }) else {
                throw .validation("The contact property `\(key)` does not exist. Create it before using it.")
            }
            let okType = value.isNull || (def.type == "number" ? value.doubleValue != nil : value.stringValue != nil)
            guard okType else { throw .validation("The contact property `\(key)` must be a \(def.type).") }
        }
    }

    static func contactJSON(_ c: ContactRecord, detail: Bool) -> JSON {
        var o: JSONObject = detail ? ["object": "contact"] : [:]
        o["id"] = .string(c.id)
        o["email"] = .string(c.email)
        o["first_name"] = .string(c.firstName)
        o["last_name"] = .string(c.lastName)
        o["created_at"] = Time.pg(c.createdAt)
        o["unsubscribed"] = .bool(c.unsubscribed)
        // List items carry no `properties` on the wire (spec §2.7).
        if detail { o["properties"] = .object(c.properties) }
        return .object(o)
    }
}
