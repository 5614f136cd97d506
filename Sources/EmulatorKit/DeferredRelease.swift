// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTPCore

/// One shared thread that drops what it is handed: a tenant's replaced state (a million stored messages
/// take seconds to free) is swapped out under the vendor's lock and freed here, so the request that reset
/// it answers at once and the requests waiting for that lock are not held up meanwhile.
///
/// The values handed over must be ones nobody uses any more (the old state just swapped out); they may
/// still share storage with live values (copy-on-write), which is safe because Swift's reference counts
/// are atomic and nothing here mutates them. One thread, started on first use, never one per request.
public final class DeferredRelease: Sendable {
    /// The process-wide instance the vendors use.
    public static let shared = DeferredRelease()

    private struct State {
        var pending: [Garbage] = []
        /// Values handed over and values dropped so far: `waitUntilIdle` compares them.
        var queued = 0
        var released = 0
        var started = false
        var threadFailed = false
    }

    /// One handed-over value.
    struct Garbage: Sendable {
        var value: any Sendable
    }

    private let state = LockedCondition(State())

    public init() {}

    /// Takes `value` and drops it on the worker thread; when the thread cannot start, drops it here. Hand it
    /// over with `consume` (or as a temporary), so that the caller keeps no reference.
    public func release(_ value: consuming some Sendable) {
        // Moved into the queue under the lock, so that no copy is left here to free after the worker ran.
        var garbage: Garbage? = Garbage(value: value)
        state.update { s in
            if !s.started {
                s.started = true
                s.threadFailed = !startThread()
            }
            guard !s.threadFailed, let g = garbage.take() else { return }
            s.pending.append(g)
            s.queued += 1
        }
    }

    /// Waits until everything handed over before this call is dropped, or `timeout` real seconds pass;
    /// returns whether it was (for tests).
    @discardableResult
    public func waitUntilIdle(timeout: Double = 30) -> Bool {
        let target = state.withLock { $0.queued }
        return state.wait(seconds: timeout, until: { $0.released >= target }, then: { $0.released >= target })
    }

    private func startThread() -> Bool {
        var thread = pthread_t()
        let box = Unmanaged.passRetained(self).toOpaque()
        guard pthread_create(&thread, nil, deferredReleaseThreadMain, box) == 0 else {
            Unmanaged<DeferredRelease>.fromOpaque(box).release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    /// The worker: takes the whole queue under the lock, drops it outside, counts it, forever.
    fileprivate func run() {
        while true {
            var batch = state.wait(
                seconds: 3600,
                until: { !$0.pending.isEmpty },
                then: { s -> [Garbage] in
                    var taken: [Garbage] = []
                    swap(&taken, &s.pending)
                    return taken
                }
            )
            let n = batch.count
            batch.removeAll()
            if n > 0 { state.update { $0.released += n } }
        }
    }
}

private func deferredReleaseThreadMain(_ box: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let box else { return nil }
    Unmanaged<DeferredRelease>.fromOpaque(box).takeRetainedValue().run()
    return nil
}
