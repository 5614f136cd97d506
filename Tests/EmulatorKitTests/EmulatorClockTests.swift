// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Glibc
import Testing

@Suite struct EmulatorClockTests {
    static func wallMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    @Test func clockAdvancesWithoutSleeping() {
        let clock = EmulatorClock(frozenAtMillis: 1_000_000)
        #expect(clock.nowMillis() == 1_000_000)
        clock.advance(bySeconds: 61)
        #expect(clock.nowMillis() == 1_061_000)
        #expect(clock.offsetMillis == 61_000)
    }

    @Test func frozenClockStandsStillBetweenReads() {
        let clock = EmulatorClock(frozenAtMillis: 1_700_000_000_123)
        let first = clock.nowMillis()
        for _ in 0..<1000 { #expect(clock.nowMillis() == first) }
        #expect(clock.now().millis == 1_700_000_000_123)
    }

    @Test func advancesAddUpAndMayGoBack() {
        let clock = EmulatorClock(frozenAtMillis: 10_000)
        clock.advance(byMillis: 1)
        clock.advance(bySeconds: 0.25)
        #expect(clock.nowMillis() == 10_251)
        clock.advance(byMillis: -5_000)
        #expect(clock.nowMillis() == 5_251)
        #expect(clock.offsetMillis == -4_749)
    }

    /// A live clock is the wall clock plus the offset: bracketed by two wall readings taken around it.
    @Test func liveClockFollowsWallTimePlusTheOffset() {
        let clock = EmulatorClock()
        #expect(clock.offsetMillis == 0)
        var before = Self.wallMillis()
        var now = clock.nowMillis()
        var after = Self.wallMillis()
        #expect(before <= now && now <= after)
        clock.advance(bySeconds: 3600)
        before = Self.wallMillis()
        now = clock.nowMillis()
        after = Self.wallMillis()
        #expect(before + 3_600_000 <= now && now <= after + 3_600_000)
    }

    @Test func oneClockIsSharedAcrossCopiesOfItsReference() {
        let clock = EmulatorClock(frozenAtMillis: 0)
        let same = clock
        same.advance(byMillis: 42)
        #expect(clock.nowMillis() == 42)
    }
}
