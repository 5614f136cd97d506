// SPDX-License-Identifier: Apache-2.0

/// IMF-fixdate formatting for the `Date` header (RFC 9110 §5.6.7), without Foundation.
public enum HTTPDate {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for seconds since the Unix epoch.
    public static func format(epochSeconds t: Int64) -> String {
        let (day, secs) = CivilDate.split(epochSeconds: t)
        let date = CivilDate(daysSinceEpoch: day)
        let weekday = weekdays[CivilDate.weekday(daysSinceEpoch: day)]
        return "\(weekday), \(pad(date.day)) \(months[date.month - 1]) \(date.year) "
            + "\(pad(secs / 3600)):\(pad(secs / 60 % 60)):\(pad(secs % 60)) GMT"
    }

    @inline(__always) static func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
