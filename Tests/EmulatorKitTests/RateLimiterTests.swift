// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Testing

@Suite struct RateLimiterTests {
    @Test func fixedWindowLimitsPerKeyAndResets() {
        let clock = EmulatorClock(frozenAtMillis: 0)
        let limiter = RateLimiter(limit: 2, clock: clock)
        let first = limiter.check("a")
        #expect(first.allowed && first.limit == 2 && first.remaining == 1 && first.resetSeconds == 1)
        #expect(limiter.check("a").remaining == 0)
        #expect(!limiter.check("a").allowed)
        #expect(limiter.check("b").allowed)  // another tenant has its own window
        clock.advance(byMillis: 1000)
        #expect(limiter.check("a").allowed)
    }

    @Test func zeroLimitIsOff() {
        let limiter = RateLimiter(limit: 0, clock: EmulatorClock())
        #expect((0..<100).allSatisfy { _ in limiter.check("a").allowed })
        #expect(!limiter.isEnabled)
        #expect(!RateLimiter(limit: -1, clock: EmulatorClock()).isEnabled)
    }

    /// The window is [start, start + window): the last millisecond is still inside, the next one is not.
    @Test func windowEdgeOnTheEmulatorClock() {
        let clock = EmulatorClock(frozenAtMillis: 5_000)
        let limiter = RateLimiter(limit: 1, clock: clock)
        #expect(limiter.check("k").allowed)
        clock.advance(byMillis: 999)
        let refused = limiter.check("k")
        #expect(!refused.allowed && refused.remaining == 0 && refused.resetSeconds == 1)
        clock.advance(byMillis: 1)
        let again = limiter.check("k")
        #expect(again.allowed && again.remaining == 0)
    }

    /// A refused request does not extend the window: it resets where it started.
    @Test func refusalsDoNotMoveTheWindow() {
        let clock = EmulatorClock(frozenAtMillis: 0)
        let limiter = RateLimiter(limit: 1, windowSeconds: 10, clock: clock)
        #expect(limiter.check("k").allowed)
        for _ in 0..<5 {
            clock.advance(byMillis: 1_000)
            #expect(!limiter.check("k").allowed)
        }
        clock.advance(byMillis: 5_000)
        #expect(limiter.check("k").allowed)
    }

    /// `resetSeconds` rounds the time left up to whole seconds and is never 0.
    @Test func resetSecondsCountsDown() {
        let clock = EmulatorClock(frozenAtMillis: 0)
        let limiter = RateLimiter(limit: 100, windowSeconds: 10, clock: clock)
        #expect(limiter.check("k").resetSeconds == 10)
        clock.advance(byMillis: 2_500)
        #expect(limiter.check("k").resetSeconds == 8)
        clock.advance(byMillis: 7_499)
        #expect(limiter.check("k").resetSeconds == 1)
        #expect(limiter.check("k").remaining == 96)
    }

    /// Moving the emulator clock back (a test rewinding time) starts a fresh window rather than a long ban.
    @Test func clockMovedBackStartsANewWindow() {
        let clock = EmulatorClock(frozenAtMillis: 100_000)
        let limiter = RateLimiter(limit: 1, clock: clock)
        #expect(limiter.check("k").allowed)
        #expect(!limiter.check("k").allowed)
        clock.advance(byMillis: -10)
        #expect(limiter.check("k").allowed)
    }

    @Test func resetForgetsEveryWindow() {
        let clock = EmulatorClock(frozenAtMillis: 0)
        let limiter = RateLimiter(limit: 1, clock: clock)
        #expect(limiter.check("a").allowed && limiter.check("b").allowed)
        #expect(!limiter.check("a").allowed && !limiter.check("b").allowed)
        limiter.reset()
        #expect(limiter.check("a").allowed && limiter.check("b").allowed)
    }

    @Test func windowIsAtLeastOneMillisecond() {
        let limiter = RateLimiter(limit: 5, windowSeconds: 0, clock: EmulatorClock(frozenAtMillis: 0))
        #expect(limiter.windowMillis == 1)
        #expect(limiter.limit == 5)
    }
}
