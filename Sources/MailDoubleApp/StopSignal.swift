// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// A one-way "stop" flag a worker thread can sleep on: `wait(seconds:)` returns after the interval, or at
/// once when `stop()` is called, so shutdown never waits out a poll period.
final class StopSignal: Sendable {
    private let stopped = LockedCondition(false)

    /// Whether `stop()` was called.
    var isStopped: Bool { stopped.withLock { $0 } }

    /// Sets the flag and wakes the waiter.
    func stop() { stopped.update { $0 = true } }

    /// Sleeps up to `seconds`; returns true when stopped (before or during the wait).
    func wait(seconds: Double) -> Bool {
        stopped.wait(seconds: seconds, until: { $0 }, then: { $0 })
    }
}
