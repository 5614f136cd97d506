// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// What a submit keeps of a message (the compact form of a `StoredMessage`): the choices the submit made.
/// Everything else its `MessageRecord` would hold is derived when shown: the planned events and times from
/// `outcome`, `start` and `seed`, the received and sent headers from the addresses, the web links from
/// `seed` (or the web inbox base), the Message-ID and transaction id from the id.
struct SubmittedRecord: Sendable {
    var id: String
    var submitted: Timestamp
    /// Insert time: the keyset sort value (see `MessageRecord.inserted`); the SUBMITTED event mirrors it.
    var inserted: Timestamp
    var messageType: String
    /// Source, flow, account and web inbox base: shared by every message submitted with the same ones.
    var origin: SubmitOrigin
    var senderAddress: String
    var recipientAddress: String
    /// E-mails only.
    var subject: String?
    var text: String?
    var html: String?
    var tags: [String]
    /// The client address the submit came from (e-mails only).
    var receivedFrom: String?
    var outcome: Outcome
    /// When processing starts (`scheduleAt`, else the insert time); the planned times are offsets from it.
    var start: Timestamp
    /// Draws the events' ids and the web link seed.
    var seed: UInt64
    /// What most submits leave empty (header addresses and names, custom headers, data, attachments, selector).
    var extras: SubmitExtras?
    /// Serialized forms once settled (see `RenderCache`).
    var cache = RenderCache()

    var isEmail: Bool { messageType == "EMAIL" }

    /// The seed of the message's web links (`WebLink.online`/`details`): the first draw from `seed`.
    var linkSeed: UInt64 {
        var rng = FastRandom(seed: seed)
        return rng.next()
    }

    var backendStart: Timestamp? { start.adding(millis: MessageLife.backendStartDelay) }

    /// Processing fails before the message is built for `.error`: no PROCESSED, no Message-ID, no links.
    var processedAt: Timestamp? { outcome == .error ? nil : start.adding(millis: MessageLife.processedDelay) }

    var from: String? { isEmail ? extras?.headerFromAddress ?? senderAddress : nil }

    var fromAddress: Address? {
        isEmail ? Address(name: extras?.headerFromName, address: extras?.headerFromAddress ?? senderAddress) : nil
    }

    var toAddressList: [Address] {
        isEmail ? [Address(name: extras?.headerToName, address: extras?.headerToAddress ?? recipientAddress)] : []
    }

    /// The planned events, newest first; `details: false` leaves out ids and texts (types and times only).
    func events(details: Bool) -> [MessageEvent] {
        MessageLife.events(
            outcome,
            submitted: submitted,
            inserted: inserted,
            start: start,
            recipient: recipientAddress,
            seed: seed,
            details: details
        )
    }

    var receivedHeaders: [(name: String, value: String)] {
        guard let ip = receivedFrom else { return [] }
        return MessageRecord.receivedHeaders(
            ip: ip,
            id: id,
            submitted: submitted,
            senderAddress: senderAddress,
            recipientAddress: recipientAddress,
            fromAddress: fromAddress,
            to: toAddressList.first,
            customHeaders: extras?.customHeaders ?? [],
            subject: subject,
            hasHTML: html != nil
        )
    }

    func sentHeaders(received: [(name: String, value: String)]) -> [(name: String, value: String)]? {
        guard isEmail, let backendStart else { return nil }
        return MessageRecord.sentHeaders(
            account: origin.account,
            id: id,
            source: origin.source,
            flow: origin.flow,
            backendStart: backendStart,
            received: received
        )
    }

    /// Every field, as the submit used to store them (and as persistence writes them).
    var expanded: MessageRecord {
        var r = MessageRecord(
            id: id,
            submitted: submitted,
            inserted: inserted,
            transactionId: "",
            messageType: messageType,
            source: origin.source,
            flow: origin.flow,
            senderAddress: senderAddress,
            recipientAddress: recipientAddress,
            subject: subject,
            from: from,
            fromAddress: fromAddress,
            toAddressList: toAddressList,
            headersIn: [],
            tags: tags,
            backendStart: backendStart,
            backendDone: processedAt,
            processedAt: processedAt,
            messageIdHeader: nil,
            headersOut: nil,
            onlineLink: nil,
            messageDetailsLink: nil,
            events: events(details: true),
            fixedStatus: nil,
            text: text,
            html: html,
            data: extras?.data,
            attachments: extras?.attachments ?? [],
            flowSelector: extras?.flowSelector,
            cache: cache
        )
        if isEmail {
            r.receivedFrom = receivedFrom
            r.customHeaders = extras?.customHeaders ?? []
            r.sentByAccount = origin.account
            r.webLinkSeed = linkSeed
            r.webBase = origin.webBase
        }
        return r
    }
}

/// Where submits come from: one shared object per (source, flow, account, web base) in use, so that a stored
/// message holds one reference instead of six strings.
final class SubmitOrigin: Sendable {
    struct Key: Hashable {
        var source: ObjectRef
        var flow: ObjectRef
        var account: String
        var webBase: String?
    }

    let source: ObjectRef
    let flow: ObjectRef
    let account: String
    let webBase: String?

    private init(_ key: Key) {
        source = key.source
        flow = key.flow
        account = key.account
        webBase = key.webBase
    }

    /// The shared origin for these values; past `limit` distinct ones a fresh object (correct, just not shared).
    static func interned(_ key: Key) -> SubmitOrigin {
        table.withLock { t in
            if let known = t[key] { return known }
            let made = SubmitOrigin(key)
            if t.count < limit { t[key] = made }
            return made
        }
    }

    private static let table = Locked<[Key: SubmitOrigin]>([:])
    private static let limit = 4_096
}

/// The parts of a submit most leave empty, kept only when one is not.
final class SubmitExtras: Sendable {
    let headerFromAddress: String?
    let headerFromName: String?
    let headerToAddress: String?
    let headerToName: String?
    let customHeaders: [(name: String, value: String)]
    let data: JSON?
    let attachments: [JSON]
    let flowSelector: String?

    /// Nil when the submit set none of them. `customHeaders` are kept for e-mails only (as before).
    init?(_ r: SubmitRequest, isEmail: Bool) {
        let custom = isEmail ? r.headers : []
        guard
            r.headerFromAddress != nil || r.headerFromName != nil || r.headerToAddress != nil
                || r.headerToName != nil || !custom.isEmpty || r.data != nil || !r.attachments.isEmpty
                || r.flowSelector != nil
        else { return nil }
        headerFromAddress = r.headerFromAddress
        headerFromName = r.headerFromName
        headerToAddress = r.headerToAddress
        headerToName = r.headerToName
        customHeaders = custom
        data = r.data
        attachments = r.attachments
        flowSelector = r.flowSelector
    }
}
