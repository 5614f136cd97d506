// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// A point in time with millisecond precision, formatted the ways the vendors do: RFC 3339
/// (`Timestamp+RFC3339.swift`), Postgres text (`+Postgres`), RFC 5322 mail dates (`+RFC5322`) and compact
/// digits (`+Compact`). The calendar arithmetic is `CivilDate`'s.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var millis: Int64

    public init(millis: Int64) { self.millis = millis }
    public init(seconds: Double) { self.millis = Int64((seconds * 1000).rounded()) }

    /// Whole seconds since the epoch, rounded down (also before 1970).
    public var seconds: Int64 { millis >= 0 ? millis / 1000 : (millis - 999) / 1000 }
    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.millis < b.millis }
    public func adding(millis delta: Int64) -> Timestamp { Timestamp(millis: millis + delta) }
    public func adding(seconds delta: Double) -> Timestamp { Timestamp(millis: millis + Int64(delta * 1000)) }
    public var description: String { iso8601() }

    /// Calendar fields in UTC.
    public var components: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int) {
        let totalSeconds = seconds
        let ms = Int(millis - totalSeconds * 1000)
        let (day, secs) = CivilDate.split(epochSeconds: totalSeconds)
        let date = CivilDate(daysSinceEpoch: day)
        return (date.year, date.month, date.day, secs / 3600, secs / 60 % 60, secs % 60, ms)
    }
}

/// `v` in decimal, zero-padded on the left to `width` digits.
@inline(__always)
func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

extension Timestamp {
    /// The instant of a UTC calendar date and time of day.
    init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int) {
        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        let secs = days * 86_400 + Int64(hour * 3_600 + minute * 60 + second)
        self.init(millis: secs * 1_000 + Int64(millisecond))
    }
}
