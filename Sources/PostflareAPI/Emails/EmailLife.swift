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

    /// The worst outcome among all recipients.
    static func outcome(of email: EmailRecord) -> Outcome {
        if email.suppressed { return .suppressed }
        return (email.to + email.cc + email.bcc).map { outcome(of: $0) }.max() ?? .delivered
    }

    static func lastEvent(_ email: EmailRecord, now: Int64) -> String {
        if email.canceledAt != nil { return "canceled" }
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
    static func isPending(_ email: EmailRecord, now: Int64) -> Bool {
        email.canceledAt == nil && email.scheduledAt != nil && now < email.sendAt
    }
}

extension Team {
    /// E-mails kept per team. Older ones are forgotten so that a long benchmark cannot exhaust memory;
    /// the real API keeps them, but no client reads back that far.
    static let maxEmails = 100_000

    /// Stores a new e-mail, evicting the oldest one beyond `maxEmails`.
    mutating func store(_ email: EmailRecord) {
        emails.upsert(email)
        trackForWebhooks(email)
        // New e-mails take the highest sequence number, so the oldest is the table's first row.
        while emails.count > Self.maxEmails { emails.removeFirst() }
    }
}
