// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

struct SuppressionRecord: Sendable, Listed, Codable {
    var id: String
    var email: String
    var origin: String  // bounce | complaint | manual
    var sourceId: String?
    var createdAt: Int64
    var seq: Int
}

extension Team {
    func suppression(idOrEmail: String) -> SuppressionRecord? {
        if let s = suppressions[idOrEmail] { return s }
        let lower = idOrEmail.lowercased()
        return suppressions.values.first { $0.email == lower }
    }
}

/// `/suppressions` (spec §2.12): the team's suppression list. An e-mail sent to a listed address ends as
/// `suppressed` instead of being delivered.
extension PostflareAPI {
    static let suppressionRoutes: [PostflareRoute] =
        suppressions.routes(.get) + [
            (.DELETE, "/suppressions/{id}", PostflareAPI.deleteSuppression),
            (.POST, "/suppressions", PostflareAPI.createSuppression),
            (.GET, "/suppressions", PostflareAPI.listSuppressions),
            (.POST, "/suppressions/batch/add", PostflareAPI.addSuppressionBatch),
            (.POST, "/suppressions/batch/remove", PostflareAPI.removeSuppressionBatch),
        ]

    func createSuppression(_ req: Request, _ p: Principal) throws -> Response {
        let email = try Body(req).requiredString("email")
        guard EmailAddress.isValid(email) else { throw EmailAddress.invalidFieldError("email") }
        let ids = try suppress([email], p)
        return ok(["object": "suppression", "id": .string(ids[0])], status: 201)
    }

    func listSuppressions(_ req: Request, _ p: Principal) throws -> Response {
        let origin = req.query("origin")
        if let origin, !["bounce", "complaint", "manual"].contains(origin) {
            throw PostflareError.validation(
                "The `origin` parameter must be \"bounce\" | \"complaint\" | \"manual\"."
            )
        }
        return try list(Self.suppressions, req, p) { origin == nil || $0.origin == origin }
    }

    func addSuppressionBatch(_ req: Request, _ p: Principal) throws -> Response {
        let emails = try Self.emailList(Body(req), "emails", required: true)
        for e in emails where !EmailAddress.isValid(e) { throw EmailAddress.invalidFieldError("emails") }
        let ids = try suppress(emails, p)
        return ok(["data": .array(ids.map { ["object": "suppression", "id": .string($0)] })], status: 201)
    }

    func removeSuppressionBatch(_ req: Request, _ p: Principal) throws -> Response {
        let body = try Body(req)
        guard body.has("emails") != body.has("ids") else {
            throw PostflareError.validation("Provide either `emails` or `ids`, but not both.")
        }
        let refs = try Self.emailList(body, body.has("ids") ? "ids" : "emails", required: true)
        let now = store.now
        let removed = try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> [String] in
            refs.compactMap { ref in
                guard let s = team.suppression(idOrEmail: ref) else { return nil }
                team.suppressions[s.id] = nil
                team.emitSuppression("suppression.removed", s, now: now)
                return s.id
            }
        }
        return ok(["data": .array(removed.map { ["object": "suppression", "id": .string($0), "deleted": true] })])
    }

    func deleteSuppression(_ req: Request, _ p: Principal) throws -> Response {
        let removed = try remove(Self.suppressions, req, p) { s, team, now in
            team.emitSuppression("suppression.removed", s, now: now)
        }
        return ok(Self.suppressions.deleted(removed))
    }

    /// Adds manual suppressions; an address already listed keeps its entry (and id).
    func suppress(_ emails: [String], _ p: Principal) throws -> [String] {
        let now = store.now
        return try store.withTeam(p.teamId) { team, state throws(PostflareError) -> [String] in
            emails.map { email in
                if let existing = team.suppression(idOrEmail: email) { return existing.id }
                let s = SuppressionRecord(
                    id: IDs.uuid(),
                    email: email.lowercased(),
                    origin: "manual",
                    sourceId: nil,
                    createdAt: now,
                    seq: state.nextSeq()
                )
                team.suppressions[s.id] = s
                team.emitSuppression("suppression.added", s, now: now)
                return s.id
            }
        }
    }

    /// A list of 1–100 strings.
    static func emailList(_ body: Body, _ key: String, required: Bool) throws(PostflareError) -> [String] {
        guard let list = try body.stringList(key) else {
            if required { throw .missingField(key) }
            return []
        }
        guard (1...100).contains(list.count) else {
            throw .validation("The `\(key)` field must contain between 1 and 100 items.")
        }
        return list
    }

    static func suppressionJSON(_ s: SuppressionRecord, object: Bool) -> JSON {
        var o: JSONObject = object ? ["object": "suppression"] : [:]
        o["id"] = .string(s.id)
        o["email"] = .string(s.email)
        o["origin"] = .string(s.origin)
        o["source_id"] = .string(s.sourceId)
        o["created_at"] = Time.pg(s.createdAt)
        return .object(o)
    }
}

extension Team {
    /// `suppression.added` / `suppression.removed` (resend-node PR #1031; `SuppressionEventData` in
    /// `src/webhooks/interfaces/webhook-event.interface.ts`): the list item's `id`, `email`, `origin`,
    /// `source_id`, `created_at`.
    mutating func emitSuppression(_ type: String, _ s: SuppressionRecord, now: Int64) {
        guard subscribed(to: type) else { return }
        emit(type, at: now, PostflareAPI.suppressionJSON(s, object: false))
    }
}
