// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@Suite struct CivilDateTests {
    @Test(arguments: [
        (Int64(0), 1970, 1, 1),
        (-1, 1969, 12, 31),
        (11_016, 2000, 2, 29),
        (19_051, 2022, 2, 28),
        (19_417, 2023, 3, 1),
        (-719_468, 0, 3, 1),
        (2_932_896, 9999, 12, 31),
    ])
    func convertsDaysBothWays(_ days: Int64, _ year: Int, _ month: Int, _ day: Int) {
        let date = CivilDate(daysSinceEpoch: days)
        #expect(date == CivilDate(year: year, month: month, day: day))
        #expect(date.daysSinceEpoch == days)
    }

    @Test func roundTripsEveryDayOfFourCenturies() {
        var previous: CivilDate?
        for days in Int64(-146_097)...Int64(146_097) {
            let date = CivilDate(daysSinceEpoch: days)
            #expect(date.daysSinceEpoch == days)
            if let p = previous, p.month == date.month { #expect(date.day == p.day + 1) }
            previous = date
        }
    }

    @Test func knowsLeapYears() {
        #expect(
            CivilDate(year: 1900, month: 3, day: 1).daysSinceEpoch
                - CivilDate(year: 1900, month: 2, day: 28).daysSinceEpoch == 1
        )
        #expect(
            CivilDate(year: 2000, month: 3, day: 1).daysSinceEpoch
                - CivilDate(year: 2000, month: 2, day: 28).daysSinceEpoch == 2
        )
    }

    @Test func weekdaysStartOnSunday() {
        #expect(CivilDate.weekday(daysSinceEpoch: 0) == 4)  // 1970-01-01 was a Thursday
        #expect(CivilDate.weekday(daysSinceEpoch: -1) == 3)
        #expect(CivilDate.weekday(daysSinceEpoch: CivilDate(year: 2024, month: 3, day: 31).daysSinceEpoch) == 0)
    }

    @Test func splitsSecondsIntoDaysAlsoBeforeTheEpoch() {
        #expect(CivilDate.split(epochSeconds: 86_399) == (0, 86_399))
        #expect(CivilDate.split(epochSeconds: 86_400) == (1, 0))
        #expect(CivilDate.split(epochSeconds: -1) == (-1, 86_399))
        #expect(CivilDate.split(epochSeconds: -86_400) == (-1, 0))
    }

    @Test func httpDateUsesIt() {
        #expect(HTTPDate.format(epochSeconds: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(epochSeconds: -1) == "Wed, 31 Dec 1969 23:59:59 GMT")
    }
}
