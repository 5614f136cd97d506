// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

/// `HTTPDate` only formats (the server's `Date` field); no request field is parsed as a date, so these tests
/// check the IMF-fixdate text and the civil-calendar arithmetic it rests on.
@Suite struct HTTPDateTests {
    @Test(
        arguments: [
            (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),  // RFC 9110 §5.6.7's example
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),  // a leap day of a year divisible by 400
            (1_767_225_599, "Wed, 31 Dec 2025 23:59:59 GMT"),
            (4_107_542_400, "Mon, 01 Mar 2100 00:00:00 GMT"),  // 2100 is not a leap year
            (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
            (-86_400 * 365, "Wed, 01 Jan 1969 00:00:00 GMT"),
        ] as [(Int64, String)]
    )
    func formatsIMFFixdate(seconds: Int64, text: String) {
        #expect(HTTPDate.format(epochSeconds: seconds) == text)
    }

    /// Fixed width (29 bytes), two-digit fields, the literal `GMT`: what RFC 9110 requires a sender to emit.
    @Test func everyDateHasTheFixedShape() {
        let weekdays: Set<Substring> = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        for seconds in stride(from: Int64(-10_000_000), through: 4_000_000_000, by: 7_654_321) {
            let text = HTTPDate.format(epochSeconds: seconds)
            #expect(text.utf8.count == 29, "\(text)")
            #expect(weekdays.contains(text.prefix(3)), "\(text)")
            #expect(text.hasSuffix(" GMT"), "\(text)")
            #expect(Array(text)[3] == ",", "\(text)")
        }
    }

    @Test func civilAndDaysRoundTripAcrossFourCenturies() {
        for day in stride(from: Int64(-146_097), through: 146_097 * 2, by: 37) {
            let c = CivilDate(daysSinceEpoch: day)
            #expect((1...12).contains(c.month) && (1...31).contains(c.day))
            #expect(c.daysSinceEpoch == day, "\(c.year)-\(c.month)-\(c.day)")
        }
    }

    @Test func consecutiveDaysAreConsecutiveDates() {
        func days(_ y: Int, _ m: Int, _ d: Int) -> Int64 { CivilDate(year: y, month: m, day: d).daysSinceEpoch }
        #expect(days(2024, 2, 29) + 1 == days(2024, 3, 1))
        #expect(days(2023, 2, 28) + 1 == days(2023, 3, 1))
        #expect(days(1969, 12, 31) == -1)
        #expect(days(1970, 1, 1) == 0)
        let epoch = CivilDate(daysSinceEpoch: 0)
        #expect(epoch.year == 1970 && epoch.month == 1 && epoch.day == 1)
    }
}
