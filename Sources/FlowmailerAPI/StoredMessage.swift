// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// A stored message behind one shared, copy-on-write reference, because listings copy messages constantly and
/// a copy should be one retain. A mutation copies the fields first when another copy still shares them, so
/// value semantics hold.
///
/// Two forms: a message the API submitted keeps only what its submit chose (`SubmittedRecord`) and derives
/// the rest (events, times, headers, links) when shown; fixture messages, and a submitted one once something
/// outside that form is changed (a resume), keep every field (`MessageRecord`). Persistence writes both as a
/// `MessageRecord`, so the state file format does not depend on the form.
struct StoredMessage: Sendable, Codable {
    private class Storage: @unchecked Sendable {}

    /// @unchecked: `record` is only written through `uniqueSubmitted()`, i.e. while this is the sole reference.
    private final class Submitted: Storage, @unchecked Sendable {
        var record: SubmittedRecord
        init(_ record: SubmittedRecord) { self.record = record }
    }

    /// @unchecked: `record` is only written through `general()`, i.e. while this is the sole reference.
    private final class General: Storage, @unchecked Sendable {
        var record: MessageRecord
        init(_ record: MessageRecord) { self.record = record }
    }

    private var storage: Storage

    init(_ record: MessageRecord) { storage = General(record) }

    init(submitted record: SubmittedRecord) { storage = Submitted(record) }

    private enum Form {
        case submitted(Submitted)
        case general(General)
    }

    private var form: Form {
        if let s = storage as? Submitted { return .submitted(s) }
        return .general(unsafeDowncast(storage, to: General.self))
    }

    /// The compact box, ready to mutate (a private copy first if shared); nil for a message in the general form.
    private mutating func uniqueSubmitted() -> Submitted? {
        guard storage is Submitted else { return nil }
        if !isKnownUniquelyReferenced(&storage) {
            storage = Submitted(unsafeDowncast(storage, to: Submitted.self).record)
        }
        return unsafeDowncast(storage, to: Submitted.self)
    }

    /// The general box, ready to mutate: a compact message is expanded into every field first, and a shared
    /// box replaced by a private copy.
    private mutating func general() -> General {
        if storage is Submitted {
            storage = General(unsafeDowncast(storage, to: Submitted.self).record.expanded)
        } else if !isKnownUniquelyReferenced(&storage) {
            storage = General(unsafeDowncast(storage, to: General.self).record)
        }
        return unsafeDowncast(storage, to: General.self)
    }

    /// Every field, as persistence writes it.
    var record: MessageRecord {
        switch form {
        case .submitted(let b): b.record.expanded
        case .general(let b): b.record
        }
    }

    /// Whether the message keeps the compact form of a submit.
    var isCompact: Bool { storage is Submitted }

    // The layout the state file has always had: `{"storage": {"record": MessageRecord}}`.
    private enum CodingKeys: String, CodingKey { case storage }
    private struct Persisted: Codable { var record: MessageRecord }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        storage = General(try c.decode(Persisted.self, forKey: .storage).record)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Persisted(record: record), forKey: .storage)
    }

    /// Stored for fixture messages; derived from the id for submitted ones (stored empty).
    var transactionId: String {
        get {
            switch form {
            case .submitted(let b): return MessageLife.transactionId(forId: b.record.id)
            case .general(let b):
                let stored = b.record.transactionId
                return stored.isEmpty ? MessageLife.transactionId(forId: b.record.id) : stored
            }
        }
        set { general().record.transactionId = newValue }
    }

    var headersIn: [(name: String, value: String)] {
        get {
            switch form {
            case .submitted(let b): b.record.receivedHeaders
            case .general(let b): b.record.submittedHeaders
            }
        }
        set {
            let box = general()
            box.record.headersIn = newValue
            box.record.receivedFrom = nil  // stored from now on, no longer rebuilt
        }
    }

    /// Stored for fixture and resumed messages; derived from the id for submitted e-mails (shown only once
    /// processed, which an e-mail that fails processing never is).
    var messageIdHeader: String? {
        get {
            switch form {
            case .submitted(let b): return b.record.isEmail ? MessageLife.messageIdHeader(b.record.id) : nil
            case .general(let b):
                return b.record.messageIdHeader
                    ?? (b.record.sentByAccount != nil ? MessageLife.messageIdHeader(b.record.id) : nil)
            }
        }
        set { general().record.messageIdHeader = newValue }
    }

    var headersOut: [(name: String, value: String)]? {
        get { headersOut(received: headersIn) }
        set { general().record.headersOut = newValue }
    }

    /// `headersOut` for a caller that already holds this message's `headersIn`.
    func headersOut(received: [(name: String, value: String)]) -> [(name: String, value: String)]? {
        switch form {
        case .submitted(let b): b.record.sentHeaders(received: received)
        case .general(let b): b.record.headersOut ?? b.record.derivedHeadersOut(received: received)
        }
    }

    var onlineLink: String? {
        get { link(online: true) }
        set { general().record.onlineLink = newValue }
    }

    var messageDetailsLink: String? {
        get { link(online: false) }
        set { general().record.messageDetailsLink = newValue }
    }

    private func link(online: Bool) -> String? {
        let stored: String?
        let base: String?
        let seed: UInt64?
        switch form {
        case .submitted(let b):
            stored = nil
            base = b.record.origin.webBase
            seed = b.record.isEmail ? b.record.linkSeed : nil
        case .general(let b):
            stored = online ? b.record.onlineLink : b.record.messageDetailsLink
            base = b.record.webBase
            seed = b.record.webLinkSeed
        }
        if let stored { return stored }
        if let base { return WebLink.inbox(base: base, id: id, online: online) }
        return seed.map { online ? WebLink.online(seed: $0) : WebLink.details(seed: $0) }
    }

    /// The events' types and times without their texts and ids: what the status, the settling time and the
    /// due-event queue need, without building the strings a shown event has.
    var eventTimeline: [MessageEvent] {
        switch form {
        case .submitted(let b): b.record.events(details: false)
        case .general(let b): b.record.events
        }
    }

    /// Moves the insert time (and the SUBMITTED event's, which mirrors it) in place.
    mutating func moveInserted(to time: Timestamp) {
        if let b = uniqueSubmitted() {
            b.record.inserted = time  // the SUBMITTED event is derived from it
            return
        }
        let box = general()
        box.record.inserted = time
        for i in box.record.events.indices where box.record.events[i].type == "SUBMITTED" {
            box.record.events[i].inserted = time
        }
    }

    var cache: RenderCache {
        get {
            switch form {
            case .submitted(let b): b.record.cache
            case .general(let b): b.record.cache
            }
        }
        set {
            if let b = uniqueSubmitted() { b.record.cache = newValue } else { general().record.cache = newValue }
        }
    }

    var id: String {
        get {
            switch form {
            case .submitted(let b): b.record.id
            case .general(let b): b.record.id
            }
        }
        set { general().record.id = newValue }
    }

    var submitted: Timestamp {
        get {
            switch form {
            case .submitted(let b): b.record.submitted
            case .general(let b): b.record.submitted
            }
        }
        set { general().record.submitted = newValue }
    }

    var inserted: Timestamp {
        get {
            switch form {
            case .submitted(let b): b.record.inserted
            case .general(let b): b.record.inserted
            }
        }
        set {
            if let b = uniqueSubmitted() { b.record.inserted = newValue } else { general().record.inserted = newValue }
        }
    }

    var messageType: String {
        get {
            switch form {
            case .submitted(let b): b.record.messageType
            case .general(let b): b.record.messageType
            }
        }
        set { general().record.messageType = newValue }
    }

    var source: ObjectRef {
        get {
            switch form {
            case .submitted(let b): b.record.origin.source
            case .general(let b): b.record.source
            }
        }
        set { general().record.source = newValue }
    }

    var flow: ObjectRef {
        get {
            switch form {
            case .submitted(let b): b.record.origin.flow
            case .general(let b): b.record.flow
            }
        }
        set { general().record.flow = newValue }
    }

    var senderAddress: String {
        get {
            switch form {
            case .submitted(let b): b.record.senderAddress
            case .general(let b): b.record.senderAddress
            }
        }
        set { general().record.senderAddress = newValue }
    }

    var recipientAddress: String {
        get {
            switch form {
            case .submitted(let b): b.record.recipientAddress
            case .general(let b): b.record.recipientAddress
            }
        }
        set { general().record.recipientAddress = newValue }
    }

    var subject: String? {
        get {
            switch form {
            case .submitted(let b): b.record.subject
            case .general(let b): b.record.subject
            }
        }
        set { general().record.subject = newValue }
    }

    var from: String? {
        get {
            switch form {
            case .submitted(let b): b.record.from
            case .general(let b): b.record.from
            }
        }
        set { general().record.from = newValue }
    }

    var fromAddress: Address? {
        get {
            switch form {
            case .submitted(let b): b.record.fromAddress
            case .general(let b): b.record.fromAddress
            }
        }
        set { general().record.fromAddress = newValue }
    }

    var toAddressList: [Address] {
        get {
            switch form {
            case .submitted(let b): b.record.toAddressList
            case .general(let b): b.record.toAddressList
            }
        }
        set { general().record.toAddressList = newValue }
    }

    var tags: [String] {
        get {
            switch form {
            case .submitted(let b): b.record.tags
            case .general(let b): b.record.tags
            }
        }
        set { general().record.tags = newValue }
    }

    var backendStart: Timestamp? {
        get {
            switch form {
            case .submitted(let b): b.record.backendStart
            case .general(let b): b.record.backendStart
            }
        }
        set { general().record.backendStart = newValue }
    }

    var backendDone: Timestamp? {
        get {
            switch form {
            case .submitted(let b): b.record.processedAt
            case .general(let b): b.record.backendDone
            }
        }
        set { general().record.backendDone = newValue }
    }

    var processedAt: Timestamp? {
        get {
            switch form {
            case .submitted(let b): b.record.processedAt
            case .general(let b): b.record.processedAt
            }
        }
        set { general().record.processedAt = newValue }
    }

    var receivedFrom: String? {
        get {
            switch form {
            case .submitted(let b): b.record.receivedFrom
            case .general(let b): b.record.receivedFrom
            }
        }
        set { general().record.receivedFrom = newValue }
    }

    var customHeaders: [(name: String, value: String)] {
        get {
            switch form {
            case .submitted(let b): b.record.extras?.customHeaders ?? []
            case .general(let b): b.record.customHeaders
            }
        }
        set { general().record.customHeaders = newValue }
    }

    var sentByAccount: String? {
        get {
            switch form {
            case .submitted(let b): b.record.isEmail ? b.record.origin.account : nil
            case .general(let b): b.record.sentByAccount
            }
        }
        set { general().record.sentByAccount = newValue }
    }

    var webLinkSeed: UInt64? {
        get {
            switch form {
            case .submitted(let b): b.record.isEmail ? b.record.linkSeed : nil
            case .general(let b): b.record.webLinkSeed
            }
        }
        set { general().record.webLinkSeed = newValue }
    }

    var webBase: String? {
        get {
            switch form {
            case .submitted(let b): b.record.origin.webBase
            case .general(let b): b.record.webBase
            }
        }
        set { general().record.webBase = newValue }
    }

    var events: [MessageEvent] {
        get {
            switch form {
            case .submitted(let b): b.record.events(details: true)
            case .general(let b): b.record.events
            }
        }
        set { general().record.events = newValue }
    }

    var fixedStatus: String? {
        get {
            switch form {
            case .submitted: nil
            case .general(let b): b.record.fixedStatus
            }
        }
        set { general().record.fixedStatus = newValue }
    }

    var text: String? {
        get {
            switch form {
            case .submitted(let b): b.record.text
            case .general(let b): b.record.text
            }
        }
        set { general().record.text = newValue }
    }

    var html: String? {
        get {
            switch form {
            case .submitted(let b): b.record.html
            case .general(let b): b.record.html
            }
        }
        set { general().record.html = newValue }
    }

    var data: JSON? {
        get {
            switch form {
            case .submitted(let b): b.record.extras?.data
            case .general(let b): b.record.data
            }
        }
        set { general().record.data = newValue }
    }

    var attachments: [JSON] {
        get {
            switch form {
            case .submitted(let b): b.record.extras?.attachments ?? []
            case .general(let b): b.record.attachments
            }
        }
        set { general().record.attachments = newValue }
    }

    var flowSelector: String? {
        get {
            switch form {
            case .submitted(let b): b.record.extras?.flowSelector
            case .general(let b): b.record.flowSelector
            }
        }
        set { general().record.flowSelector = newValue }
    }

}
