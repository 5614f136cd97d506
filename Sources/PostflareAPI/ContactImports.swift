// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

struct ContactImportRecord: Sendable, Listed {
    var id: String
    var createdAt: Int64
    var counts: (total: Int, created: Int, updated: Int, skipped: Int, failed: Int)
    var seq: Int
}

/// `POST /contacts/imports` (spec §2.7): a CSV file (multipart `file`, ≤ 50 MB) with optional
/// `column_map`, `on_conflict` (`upsert` default | `skip`), `segments` and `topics` as JSON strings. The
/// import runs at once; it reads `queued` for its first second on the emulator clock, then `completed`.
extension PostflareAPI {
    static let maxImportBytes = 50 * 1024 * 1024

    func addContactImportRoutes(_ r: inout Router) {
        route(&r, .POST, "/contacts/imports") { api, req, p in try api.importContacts(req, p) }
        route(&r, .GET, "/contacts/imports") { api, req, p in
            let status = req.query("status")
            let now = api.store.now
            return ok(
                try api.store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                    return try Pagination.list(
                        team.imports, req, defaultLimit: nil,
                        where: { status == nil || Self.importStatus($0, now: now) == status }
                    ) { Self.importJSON($0, now: now) }
                })
        }
        route(&r, .GET, "/contacts/imports/{id}") { api, req, p in
            let id = try uuidParameter(req, "id")
            let now = api.store.now
            return ok(
                try api.store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                    guard let i = team.imports[id] else { throw .notFound("Contact import") }
                    return Self.importJSON(i, now: now)
                })
        }
    }

    func importContacts(_ req: Request, _ p: Principal) throws -> Response {
        guard req.body.count <= Self.maxImportBytes else {
            throw PostflareError.validation("The `file` must be at most 50 MB.")
        }
        guard let boundary = Multipart.boundary(req.headers["Content-Type"]),
            let parts = Multipart.parse(req.body, boundary: boundary)
        else {
            throw PostflareError.validation("The request must be multipart/form-data with a CSV `file`.")
        }
        func text(_ name: String) -> String? {
            parts.first { $0.name == name }.map { String(decoding: $0.body, as: UTF8.self) }
        }
        guard let file = text("file") else { throw PostflareError.missingField("file") }
        let onConflict = text("on_conflict") ?? "upsert"
        guard onConflict == "upsert" || onConflict == "skip" else {
            throw PostflareError.validation("The `on_conflict` field must be \"upsert\" | \"skip\".")
        }
        func jsonField(_ name: String) throws -> JSON? {
            guard let t = text(name), !t.isEmpty else { return nil }
            guard let j = try? JSON.parse(t) else {
                throw PostflareError.validation("The `\(name)` field must be JSON.")
            }
            return j
        }
        let map = try jsonField("column_map")?.objectValue ?? JSONObject()
        let segments = try Self.segmentRefs(Body(object: ["segments": try jsonField("segments") ?? .array([])]))
        let topics = try Self.topicRefs(
            Body(object: ["topics": try jsonField("topics") ?? .array([])]), required: false)
        let rows = CSV.parse(file)
        guard let header = rows.first else { throw PostflareError.validation("The CSV `file` is empty.") }
        func column(_ field: String) -> Int? {
            let wanted = (map[field]?.stringValue ?? field).lowercased()
            return header.firstIndex { $0.trimmingSpaces().lowercased() == wanted }
        }
        guard let emailColumn = column("email") else {
            throw PostflareError.validation("The CSV `file` has no `email` column.")
        }
        let firstColumn = column("first_name")
        let lastColumn = column("last_name")
        let unsubColumn = column("unsubscribed")
        let now = store.now
        let id = try store.withTeam(p.teamId) { team, state throws(PostflareError) -> String in
            for s in segments where team.segments[s] == nil { throw .notFound("Segment") }
            for (t, _) in topics where team.topics[t] == nil { throw .notFound("Topic") }
            var counts = (total: 0, created: 0, updated: 0, skipped: 0, failed: 0)
            for row in rows.dropFirst() {
                counts.total += 1
                func cell(_ i: Int?) -> String? {
                    guard let i, i < row.count else { return nil }
                    let v = row[i].trimmingSpaces()
                    return v.isEmpty ? nil : v
                }
                guard let email = cell(emailColumn), EmailAddress.isValid(email) else {
                    counts.failed += 1
                    continue
                }
                var c: ContactRecord
                if let existing = team.contact(idOrEmail: email) {
                    if onConflict == "skip" {
                        counts.skipped += 1
                        continue
                    }
                    c = existing
                    counts.updated += 1
                } else {
                    c = ContactRecord(
                        id: IDs.uuid(), email: email, firstName: nil, lastName: nil, unsubscribed: false,
                        properties: JSONObject(), segmentIds: [], topics: [:], createdAt: now, seq: state.nextSeq())
                    counts.created += 1
                }
                if let f = cell(firstColumn) { c.firstName = f }
                if let l = cell(lastColumn) { c.lastName = l }
                if let u = cell(unsubColumn) { c.unsubscribed = ["true", "1", "yes"].contains(u.lowercased()) }
                for s in segments where !c.segmentIds.contains(s) { c.segmentIds.append(s) }
                for (t, sub) in topics { c.topics[t] = sub }
                team.contacts[c.id] = c
            }
            let record = ContactImportRecord(id: IDs.uuid(), createdAt: now, counts: counts, seq: state.nextSeq())
            team.imports[record.id] = record
            return record.id
        }
        return ok(["object": "contact_import", "id": .string(id)], status: 201)
    }

    static func importStatus(_ i: ContactImportRecord, now: Int64) -> String {
        now - i.createdAt < 1_000 ? "queued" : "completed"
    }

    static func importJSON(_ i: ContactImportRecord, now: Int64) -> JSON {
        let status = importStatus(i, now: now)
        return [
            "object": "contact_import", "id": .string(i.id), "status": .string(status),
            "created_at": Time.pg(i.createdAt),
            "completed_at": status == "completed" ? Time.pg(i.createdAt + 1_000) : .null,
            "counts": [
                "total": .int(i.counts.total), "created": .int(i.counts.created), "updated": .int(i.counts.updated),
                "skipped": .int(i.counts.skipped), "failed": .int(i.counts.failed),
            ],
        ]
    }
}
