// SPDX-License-Identifier: Apache-2.0
import Glibc

/// One thread for the vendors' queued background work (today: Postflare contact imports), instead of a
/// thread per request. It sleeps until `wake()` (or a slow fallback poll), then calls its work until that
/// reports nothing left, checking for `stop()` between calls; each call is one bounded batch, so a stop
/// waits for at most one batch.
final class BackgroundWorker: @unchecked Sendable {
    // @unchecked: every `var` is only read or written with `mutex` held, except `work`, which is written
    // once under it before the thread that reads it exists; the pointers never change.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var stopped = false
    /// Wakes so far, and the count a finished drain started from: a drain that starts at count n sees all
    /// work queued before the n-th wake.
    private var requested = 0
    private var completed = 0
    private var thread: pthread_t?
    private var work: (@Sendable () -> Bool)?
    private let pollInterval: Double
    private let log: @Sendable (String) -> Void

    /// - Parameters:
    ///   - pollInterval: real seconds between drains when nobody calls `wake()`; a safety net only.
    ///   - log: receives a line when the thread cannot start.
    init(pollInterval: Double = 5, log: @escaping @Sendable (String) -> Void) {
        self.pollInterval = pollInterval
        self.log = log
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition.initialize(to: pthread_cond_t())
        // Timed waits on CLOCK_MONOTONIC: a wall-clock jump must not stretch or cut them.
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

    private func locked<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// Starts the thread (once; later calls, and calls after `stop()`, do nothing).
    /// - Parameter work: one batch; returns whether there was any (then it is called again at once).
    func start(_ work: @escaping @Sendable () -> Bool) {
        locked {
            guard thread == nil, !stopped else { return }
            self.work = work
            var t = pthread_t()
            let box = Unmanaged.passRetained(self).toOpaque()
            guard pthread_create(&t, nil, backgroundWorkerThreadMain, box) == 0 else {
                Unmanaged<BackgroundWorker>.fromOpaque(box).release()
                log("error: cannot start the background worker thread; contact imports progress only when read")
                return
            }
            thread = t
        }
    }

    /// Work was queued: drain now rather than at the next poll. Safe from any thread, cheap.
    /// - Returns: a ticket for `waitUntilDrained`.
    @discardableResult
    func wake() -> Int {
        locked {
            requested += 1
            pthread_cond_broadcast(condition)
            return requested
        }
    }

    /// Waits until a drain that began after the `wake()` that returned `ticket` has finished (so all work
    /// queued before that wake is done), or `timeout` real seconds. Returns whether it finished.
    func waitUntilDrained(_ ticket: Int, timeout: Double) -> Bool {
        var deadline = Self.deadline(after: timeout)
        return locked {
            while completed < ticket && !stopped {
                if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
            }
            return completed >= ticket
        }
    }

    /// Stops the thread after the batch in flight and joins it.
    func stop() {
        let t = locked { () -> pthread_t? in
            stopped = true
            pthread_cond_broadcast(condition)
            defer { thread = nil }
            return thread
        }
        if let t { pthread_join(t, nil) }
    }

    private var isStopped: Bool { locked { stopped } }

    fileprivate func run() {
        guard let work = locked({ self.work }) else { return }
        while true {
            var deadline = Self.deadline(after: pollInterval)
            let ticket = locked { () -> Int? in
                // Loop over spurious wake-ups until stopped, woken, or the poll interval is over.
                while !stopped && requested == completed {
                    if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
                }
                return stopped ? nil : requested
            }
            guard let ticket else { return }
            while !isStopped && work() {}
            locked {
                completed = max(completed, ticket)
                pthread_cond_broadcast(condition)
            }
        }
    }

    private static func deadline(after seconds: Double) -> timespec {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        let nanos = Int(t.tv_nsec) + Int(seconds * 1e9)
        t.tv_sec += nanos / 1_000_000_000
        t.tv_nsec = nanos % 1_000_000_000
        return t
    }
}

/// The thread's entry point: a nonisolated free function, because C calls it on a new thread (PLATFORM.md).
private func backgroundWorkerThreadMain(_ arg: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let worker = Unmanaged<BackgroundWorker>.fromOpaque(arg!).takeRetainedValue()
    worker.run()
    return nil
}
