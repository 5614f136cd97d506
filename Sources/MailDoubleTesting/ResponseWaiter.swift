// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTPCore

/// Blocks one thread until a `ResponsePromise` completes on another.
///
/// A pthread condition rather than a semaphore from Dispatch: ThreadSanitizer intercepts pthreads, and the
/// project keeps its tests TSan-clean (see `Locked`).
final class ResponseWaiter: @unchecked Sendable {
    // @unchecked: `response` is only read or written while `mutex` is held.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var response: Response?

    init() {
        pthread_mutex_init(mutex, nil)
        // CLOCK_MONOTONIC: a wall-clock step must not stretch or cut the timeout.
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Stores the response and wakes the waiter; later calls are ignored.
    func complete(_ value: Response) {
        pthread_mutex_lock(mutex)
        if response == nil { response = value }
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    /// The response, or nil when `seconds` pass first.
    func wait(seconds: Double) -> Response? {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let nanos = Int(deadline.tv_nsec) + Int((seconds - seconds.rounded(.down)) * 1e9)
        deadline.tv_sec += Int(seconds) + nanos / 1_000_000_000
        deadline.tv_nsec = nanos % 1_000_000_000
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while response == nil {
            // Spurious wake-ups loop; ETIMEDOUT ends the wait.
            if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
        }
        return response
    }
}
