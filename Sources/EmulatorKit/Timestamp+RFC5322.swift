// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// Dates in mail headers (RFC 5322 §3.3), in UTC or in Europe/Amsterdam local time.
extension Timestamp {
    /// `Thu, 30 Dec 2021 13:04:25 +0000`.
    public func rfc5322() -> String {
        String(HTTPDate.format(epochSeconds: seconds).dropLast(4)) + " +0000"
    }

    /// Local time in Europe/Amsterdam with its zone, as Flowmailer's `Received` lines show it:
    /// `Thu, 30 Dec 2021 14:04:08 +0100 (CET)`, `Mon, 01 Jul 2024 12:00:00 +0200 (CEST)`.
    public func rfc5322Amsterdam() -> String {
        // A second's submits share this text: keep the last one rather than format it again on each.
        let seconds = self.seconds
        if let cached = Self.lastAmsterdam.withLock({ $0.seconds == seconds ? $0.text : nil }) { return cached }
        let summer = isAmsterdamSummerTime
        let local = String(HTTPDate.format(epochSeconds: seconds + (summer ? 7_200 : 3_600)).dropLast(4))
        let text = local + (summer ? " +0200 (CEST)" : " +0100 (CET)")
        Self.lastAmsterdam.withLock { $0 = (seconds, text) }
        return text
    }

    /// EU summer time (Directive 2000/84/EC): from the last Sunday of March to the last Sunday of October,
    /// switching at 01:00 UTC.
    public var isAmsterdamSummerTime: Bool {
        let year = components.year
        func lastSunday(_ month: Int) -> Int64 {
            let d = CivilDate(year: year, month: month, day: 31).daysSinceEpoch
            return (d - Int64(CivilDate.weekday(daysSinceEpoch: d))) * 86_400 + 3_600
        }
        return seconds >= lastSunday(3) && seconds < lastSunday(10)
    }

    private static let lastAmsterdam = Locked<(seconds: Int64, text: String)>((.min, ""))
}
