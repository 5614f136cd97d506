// SPDX-License-Identifier: Apache-2.0

/// A proleptic Gregorian calendar date: the one conversion between days since 1970-01-01 and (year, month,
/// day) that every date format in the emulator uses (Howard Hinnant's `days_from_civil` / `civil_from_days`).
public struct CivilDate: Sendable, Hashable {
    public var year: Int
    /// 1–12.
    public var month: Int
    /// 1–31.
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `days` days after 1970-01-01 (negative: before it).
    public init(daysSinceEpoch days: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: Int(m <= 2 ? y + 1 : y), month: Int(m), day: Int(d))
    }

    /// Days since 1970-01-01. A day past the end of the month counts on (`Feb 31` is `Mar 3` or `Mar 2`).
    public var daysSinceEpoch: Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// 0 = Sunday … 6 = Saturday, for the day `days` days after 1970-01-01 (a Thursday).
    public static func weekday(daysSinceEpoch days: Int64) -> Int {
        Int(((days + 4) % 7 + 7) % 7)
    }

    /// The day index (floor) and second of that day for seconds since the epoch, also before 1970.
    public static func split(epochSeconds t: Int64) -> (days: Int64, secondOfDay: Int) {
        let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        return (days, Int(t - days * 86_400))
    }
}
