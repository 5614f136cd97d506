// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

// Persistence (`--data-dir`) codes the store with synthesized `Codable`; these cover the tuples it cannot.

/// The quota log's (time, count) pairs as a flat list.
@propertyWrapper
struct CodedSendLog: Sendable, Codable {
    var wrappedValue: [(at: Int64, count: Int)]

    init(wrappedValue: [(at: Int64, count: Int)]) { self.wrappedValue = wrappedValue }
    init(from decoder: any Decoder) throws {
        let flat = try [Int64](from: decoder)
        wrappedValue = stride(from: 0, to: flat.count - 1, by: 2).map { (flat[$0], Int(flat[$0 + 1])) }
    }
    func encode(to encoder: any Encoder) throws {
        try wrappedValue.flatMap { [$0.at, Int64($0.count)] }.encode(to: encoder)
    }
}

extension ContactImportRecord {
    enum CodingKeys: String, CodingKey { case id, createdAt, counts, seq, finishedAt }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        createdAt = try c.decode(Int64.self, forKey: .createdAt)
        let n = try c.decode([Int].self, forKey: .counts)
        guard n.count == 5 else { throw BinaryCoderError("import counts: 5 numbers expected") }
        counts = (n[0], n[1], n[2], n[3], n[4])
        seq = try c.decode(Int.self, forKey: .seq)
        finishedAt = try c.decodeIfPresent(Int64.self, forKey: .finishedAt)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode([counts.total, counts.created, counts.updated, counts.skipped, counts.failed], forKey: .counts)
        try c.encode(seq, forKey: .seq)
        try c.encodeIfPresent(finishedAt, forKey: .finishedAt)
    }
}

extension ContactImportJob {
    enum CodingKeys: String, CodingKey {
        case teamId, importId, reader, columns, skipExisting, segments, topics
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        teamId = try c.decode(String.self, forKey: .teamId)
        importId = try c.decode(String.self, forKey: .importId)
        reader = try c.decode(CSVReader.self, forKey: .reader)
        columns = try c.decode(Columns.self, forKey: .columns)
        skipExisting = try c.decode(Bool.self, forKey: .skipExisting)
        segments = try c.decode([String].self, forKey: .segments)
        let flat = try c.decode([String].self, forKey: .topics)
        topics = stride(from: 0, to: flat.count - 1, by: 2).map { (flat[$0], flat[$0 + 1]) }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(teamId, forKey: .teamId)
        try c.encode(importId, forKey: .importId)
        try c.encode(reader, forKey: .reader)
        try c.encode(columns, forKey: .columns)
        try c.encode(skipExisting, forKey: .skipExisting)
        try c.encode(segments, forKey: .segments)
        try c.encode(topics.flatMap { [$0.0, $0.1] }, forKey: .topics)
    }
}

/// What `--data-dir` keeps of Postflare: the store, idempotency keys within their 24 h, webhook retries,
/// pending lifecycle events and provisioned tenants.
struct PersistedPostflare: Codable {
    var state: PostflareStore.State
    var idempotency: [IdempotencyCache.Saved]
    var retries: [WebhookRetryQueue.Retry]
    var due: [DueEventQueue.Entry]
    var provisioned: [ProvisionedTenants<Team>.Entry]
}

extension PostflareAPI {
    public func persistedState() throws -> [UInt8]? {
        // Each part is copied under its own lock; the copies are encoded outside every lock.
        let state = (try? store.withState { $0 }) ?? PostflareStore.State()
        return try BinaryCoder.encode(
            PersistedPostflare(
                state: state,
                idempotency: store.idempotency.saved(now: store.now),
                retries: webhookRetries.pending,
                due: dueEvents.pendingEntries,
                provisioned: provisioned.allEntries
            )
        )
    }

    public func restorePersisted(_ bytes: [UInt8]) throws {
        let saved = try BinaryCoder.decode(PersistedPostflare.self, from: bytes)
        try restore(VendorSnapshot(vendor: Self.vendorName, state: saved.state))
        store.idempotency.restore(saved.idempotency)
        webhookRetries.replaceAll(saved.retries)
        dueEvents.schedule(saved.due)
        provisioned.replaceAll(saved.provisioned)
    }
}

/// Stored e-mails are the bulk of a large state (a million of them must load in about a second): written
/// field by field instead of through `Codable`'s containers.
extension EmailRecord: BinaryTableRow {
    static func decodeBinaryTable(_ input: BinaryRecordReader) throws -> Any {
        try OrderedTable<EmailRecord>.decodeBinaryRows(input)
    }

    func write(to out: BinaryRecordWriter) throws {
        out.write(id)
        out.write(from)
        out.write(to)
        out.write(cc)
        out.write(bcc)
        out.write(replyTo)
        out.write(subject)
        out.write(optional: html)
        out.write(optional: text)
        try out.write(optional: headers)
        try out.write(tags)
        try out.write(attachments)
        out.write(createdAt)
        out.write(optional: scheduledAt)
        out.write(sendAt)
        out.write(optional: canceledAt)
        out.write(optional: templateId)
        out.write(optional: topicId)
        out.write(optional: broadcastId)
        out.write(seq)
        out.write(suppressed)
        try out.write(simulated)
        try out.write(optional: recorded)
    }

    init(from input: BinaryRecordReader) throws {
        id = try input.string()
        from = try input.string()
        to = try input.strings()
        cc = try input.strings()
        bcc = try input.strings()
        replyTo = try input.strings()
        subject = try input.string()
        html = try input.optionalString()
        text = try input.optionalString()
        headers = try input.optional(JSONObject.self)
        tags = try input.array([JSON].self)
        attachments = try input.array([AttachmentRecord].self)
        createdAt = try input.int64()
        scheduledAt = try input.optionalInt64()
        sendAt = try input.int64()
        canceledAt = try input.optionalInt64()
        templateId = try input.optionalString()
        topicId = try input.optionalString()
        broadcastId = try input.optionalString()
        seq = try input.int()
        suppressed = try input.bool()
        simulated = try input.array([SimulatedEvent].self)
        // Added after the layout shipped: a state file written before fixture e-mails existed ends here.
        recorded = input.isAtEnd ? nil : try input.optional([SimulatedEvent].self)
    }
}
