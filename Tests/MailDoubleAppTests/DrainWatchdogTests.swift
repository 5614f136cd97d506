// SPDX-License-Identifier: Apache-2.0
import Dispatch
import HTTPCore
import MailDoubleApp
import Testing

/// The watchdog that ends the process when the drain deadline passes, driven by an injected clock.
@Suite struct DrainWatchdogTests {
    /// A clock the test sets by hand.
    final class ManualClock: Sendable {
        let seconds = Locked(1000.0)
        var now: @Sendable () -> Double { { self.seconds.withLock { $0 } } }
    }

    @Test func theRuleWaitsUntilTheDeadlineThenExpires() {
        #expect(DrainWatchdog.decide(now: 100, deadline: 110.5) == .wait(seconds: 10.5))
        #expect(DrainWatchdog.decide(now: 110.5, deadline: 110.5) == .expire)
        #expect(DrainWatchdog.decide(now: 200, deadline: 110.5) == .expire)
    }

    @Test func expiresOnceTheClockPassesTheDeadline() {
        let clock = ManualClock()
        let fired = DispatchSemaphore(value: 0)
        let messages = Locked<[String]>([])
        // The thread reads the clock twice at arming (deadline, then first decision): jump it past the
        // deadline after the first read, so it expires without any real waiting.
        let reads = Locked(0)
        let watchdog = DrainWatchdog(
            timeout: 10,
            now: {
                let n = reads.withLock { r -> Int in
                    r += 1
                    return r
                }
                return clock.seconds.withLock { $0 } + (n > 1 ? 11 : 0)
            },
            expire: { message in
                messages.withLock { $0.append(message) }
                fired.signal()
            }
        )
        watchdog.arm()
        #expect(fired.wait(timeout: .now() + 10) == .success)
        watchdog.disarm()
        #expect(
            messages.withLock { $0 } == [
                "maildouble: requests still running 10.0 s after the shutdown signal; exiting with status 3"
            ]
        )
        #expect(DrainWatchdog.cutOffExitStatus == 3)
    }

    @Test func disarmingBeforeTheDeadlineNeverExpiresAndReturnsAtOnce() {
        let clock = ManualClock()
        let expired = Locked(false)
        let watchdog = DrainWatchdog(timeout: 3600, now: clock.now, expire: { _ in expired.withLock { $0 = true } })
        watchdog.arm()
        watchdog.disarm()  // joins the thread: it must wake from its hour-long wait
        #expect(!expired.withLock { $0 })
    }

    @Test func anEndlessTimeoutWaitsInSlicesAndStillDisarms() {
        let expired = Locked(false)
        let watchdog = DrainWatchdog(timeout: .greatestFiniteMagnitude, expire: { _ in expired.withLock { $0 = true } })
        watchdog.arm()
        watchdog.disarm()
        #expect(!expired.withLock { $0 })
    }

    @Test func aShortRealTimeoutExpires() {
        let fired = DispatchSemaphore(value: 0)
        let watchdog = DrainWatchdog(timeout: 0.05, expire: { _ in fired.signal() })
        watchdog.arm()
        #expect(fired.wait(timeout: .now() + 10) == .success)
        watchdog.disarm()
    }
}
