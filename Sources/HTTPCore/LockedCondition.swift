// SPDX-License-Identifier: Apache-2.0
import Glibc

/// A value behind a `pthread_mutex_t` with a condition variable on `CLOCK_MONOTONIC`: `Locked` for a thread
/// that must sleep until another one changes the value, or until a timeout.
///
/// One implementation of the wait loop that the stop flag, the background worker and the test client's
/// response waiter each wrote by hand: the loop over spurious wake-ups (pthread_cond_timedwait(3)), the
/// absolute deadline computed once (so wake-ups do not stretch the timeout), and the monotonic clock (so a
/// wall-clock step — NTP, suspend — neither stretches nor cuts it). pthreads rather than Dispatch or
/// Synchronization for the reason given on `Locked`: ThreadSanitizer sees them.
public final class LockedCondition<Value>: @unchecked Sendable {
    // @unchecked: `value` is only read or written between pthread_mutex_lock and pthread_mutex_unlock; the
    // pointers never change.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var value: Value

    public init(_ value: Value) {
        self.value = value
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deinitialize(count: 1)
        mutex.deinitialize(count: 1)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value; waiters are not woken (use `update` for a change
    /// they wait for).
    @inline(__always)
    public func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }

    /// Changes the value and wakes every waiter, which then re-check their conditions.
    public func update<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        return try body(&value)
    }

    /// Sleeps until `ready` holds or `seconds` (real, monotonic) pass, then runs `body` under the same lock
    /// either way, so it sees the value that ended the wait. `ready` is checked first, so a condition that
    /// already holds does not sleep.
    public func wait<R>(
        seconds: Double,
        until ready: (Value) -> Bool,
        then body: (inout Value) -> R
    ) -> R {
        var deadline = Self.deadline(after: seconds)
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !ready(value) {
            if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
        }
        return body(&value)
    }

    /// `CLOCK_MONOTONIC` now plus `seconds` (negative or NaN counts as 0), as `pthread_cond_timedwait`
    /// takes it.
    static func deadline(after seconds: Double) -> timespec {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        let interval = seconds.isFinite ? max(0, min(seconds, 1e9)) : (seconds.isNaN ? 0 : 1e9)
        let whole = Int(interval)
        let nanos = Int(t.tv_nsec) + Int((interval - Double(whole)) * 1e9)
        t.tv_sec += whole + nanos / 1_000_000_000
        t.tv_nsec = nanos % 1_000_000_000
        return t
    }
}
