// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// What is left to do of one `POST /contacts/imports`: its CSV, read a batch at a time outside the store
/// lock, and how each row becomes a contact. Queued in `PostflareStore.State.importQueue`; whoever applies
/// a batch takes the job out of the queue first, so batches of one import never run concurrently or out of
/// order.
struct ContactImportJob: Sendable, Codable {
    struct Columns: Sendable, Codable {
        var email: Int
        var firstName: Int?
        var lastName: Int?
        var unsubscribed: Int?
    }

    var teamId: String
    var importId: String
    /// Positioned after the header row.
    var reader: CSVReader
    var columns: Columns
    var skipExisting: Bool
    var segments: [String]
    var topics: [(String, String)]

    /// Applies `rows` to `team`, counting them into its import record.
    func apply(_ rows: [[String]], to team: inout Team, state: inout PostflareStore.State, now: Int64) {
        guard var record = team.imports[importId] else { return }
        // A segment or topic deleted while the import runs is no longer added.
        let segments = segments.filter { team.segments[$0] != nil }
        let topics = topics.filter { team.topics[$0.0] != nil }
        for row in rows {
            record.counts.total += 1
            func cell(_ i: Int?) -> String? {
                guard let i, i < row.count else { return nil }
                let v = row[i].trimmingSpaces()
                return v.isEmpty ? nil : v
            }
            guard let email = cell(columns.email), EmailAddress.isValid(email) else {
                record.counts.failed += 1
                continue
            }
            var c: ContactRecord
            if let existing = team.contacts.id(forEmail: email).flatMap({ team.contacts[$0] }) {
                if skipExisting {
                    record.counts.skipped += 1
                    continue
                }
                c = existing
                record.counts.updated += 1
            } else {
                c = ContactRecord(email: email, createdAt: now, seq: state.nextSeq())
                record.counts.created += 1
            }
            if let f = cell(columns.firstName) { c.firstName = f }
            if let l = cell(columns.lastName) { c.lastName = l }
            if let u = cell(columns.unsubscribed) { c.unsubscribed = ["true", "1", "yes"].contains(u.lowercased()) }
            for s in segments where !c.segmentIds.contains(s) { c.segmentIds.append(s) }
            for (t, sub) in topics { c.topics[t] = sub }
            team.contacts[c.id] = c
        }
        team.imports[importId] = record
    }
}
