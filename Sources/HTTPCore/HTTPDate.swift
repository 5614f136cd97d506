// SPDX-License-Identifier: Apache-2.0

/// IMF-fixdate formatting for the `Date` header (RFC 9110 §5.6.7), without Foundation.
public enum HTTPDate {
    private static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for seconds since the Unix epoch.
    public static func format(epochSeconds t: Int64) -> String {
        let day = Int64((Double(t) / 86400).rounded(.down))
        let secs = t - day * 86400
        let (y, m, d) = civil(fromDays: day)
        let weekday = days[Int(((day % 7) + 7) % 7)]
        return "\(weekday), \(pad(d)) \(months[m - 1]) \(y) \(pad(Int(secs / 3600))):\(pad(Int(secs / 60 % 60))):\(pad(Int(secs % 60))) GMT"
    }

    /// Days since 1970-01-01 → (year, month 1–12, day 1–31). Howard Hinnant's `civil_from_days`.
    public static func civil(fromDays z0: Int64) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    /// (year, month, day) → days since 1970-01-01. Howard Hinnant's `days_from_civil`.
    public static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    @inline(__always) static func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
