// SPDX-License-Identifier: Apache-2.0
import EmulatorKit

/// `scheduled_at`: "natural language (e.g.: `in 1 min`) or ISO 8601", at most 30 days ahead (spec §2.1).
enum Scheduling {
    static let maxAheadMillis: Int64 = 30 * 24 * 3600 * 1000

    /// The instant `text` names, relative to `now`, or nil when it is neither ISO 8601 nor a phrase this
    /// parser knows: `now`, `in 1 min`, `in an hour`, `in 2 days`, `5 minutes from now`, `tomorrow`,
    /// `tomorrow at 9am`, `today at 17:30` (UTC: the emulator has no time zone of its own).
    static func parse(_ text: String, now: Int64) -> Int64? {
        if let t = Timestamp.parseISO8601(text) { return t.millis }
        let words = text.lowercased().split { $0 == " " || $0 == "\t" }.map(String.init)
        guard !words.isEmpty else { return nil }
        if words == ["now"] || words == ["immediately"] { return now }
        if words[0] == "in", words.count >= 2, let d = duration(Array(words.dropFirst())) { return now + d }
        if words.count >= 3, words.suffix(2) == ["from", "now"], let d = duration(Array(words.dropLast(2))) {
            return now + d
        }
        if words[0] == "today" || words[0] == "tomorrow" {
            let dayStart = now - now % 86_400_000 + (words[0] == "tomorrow" ? 86_400_000 : 0)
            if words.count == 1 { return words[0] == "tomorrow" ? now + 86_400_000 : now }
            guard words.count >= 3, words[1] == "at", let t = timeOfDay(words[2...].joined()) else { return nil }
            return dayStart + t
        }
        return nil
    }

    /// `1 min`, `an hour`, `2days`, `90 seconds` → milliseconds.
    static func duration(_ words: [String]) -> Int64? {
        var amount: Int64
        var unit: String
        if words.count == 2 {
            if words[0] == "a" || words[0] == "an" {
                amount = 1
            } else if let n = Int64(words[0]), n >= 0 {
                amount = n
            } else {
                return nil
            }
            unit = words[1]
        } else if words.count == 1 {
            let digits = words[0].prefix { $0.isNumber }
            guard !digits.isEmpty, let n = Int64(digits) else { return nil }
            amount = n
            unit = String(words[0].dropFirst(digits.count))
        } else {
            return nil
        }
        let seconds: Int64
        switch unit {
        case "s", "sec", "secs", "second", "seconds": seconds = 1
        case "m", "min", "mins", "minute", "minutes": seconds = 60
        case "h", "hr", "hrs", "hour", "hours": seconds = 3600
        case "d", "day", "days": seconds = 86_400
        case "w", "week", "weeks": seconds = 604_800
        default: return nil
        }
        guard amount <= 10_000_000 else { return nil }
        return amount * seconds * 1000
    }

    /// `9am`, `9:30pm`, `17:30`, `12pm` → milliseconds after midnight.
    static func timeOfDay(_ text: String) -> Int64? {
        var s = Substring(text)
        var pm: Bool?
        if s.hasSuffix("am") {
            pm = false
            s = s.dropLast(2)
        } else if s.hasSuffix("pm") {
            pm = true
            s = s.dropLast(2)
        }
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), var h = Int(parts[0]) else { return nil }
        let m = parts.count == 2 ? Int(parts[1]) : 0
        guard let m, (0..<60).contains(m) else { return nil }
        if let pm {
            guard (1...12).contains(h) else { return nil }
            h = h % 12 + (pm ? 12 : 0)
        }
        guard (0..<24).contains(h) else { return nil }
        return Int64(h * 3600 + m * 60) * 1000
    }

    /// Validates a `scheduled_at` value for a send: parseable and at most 30 days ahead. A time in the past
    /// sends at once (inferred: the docs only bound the future side).
    static func validate(_ text: String, now: Int64) throws(PostflareError) -> Int64 {
        guard let at = parse(text, now: now) else {
            throw .validation(
                "Invalid `scheduled_at` field. Use an ISO 8601 date (e.g. 2024-08-05T11:52:01.858Z) or natural language (e.g. in 1 min)."
            )
        }
        guard at - now <= maxAheadMillis else {
            throw .validation("Invalid `scheduled_at` field. Emails can be scheduled up to 30 days in advance.")
        }
        return at
    }
}
