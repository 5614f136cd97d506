// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// Builds a submitted message with its whole planned history. Times are offsets from the insert time; the
/// real service took 6–20 s (official example), compressed here so that a test advances the clock by seconds.
enum MessageLife {
    static let backendStartDelay: Int64 = 400
    static let processedDelay: Int64 = 1_200
    static let deliveredDelay: Int64 = 2_000
    static let engagementDelay: Int64 = 5_000

    struct Context {
        var account: String
        var source: ObjectRef
        var flow: ObjectRef
        var now: Timestamp
        var remoteIP: String
        /// `scheme://host[:port]` the submit reached the emulator at; set, the message's web links point at the
        /// web inbox there (`WebLink.inbox`) instead of an opaque web.flowmailer.net token.
        var webBase: String? = nil
        /// The recipient is on the account's recipient filter: the message is rejected (help centre, spec §7.3).
        var filtered = false
    }

    static func make(_ r: SubmitRequest, _ c: Context) -> StoredMessage {
        // `submitted` has whole seconds (every official example ends in .000) and the id starts with them.
        let submitted = Timestamp(millis: c.now.seconds * 1000)
        var rng = FastRandom()
        // One allocation: the 14 digits of the submit second and 18 random hex digits in one buffer.
        var idBytes: [UInt8] = []
        idBytes.reserveCapacity(32)
        idBytes.append(contentsOf: submitted.compact().utf8)
        rng.append(18, alphabet: FastRandom.hexDigits, to: &idBytes)
        let id = String(decoding: idBytes, as: UTF8.self)
        let inserted = c.now
        let isEmail = r.messageType == "EMAIL"
        let outcome = c.filtered ? .reject : Outcome.forRecipient(r.recipientAddress)
        // A future `scheduleAt` postpones processing; SUBMITTED (and the paging key) stay at the submit time.
        let start = max(inserted, r.scheduleAt ?? inserted)
        let origin = SubmitOrigin.interned(
            .init(source: c.source, flow: c.flow, account: c.account, webBase: isEmail ? c.webBase : nil)
        )
        // The rest of the record (events, times, headers, links) is derived from these when shown.
        return StoredMessage(
            submitted: SubmittedRecord(
                id: id,
                submitted: submitted,
                inserted: inserted,
                messageType: r.messageType,
                origin: origin,
                senderAddress: StringInterner.shared.intern(r.senderAddress),
                recipientAddress: StringInterner.shared.intern(r.recipientAddress),
                subject: isEmail ? r.subject.map(StringInterner.shared.intern) : nil,
                text: r.text,
                html: r.html,
                tags: r.tags,
                receivedFrom: isEmail ? c.remoteIP : nil,
                outcome: outcome,
                start: start,
                seed: rng.next(),
                extras: SubmitExtras(r, isEmail: isEmail)
            )
        )
    }

    /// A submitted message's `transactionId`: 32 hex digits derived from the random part of its id when shown,
    /// instead of 80 bytes generated and kept for every submit.
    static func transactionId(forId id: String) -> String {
        var rng = derivedRandom(id, stream: 0x7472_616E_7361_6374)  // "transact"
        return rng.hex(32)
    }

    /// The MIME boundary of a submitted HTML e-mail, derived from its id like `transactionId(forId:)`.
    static func boundary(forId id: String) -> String {
        var rng = derivedRandom(id, stream: 0x626F_756E_6461_7279)  // "boundary"
        return rng.hex(12)
    }

    /// A generator seeded from the random part of a submitted message's id (after its 14 date digits); each
    /// derived value uses a `stream` of its own so that they do not repeat one another.
    private static func derivedRandom(_ id: String, stream: UInt64) -> FastRandom {
        var seed = stream
        for c in id.utf8.dropFirst(14).prefix(16) { seed = seed &* 31 &+ UInt64(c) }
        return FastRandom(seed: seed)
    }

    /// The `Message-ID` of a submitted e-mail.
    static func messageIdHeader(_ id: String) -> String {
        var header = "<"
        header.reserveCapacity(id.utf8.count + 26)
        header += id
        header += "@return.flowmailer.local>"
        return header
    }

    /// The planned events of a submitted message, newest first, drawn from `seed` (its first draw is the web
    /// link seed, `SubmittedRecord.linkSeed`). `details: false` leaves out ids and texts: types and times only.
    static func events(
        _ outcome: Outcome,
        submitted: Timestamp,
        inserted: Timestamp,
        start: Timestamp,
        recipient: String,
        seed: UInt64,
        details: Bool
    ) -> [MessageEvent] {
        var rng = FastRandom(seed: seed)
        _ = rng.next()
        let at = { (delay: Int64) in start.adding(millis: delay) }
        func uuid() -> String? { details ? rng.uuid() : nil }
        func text(_ make: @autoclosure () -> String) -> String? { details ? make() : nil }
        var list: [MessageEvent] = []
        list.reserveCapacity(outcome.eventCount)
        list.append(MessageEvent(id: nil, type: "SUBMITTED", received: submitted, inserted: inserted))
        if outcome == .error {
            let errorText =
                "The following has evaluated to null or missing:\n==> var1 [in template \"48681\" at line 1, column 29]\n"
            list.append(
                MessageEvent(
                    id: uuid(),
                    type: "ERROR",
                    received: at(800),
                    inserted: at(850),
                    snippet: text("The following has evaluated to null or missing:"),
                    extraData: details ? ["errorText": .string(errorText), "errorAfter": "QUEUE"] : nil
                )
            )
            list.reverse()  // in place: `reversed()` built a second array
            return list
        }
        list.append(
            MessageEvent(id: nil, type: "PROCESSED", received: at(processedDelay), inserted: at(processedDelay))
        )
        let mta = "[127.0.0.1] (127.0.0.1)"
        let d = at(deliveredDelay)
        func mtaEvent(_ type: String, _ snippet: @autoclosure () -> String, subType: String? = nil) -> MessageEvent {
            MessageEvent(
                id: uuid(),
                type: type,
                received: d,
                inserted: d.adding(millis: 100),
                snippet: text(snippet()),
                mta: mta,
                sourceMta: "mta.flowmailer.local",
                subType: subType
            )
        }
        switch outcome {
        case .hardbounce:
            list.append(
                mtaEvent(
                    "HARDBOUNCE",
                    "smtp;550 5.1.1 <\(recipient)>: Recipient address rejected: User unknown",
                    subType: "mailbox-unknown"
                )
            )
        case .softbounce:
            list.append(
                mtaEvent("SOFTBOUNCE", "smtp;452 4.2.2 <\(recipient)>: Mailbox full", subType: "mailbox-full")
            )
        case .attempt:
            list.append(mtaEvent("ATTEMPT", "smtp;421 4.7.0 Try again later", subType: "service-unavailable"))
        case .reject:
            list.append(
                MessageEvent(
                    id: uuid(),
                    type: "REJECT",
                    received: d,
                    inserted: d,
                    snippet: text("Recipient is on the recipient filter")
                )
            )
        case .discard:
            list.append(
                MessageEvent(
                    id: uuid(),
                    type: "DISCARD",
                    received: d,
                    inserted: d,
                    snippet: text("Discarded by flow step")
                )
            )
        case .delivered, .complaint, .opened, .clicked:
            list.append(mtaEvent("DELIVERED", "smtp;250 Ok"))
            let e = at(engagementDelay)
            if outcome == .complaint {
                list.append(
                    MessageEvent(id: uuid(), type: "COMPLAINT", received: e, inserted: e, snippet: text("abuse report"))
                )
            }
            if outcome == .opened || outcome == .clicked {
                list.append(MessageEvent(id: uuid(), type: "OPENED", received: e, inserted: e))
            }
            if outcome == .clicked {
                let c = e.adding(millis: 1_000)
                list.append(
                    MessageEvent(
                        id: uuid(),
                        type: "CLICKED",
                        received: c,
                        inserted: c,
                        linkTarget: "https://example.com/"
                    )
                )
            }
        case .error: break
        }
        list.reverse()
        return list
    }
}
