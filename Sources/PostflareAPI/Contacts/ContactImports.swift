// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

struct ContactImportRecord: Sendable, Listed, Codable {
    var id: String
    var createdAt: Int64
    /// Rows applied so far; `total` counts every row read.
    var counts: (total: Int, created: Int, updated: Int, skipped: Int, failed: Int)
    var seq: Int
    /// When the last row was applied (emulator clock); nil while rows remain.
    var finishedAt: Int64?
}

/// `POST /contacts/imports` (spec §2.7): a CSV file (multipart `file`, ≤ 50 MB) with optional
/// `column_map`, `on_conflict` (`upsert` default | `skip`), `segments` and `topics` as JSON strings. As in
/// Resend, the request only validates and queues the import; its rows are applied afterwards in batches
/// (`processPendingWork`). It reads `queued` for its first second on the emulator clock, then `in_progress`
/// while rows remain, then `completed`.
extension PostflareAPI {
    static let maxImportBytes = 50 * 1024 * 1024
    /// Rows read and applied per batch: the store lock is held for one batch at a time (about a millisecond),
    /// so other requests interleave with a large import.
    public static let importBatchRows = 1_000

    func addContactImportRoutes(_ r: inout Router) {
        route(&r, .POST, "/contacts/imports") { api, req, p in try api.importContacts(req, p) }
        route(&r, .GET, "/contacts/imports") { api, req, p in
            let status = req.query("status")
            let now = api.store.now
            return ok(
                try api.store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                    try Pagination.list(
                        team.imports,
                        req,
                        defaultLimit: nil,
                        where: { status == nil || Self.importStatus($0, now: now) == status }
                    ) { Self.importJSON($0, now: now) }
                }
            )
        }
        route(&r, .GET, "/contacts/imports/{id}") { api, req, p in
            let id = try uuidParameter(req, "id")
            // Looking at an import moves the queue on by one batch, so that imports progress without a
            // background thread too (a router in a test).
            api.processPendingWork()
            let now = api.store.now
            return ok(
                try api.store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                    guard let i = team.imports[id] else { throw .notFound("Contact import") }
                    return Self.importJSON(i, now: now)
                }
            )
        }
    }

    func importContacts(_ req: Request, _ p: Principal) throws -> Response {
        guard req.body.count <= Self.maxImportBytes else {
            throw PostflareError.validation("The `file` must be at most 50 MB.")
        }
        // Everything proportional to the file (multipart, the header row) is read here, outside the lock.
        let form: MultipartFormData
        do { form = try MultipartFormData(body: req.body, contentType: req.headers["Content-Type"]) } catch {
            throw PostflareError.validation("The request must be multipart/form-data with a CSV `file`.")
        }
        func text(_ name: String) -> String? { form.first(named: name)?.text }
        guard let file = form.first(named: "file") else { throw PostflareError.missingField("file") }
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
            Body(object: ["topics": try jsonField("topics") ?? .array([])]),
            required: false
        )
        var reader = CSVReader(file.body)
        guard let header = reader.next() else { throw PostflareError.validation("The CSV `file` is empty.") }
        func column(_ field: String) -> Int? {
            let wanted = (map[field]?.stringValue ?? field).lowercased()
            return header.firstIndex { $0.trimmingSpaces().lowercased() == wanted }
        }
        guard let emailColumn = column("email") else {
            throw PostflareError.validation("The CSV `file` has no `email` column.")
        }
        let columns = ContactImportJob.Columns(
            email: emailColumn,
            firstName: column("first_name"),
            lastName: column("last_name"),
            unsubscribed: column("unsubscribed")
        )
        let now = store.now
        let id = try store.withTeam(p.teamId) { team, state throws(PostflareError) -> String in
            for s in segments where team.segments[s] == nil { throw .notFound("Segment") }
            for (t, _) in topics where team.topics[t] == nil { throw .notFound("Topic") }
            let record = ContactImportRecord(
                id: IDs.uuid(),
                createdAt: now,
                counts: (0, 0, 0, 0, 0),
                seq: state.nextSeq()
            )
            team.imports[record.id] = record
            state.importQueue.append(
                ContactImportJob(
                    teamId: p.teamId,
                    importId: record.id,
                    reader: reader,
                    columns: columns,
                    skipExisting: onConflict == "skip",
                    segments: segments,
                    topics: topics
                )
            )
            return record.id
        }
        options.onPendingWork?()
        return ok(["object": "contact_import", "id": .string(id)], status: 201)
    }

    /// Applies the next batch of the oldest queued contact import: its rows are read outside the store lock,
    /// then applied under it, at most `budget` rows. A background thread calls this until it returns false;
    /// `GET /contacts/imports/{id}` calls it once.
    /// - Returns: whether there was work (call again for more).
    @discardableResult
    public func processPendingWork(budget: Int = importBatchRows) -> Bool {
        let taken = try? store.withState { s throws(PostflareError) -> ContactImportJob? in
            s.importQueue.isEmpty ? nil : s.importQueue.removeFirst()
        }
        guard var job = taken else { return false }
        let rows = job.reader.next(max(1, budget))
        let finished = job.reader.isAtEnd
        let now = store.now
        _ = try? store.withState { s throws(PostflareError) in
            guard var team = s.teams.removeValue(forKey: job.teamId) else { return }
            // A reset since the job was taken dropped its import: the job goes with it.
            if team.imports[job.importId] != nil {
                job.apply(rows, to: &team, state: &s, now: now)
                if finished {
                    team.imports[job.importId]?.finishedAt = now
                } else {
                    s.importQueue.insert(job, at: 0)
                }
            }
            s.teams[job.teamId] = consume team
        }
        return true
    }

    static func importStatus(_ i: ContactImportRecord, now: Int64) -> String {
        // The first emulated second always reads `queued`, however fast the rows were applied.
        if now - i.createdAt < 1_000 { return "queued" }
        guard i.finishedAt != nil else { return i.counts.total == 0 ? "queued" : "in_progress" }
        return "completed"
    }

    static func importJSON(_ i: ContactImportRecord, now: Int64) -> JSON {
        let status = importStatus(i, now: now)
        return [
            "object": "contact_import", "id": .string(i.id), "status": .string(status),
            "created_at": Time.pg(i.createdAt),
            "completed_at": status == "completed" ? Time.pg(max(i.finishedAt ?? 0, i.createdAt + 1_000)) : .null,
            "counts": [
                "total": .int(i.counts.total), "created": .int(i.counts.created), "updated": .int(i.counts.updated),
                "skipped": .int(i.counts.skipped), "failed": .int(i.counts.failed),
            ],
        ]
    }
}
