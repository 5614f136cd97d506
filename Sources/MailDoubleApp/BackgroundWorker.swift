// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTPCore

/// One thread for the vendors' queued background work (today: Postflare contact imports), instead of a
/// thread per request. It sleeps until `wake()` (or a slow fallback poll), then calls its work until that
/// reports nothing left, checking for `stop()` between calls; each call is one bounded batch, so a stop
/// waits for at most one batch.
final class BackgroundWorker: Sendable {
    private struct State {
        var stopped = false
        /// Wakes so far, and the count a finished drain started from: a drain that starts at count n sees
        /// all work queued before the n-th wake.
        var requested = 0
        var completed = 0
        var thread: pthread_t?
        var work: (@Sendable () -> Bool)?
    }

    private let state = LockedCondition(State())
    private let pollInterval: Double
    private let log: @Sendable (String) -> Void

    /// - Parameters:
    ///   - pollInterval: real seconds between drains when nobody calls `wake()`; a safety net only.
    ///   - log: receives a line when the thread cannot start.
    init(pollInterval: Double = 5, log: @escaping @Sendable (String) -> Void) {
        self.pollInterval = pollInterval
        self.log = log
    }

    /// Starts the thread (once; later calls, and calls after `stop()`, do nothing).
    /// - Parameter work: one batch; returns whether there was any (then it is called again at once).
    func start(_ work: @escaping @Sendable () -> Bool) {
        state.withLock { state in
            guard state.thread == nil, !state.stopped else { return }
            state.work = work
            var t = pthread_t()
            let box = Unmanaged.passRetained(self).toOpaque()
            guard pthread_create(&t, nil, backgroundWorkerThreadMain, box) == 0 else {
                Unmanaged<BackgroundWorker>.fromOpaque(box).release()
                log("error: cannot start the background worker thread; contact imports progress only when read")
                return
            }
            state.thread = t
        }
    }

    /// Work was queued: drain now rather than at the next poll. Safe from any thread, cheap.
    /// - Returns: a ticket for `waitUntilDrained`.
    @discardableResult
    func wake() -> Int {
        state.update { state in
            state.requested += 1
            return state.requested
        }
    }

    /// Waits until a drain that began after the `wake()` that returned `ticket` has finished (so all work
    /// queued before that wake is done), or `timeout` real seconds. Returns whether it finished.
    func waitUntilDrained(_ ticket: Int, timeout: Double) -> Bool {
        state.wait(
            seconds: timeout,
            until: { $0.completed >= ticket || $0.stopped },
            then: { $0.completed >= ticket }
        )
    }

    /// Stops the thread after the batch in flight and joins it.
    func stop() {
        let t = state.update { state -> pthread_t? in
            state.stopped = true
            defer { state.thread = nil }
            return state.thread
        }
        if let t { pthread_join(t, nil) }
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    fileprivate func run() {
        guard let work = state.withLock({ $0.work }) else { return }
        while true {
            // Until stopped, woken, or the poll interval is over.
            let ticket = state.wait(
                seconds: pollInterval,
                until: { $0.stopped || $0.requested != $0.completed },
                then: { $0.stopped ? nil : $0.requested }
            )
            guard let ticket else { return }
            while !isStopped && work() {}
            state.update { $0.completed = max($0.completed, ticket) }
        }
    }
}

/// The thread's entry point: a nonisolated free function, because C calls it on a new thread (PLATFORM.md).
private func backgroundWorkerThreadMain(_ arg: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let worker = Unmanaged<BackgroundWorker>.fromOpaque(arg!).takeRetainedValue()
    worker.run()
    return nil
}
