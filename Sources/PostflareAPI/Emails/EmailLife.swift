// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// The life of an e-mail on the emulator clock, derived lazily on every read (no timers): queued at its
/// send time, sent one second later, then its outcome two seconds after the send time. The outcome comes
/// from Resend's test addresses (spec §7). Timings are the emulator's choice.
enum EmailLife {
    static let sentAfterMillis: Int64 = 1_000
    static let outcomeAfterMillis: Int64 = 2_000
    /// `complained@` is delivered first, then marked as spam.
    static let complaintAfterMillis: Int64 = 5_000

    enum Outcome: Int, Comparable {
        case delivered = 0
        case complained
        case bounced
        case suppressed
        static func < (a: Outcome, b: Outcome) -> Bool { a.rawValue < b.rawValue }
    }

    /// `delivered+label@resend.dev`, `bounced@…`, `complained@…` and `suppressed@…` (which takes no label).
    static func outcome(of address: String) -> Outcome {
        plainOutcome(address) ?? generalOutcome(address)
    }

    static func generalOutcome(_ address: String) -> Outcome {
        let bare = (EmailAddress.parse(address) ?? address).lowercased()
        let parts = bare.split(separator: "@")
        guard parts.count == 2, parts[1] == "resend.dev" else { return .delivered }
        let local = parts[0]
        let base = local.split(separator: "+", maxSplits: 1).first.map(String.init) ?? String(local)
        switch base {
        case "bounced": return .bounced
        case "complained": return .complained
        case "suppressed" where local == "suppressed": return .suppressed
        default: return .delivered
        }
    }

    /// The same answer without allocating, for the common shape: a bare ASCII `local@domain` whose local part
    /// does not start with `+` (every send and every read asks, once per recipient). Nil for anything else,
    /// which takes the general path above. (Such a string is its own bare address whether or not it is valid,
    /// so validity does not change the answer.)
    static func plainOutcome(_ address: String) -> Outcome? {
        var bytes = address
        return bytes.withUTF8 { b -> Outcome? in
            var at = -1
            for (i, c) in b.enumerated() {
                if c >= 0x80 || c <= 0x20 || c == UInt8(ascii: "<") || c == UInt8(ascii: ">") { return nil }
                if c == UInt8(ascii: "@") {
                    if at >= 0 { return nil }
                    at = i
                }
            }
            guard at > 0, at < b.count - 1, b[0] != UInt8(ascii: "+") else { return nil }
            func equals(_ range: Range<Int>, _ word: StaticString) -> Bool {
                guard range.count == word.utf8CodeUnitCount else { return false }
                for (i, w) in zip(range, UnsafeBufferPointer(start: word.utf8Start, count: range.count)) {
                    // ASCII lower-casing: only letters differ by 0x20.
                    let c = b[i]
                    if c != w && !(c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") && c | 0x20 == w) { return false }
                }
                return true
            }
            guard equals(at + 1..<b.count, "resend.dev") else { return .delivered }
            let local = 0..<at
            let base = 0..<(b[local].firstIndex(of: UInt8(ascii: "+")) ?? at)
            if equals(base, "bounced") { return .bounced }
            if equals(base, "complained") { return .complained }
            if equals(local, "suppressed") { return .suppressed }
            return .delivered
        }
    }

    /// The worst outcome among all recipients.
    static func outcome(of email: EmailRecord) -> Outcome {
        if email.suppressed { return .suppressed }
        var worst = Outcome.delivered
        for address in email.to { worst = max(worst, outcome(of: address)) }
        for address in email.cc { worst = max(worst, outcome(of: address)) }
        for address in email.bcc { worst = max(worst, outcome(of: address)) }
        return worst
    }

    static func lastEvent(_ email: EmailRecord, now: Int64) -> String {
        if email.canceledAt != nil { return "canceled" }
        if let simulated = email.simulated.last(where: { $0.at <= now }) { return simulated.type }
        // A fixture e-mail is history: its own timeline, queued until the first entry (Fixtures+Emails.swift).
        if let recorded = email.recorded { return recorded.last(where: { $0.at <= now })?.type ?? "queued" }
        if now < email.sendAt { return email.scheduledAt != nil ? "scheduled" : "queued" }
        let age = now - email.sendAt
        let outcome = outcome(of: email)
        // Suppressed addresses are never handed to the MTA: queued → suppressed.
        if outcome == .suppressed { return age < sentAfterMillis ? "queued" : "suppressed" }
        if age < sentAfterMillis { return "queued" }
        if age < outcomeAfterMillis { return "sent" }
        switch outcome {
        case .bounced: return "bounced"
        case .complained: return age < complaintAfterMillis ? "delivered" : "complained"
        default: return "delivered"
        }
    }

    /// Whether the e-mail may still be rescheduled or canceled.
    /// Never a fixture e-mail: its timeline is fixed, so it cannot be canceled or rescheduled.
    static func isPending(_ email: EmailRecord, now: Int64) -> Bool {
        email.recorded == nil && email.canceledAt == nil && email.scheduledAt != nil && now < email.sendAt
    }
}

extension Team {
    /// Stores a new e-mail, dropping (and counting) the oldest beyond `emailLimit` (`--max-messages`), so
    /// that a long benchmark cannot exhaust memory; the real API keeps them, but no client reads back that far.
    mutating func store(_ email: EmailRecord) {
        emails.upsert(email)
        trackForWebhooks(email)
        // New e-mails take the highest sequence number, so the oldest are the table's first rows.
        let excess = emails.count - max(1, emailLimit)
        if excess > 0 {
            emails.removeFirst(excess)
            evictedEmails += excess
        }
    }
}
