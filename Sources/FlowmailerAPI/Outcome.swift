// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// What happens to a submitted message, chosen from the recipient's local part (documented in the README).
/// The official example shows DELIVERED and ERROR lives; the others follow the help centre's states (spec §7.3).
enum Outcome: String, CaseIterable, Sendable {
    case delivered, hardbounce, softbounce, error, reject, discard, complaint, opened, clicked, attempt

    /// Keyword → outcome; matches `keyword@…` or `keyword` followed by `+ - . _` or a digit (`bounce+42@x.test`).
    static let keywords: [(String, Outcome)] = [
        ("hardbounce", .hardbounce), ("bounce", .hardbounce), ("softbounce", .softbounce), ("error", .error),
        ("reject", .reject), ("discard", .discard), ("complaint", .complaint), ("spam", .complaint),
        ("opened", .opened), ("open", .opened), ("clicked", .clicked), ("click", .clicked), ("attempt", .attempt),
        ("deferred", .attempt),
    ]

    /// How many events a submitted message with this outcome will have (SUBMITTED included).
    var eventCount: Int {
        switch self {
        case .error: 2
        case .delivered, .hardbounce, .softbounce, .attempt, .reject, .discard: 3
        case .complaint, .opened: 4
        case .clicked: 5
        }
    }

    static func forRecipient(_ address: String) -> Outcome {
        // Byte-wise and case-insensitive over the local part (every keyword is ASCII), without splitting or
        // lower-casing copies: it runs on every submit.
        let utf8 = address.utf8
        let local = utf8[..<(utf8.firstIndex(of: UInt8(ascii: "@")) ?? utf8.endIndex)]
        for (keyword, outcome) in keywords {
            var i = local.startIndex
            var matched = true
            for k in keyword.utf8 {
                guard i != local.endIndex, local[i] | 0x20 == k else {
                    matched = false
                    break
                }
                i = local.index(after: i)
            }
            guard matched else { continue }
            guard i != local.endIndex else { return outcome }
            let next = local[i]
            if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") || next == UInt8(ascii: ".")
                || next == UInt8(ascii: "_") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next)
            {
                return outcome
            }
        }
        return .delivered
    }
}
