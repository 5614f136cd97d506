// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// A `{"id","description"}` reference (ObjectDescription, spec §6).
struct ObjectRef: Sendable, Hashable, Codable {
    var id: String
    var description: String
    var json: JSON { ["id": .string(id), "description": .string(description)] }
}

/// An email `Address` (`{"name","address"}`).
struct Address: Sendable, Equatable, Codable {
    var name: String?
    var address: String
    var json: JSON { ["name": .string(name), "address": .string(address)] }
}

/// One message event. It becomes visible once emulator time reaches `inserted` (its database insert date),
/// which is how a submitted message lives its life without timers.
struct MessageEvent: Sendable, Codable {
    var id: String?
    var type: String
    var received: Timestamp
    var inserted: Timestamp
    var snippet: String? = nil
    var mta: String? = nil
    var data: String? = nil
    var sourceMta: String? = nil
    var subType: String? = nil
    var extraData: JSON? = nil
    var linkTarget: String? = nil

    /// Field order of the official example (spec §8.1); `sourceMta`, `subType`, `extraData` only when set.
    func json(messageId: String, tags: [String]? = nil) -> JSON {
        var o = JSONObject([
            ("id", .string(id)), ("messageId", .string(messageId)), ("type", .string(type)),
            ("received", .string(received.iso8601())), ("inserted", .string(inserted.iso8601())),
            ("snippet", .string(snippet)), ("mta", .string(mta)), ("data", .string(data)),
        ])
        if let sourceMta { o["sourceMta"] = .string(sourceMta) }
        if let subType { o["subType"] = .string(subType) }
        if let linkTarget { o["linkTarget"] = .string(linkTarget) }
        if let extraData { o["extraData"] = extraData }
        if let tags { o["messageTags"] = .array(tags.map { .string($0) }) }
        return .object(o)
    }
}

/// The fields of a stored message (`StoredMessage` shares them copy-on-write). Fixture messages carry their
/// whole history; submitted ones carry a planned history whose parts appear as the emulator clock passes
/// their times (`processedAt`, each event's `inserted`).
struct MessageRecord: Sendable, Codable {
    var id: String
    var submitted: Timestamp
    /// Insert time: the keyset sort value for `sortfield=INSERTED` (spec §3.2). Strictly increasing per account.
    var inserted: Timestamp
    var transactionId: String
    var messageType: String
    var source: ObjectRef
    var flow: ObjectRef
    var senderAddress: String
    var recipientAddress: String
    var subject: String?
    var from: String?
    var fromAddress: Address?
    var toAddressList: [Address]
    @CodedHeaders var headersIn: [(name: String, value: String)]
    var tags: [String]

    // Planned history.
    var backendStart: Timestamp?
    var backendDone: Timestamp?
    /// When processing finished and `messageIdHeader`, `headersOut` and the links exist; nil if it never does.
    var processedAt: Timestamp?
    var messageIdHeader: String?
    @CodedOptionalHeaders var headersOut: [(name: String, value: String)]?
    /// Web links as given by fixtures; a submitted message has `webLinkSeed` instead.
    var onlineLink: String?
    var messageDetailsLink: String?
    var events: [MessageEvent]  // newest first (by received)
    /// A status pinned by fixtures; otherwise the newest visible event's type.
    var fixedStatus: String?

    // Content kept for the archive endpoints.
    var text: String?
    var html: String?
    var data: JSON?
    var attachments: [JSON]
    var flowSelector: String?
    /// Serialized forms once settled (see `RenderCache`).
    var cache = RenderCache()
    /// The client address a submitted e-mail came from; set, `headersIn` is rebuilt when shown
    /// (`submittedHeaders`) instead of an array and a Received line, ~450 bytes, kept for every submit.
    var receivedFrom: String? = nil
    /// The submit's own `headers` (usually none), part of the rebuilt `headersIn`.
    @CodedHeaders var customHeaders: [(name: String, value: String)] = []
    /// The account of a submitted e-mail, whose sent headers (`headersOut`) are derived from the rest of the
    /// record when shown (`derivedHeadersOut(received:)`) instead of being built and kept, ~500 bytes, for every submit.
    var sentByAccount: String? = nil
    /// Where a submitted message's web links come from (`WebLink.online`/`details`): ~600 random bytes per
    /// message are derived when shown instead of being generated and kept for every submit.
    var webLinkSeed: UInt64? = nil
    /// Where the submit reached the emulator (interned: one string per base); set, the web links open this
    /// message in the web inbox (`WebLink.inbox`).
    var webBase: String? = nil
}

extension MessageRecord {
    /// The received headers: stored for fixture messages; for a submitted e-mail built from the record as
    /// the submit built them (`receivedHeaders`).
    var submittedHeaders: [(name: String, value: String)] {
        guard let ip = receivedFrom else { return headersIn }
        return Self.receivedHeaders(
            ip: ip,
            id: id,
            submitted: submitted,
            senderAddress: senderAddress,
            recipientAddress: recipientAddress,
            fromAddress: fromAddress,
            to: toAddressList.first,
            customHeaders: customHeaders,
            subject: subject,
            hasHTML: html != nil
        )
    }

    /// What a submitted e-mail came with: Received, MIME-Version, From, To, the submit's headers, Subject,
    /// Content-Type.
    static func receivedHeaders(
        ip: String,
        id: String,
        submitted: Timestamp,
        senderAddress: String,
        recipientAddress: String,
        fromAddress: Address?,
        to: Address?,
        customHeaders: [(name: String, value: String)],
        subject: String?,
        hasHTML: Bool
    ) -> [(name: String, value: String)] {
        var h: [(name: String, value: String)] = []
        h.reserveCapacity(8 + customHeaders.count)
        h.append(
            (
                "Received",
                "from \(ip) by (Flowmailer API) with HTTP for <\(recipientAddress)>; \(submitted.rfc5322Amsterdam())"
            )
        )
        h.append(("MIME-Version", "1.0"))
        // Inferred: Flowmailer's documents do not say what a line break in `subject` or `headerFromName` does;
        // its MTA encodes header text, which cannot start a new field, so the header shows it on one line.
        let fromName = fromAddress?.name.map(MessageHeaderField.singleLine)
        h.append(("From", MailDate.mailbox(fromName, fromAddress?.address ?? senderAddress)))
        h.append(("To", MailDate.mailbox(to?.name.map(MessageHeaderField.singleLine), to?.address ?? recipientAddress)))
        h += customHeaders
        if let subject { h.append(("Subject", MessageHeaderField.singleLine(subject))) }
        if hasHTML {
            h.append(
                ("Content-Type", "multipart/alternative; boundary=\"----=_Part_\(MessageLife.boundary(forId: id))\"")
            )
        } else {
            h.append(("Content-Type", "text/plain; charset=UTF-8"))
            h.append(("Content-Transfer-Encoding", "quoted-printable"))
        }
        return h
    }

    /// The sent headers of a submitted e-mail, built from its received headers (`submittedHeaders`, passed in
    /// so that a render which shows both builds them once); nil for other messages.
    func derivedHeadersOut(received: [(name: String, value: String)]) -> [(name: String, value: String)]? {
        guard let account = sentByAccount, let backendStart else { return nil }
        return Self.sentHeaders(
            account: account,
            id: id,
            source: source,
            flow: flow,
            backendStart: backendStart,
            received: received
        )
    }

    /// What a submitted e-mail was sent with (spec §2.6): the received headers without the `Received` line,
    /// then `Feedback-ID`, `Message-ID`, `Date` (when processing finished) and `X-Job`.
    static func sentHeaders(
        account: String,
        id: String,
        source: ObjectRef,
        flow: ObjectRef,
        backendStart: Timestamp,
        received: [(name: String, value: String)]
    ) -> [(name: String, value: String)] {
        let done = backendStart.adding(millis: MessageLife.processedDelay - MessageLife.backendStartDelay)
        var out: [(name: String, value: String)] = []
        out.reserveCapacity(received.count + 3)
        out += received.dropFirst()  // the Received line is not part of the sent mail
        out.append(("Feedback-ID", "\(account):\(account)-\(source.id):\(account)-\(flow.id):flowmailer"))
        out.append(("Message-ID", MessageLife.messageIdHeader(id)))
        out.append(("Date", done.rfc5322()))
        out.append(("X-Job", "fm-\(source.id)-\(flow.id)"))
        return out
    }
}

extension StoredMessage {
    func visibleEvents(at now: Timestamp) -> [MessageEvent] { events.filter { $0.inserted <= now } }

    func isProcessed(at now: Timestamp) -> Bool { processedAt.map { $0 <= now } ?? false }

    func status(at now: Timestamp) -> String {
        if let fixedStatus { return fixedStatus }
        return eventTimeline.first { $0.inserted <= now }?.type ?? "SUBMITTED"
    }
}
