// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// A stored message: a `MessageRecord` behind one shared, copy-on-write reference, because listings copy
/// messages constantly and a copy of ~25 refcounted fields should be one retain. A mutation copies the record
/// first when another copy still shares it, so value semantics hold.
struct StoredMessage: Sendable, Codable {
    /// The box the copies share.
    private final class Storage: @unchecked Sendable, Codable {
        // @unchecked: `record` is only written through `unique()`, i.e. while this is the sole reference, so a
        // box that several threads can see is never mutated.
        var record: MessageRecord
        init(_ record: MessageRecord) { self.record = record }
    }

    private var storage: Storage

    init(_ record: MessageRecord) { storage = Storage(record) }

    /// The box, ready to mutate: replaced by a private copy first if another `StoredMessage` shares it.
    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.record) }
        return storage
    }

    var id: String {
        get { storage.record.id }
        set { unique().record.id = newValue }
    }

    var submitted: Timestamp {
        get { storage.record.submitted }
        set { unique().record.submitted = newValue }
    }

    var inserted: Timestamp {
        get { storage.record.inserted }
        set { unique().record.inserted = newValue }
    }

    /// Stored for fixture messages; derived from the id for submitted ones (stored empty).
    var transactionId: String {
        get {
            let stored = storage.record.transactionId
            return stored.isEmpty ? MessageLife.transactionId(forId: storage.record.id) : stored
        }
        set { unique().record.transactionId = newValue }
    }

    var messageType: String {
        get { storage.record.messageType }
        set { unique().record.messageType = newValue }
    }

    var source: ObjectRef {
        get { storage.record.source }
        set { unique().record.source = newValue }
    }

    var flow: ObjectRef {
        get { storage.record.flow }
        set { unique().record.flow = newValue }
    }

    var senderAddress: String {
        get { storage.record.senderAddress }
        set { unique().record.senderAddress = newValue }
    }

    var recipientAddress: String {
        get { storage.record.recipientAddress }
        set { unique().record.recipientAddress = newValue }
    }

    var subject: String? {
        get { storage.record.subject }
        set { unique().record.subject = newValue }
    }

    var from: String? {
        get { storage.record.from }
        set { unique().record.from = newValue }
    }

    var fromAddress: Address? {
        get { storage.record.fromAddress }
        set { unique().record.fromAddress = newValue }
    }

    var toAddressList: [Address] {
        get { storage.record.toAddressList }
        set { unique().record.toAddressList = newValue }
    }

    var headersIn: [(name: String, value: String)] {
        get { storage.record.submittedHeaders }
        set {
            let storage = unique()
            storage.record.headersIn = newValue
            storage.record.receivedFrom = nil  // stored from now on, no longer rebuilt
        }
    }

    var tags: [String] {
        get { storage.record.tags }
        set { unique().record.tags = newValue }
    }

    var backendStart: Timestamp? {
        get { storage.record.backendStart }
        set { unique().record.backendStart = newValue }
    }

    var backendDone: Timestamp? {
        get { storage.record.backendDone }
        set { unique().record.backendDone = newValue }
    }

    var processedAt: Timestamp? {
        get { storage.record.processedAt }
        set { unique().record.processedAt = newValue }
    }

    /// Stored for fixture and resumed messages; derived from the id for submitted e-mails (shown only once
    /// processed, which an e-mail that fails processing never is).
    var messageIdHeader: String? {
        get {
            storage.record.messageIdHeader
                ?? (storage.record.sentByAccount != nil ? MessageLife.messageIdHeader(storage.record.id) : nil)
        }
        set { unique().record.messageIdHeader = newValue }
    }

    var headersOut: [(name: String, value: String)]? {
        get { storage.record.headersOut ?? storage.record.derivedHeadersOut(received: headersIn) }
        set { unique().record.headersOut = newValue }
    }

    /// `headersOut` for a caller that already holds this message's `headersIn`.
    func headersOut(received: [(name: String, value: String)]) -> [(name: String, value: String)]? {
        storage.record.headersOut ?? storage.record.derivedHeadersOut(received: received)
    }

    var onlineLink: String? {
        get {
            if let link = storage.record.onlineLink { return link }
            if let base = storage.record.webBase { return WebLink.inbox(base: base, id: id, online: true) }
            return storage.record.webLinkSeed.map { WebLink.online(seed: $0) }
        }
        set { unique().record.onlineLink = newValue }
    }

    var messageDetailsLink: String? {
        get {
            if let link = storage.record.messageDetailsLink { return link }
            if let base = storage.record.webBase { return WebLink.inbox(base: base, id: id, online: false) }
            return storage.record.webLinkSeed.map { WebLink.details(seed: $0) }
        }
        set { unique().record.messageDetailsLink = newValue }
    }

    var receivedFrom: String? {
        get { storage.record.receivedFrom }
        set { unique().record.receivedFrom = newValue }
    }

    var customHeaders: [(name: String, value: String)] {
        get { storage.record.customHeaders }
        set { unique().record.customHeaders = newValue }
    }

    var sentByAccount: String? {
        get { storage.record.sentByAccount }
        set { unique().record.sentByAccount = newValue }
    }

    var webLinkSeed: UInt64? {
        get { storage.record.webLinkSeed }
        set { unique().record.webLinkSeed = newValue }
    }

    var webBase: String? {
        get { storage.record.webBase }
        set { unique().record.webBase = newValue }
    }

    var events: [MessageEvent] {
        get { storage.record.events }
        set { unique().record.events = newValue }
    }

    var fixedStatus: String? {
        get { storage.record.fixedStatus }
        set { unique().record.fixedStatus = newValue }
    }

    var text: String? {
        get { storage.record.text }
        set { unique().record.text = newValue }
    }

    var html: String? {
        get { storage.record.html }
        set { unique().record.html = newValue }
    }

    var data: JSON? {
        get { storage.record.data }
        set { unique().record.data = newValue }
    }

    var attachments: [JSON] {
        get { storage.record.attachments }
        set { unique().record.attachments = newValue }
    }

    var flowSelector: String? {
        get { storage.record.flowSelector }
        set { unique().record.flowSelector = newValue }
    }

    /// Moves the insert time (and the SUBMITTED event's, which mirrors it) in place.
    mutating func moveInserted(to time: Timestamp) {
        let storage = unique()
        storage.record.inserted = time
        for i in storage.record.events.indices where storage.record.events[i].type == "SUBMITTED" {
            storage.record.events[i].inserted = time
        }
    }

    var cache: RenderCache {
        get { storage.record.cache }
        set { unique().record.cache = newValue }
    }
}
