// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// Blocks one thread until a `ResponsePromise` completes on another.
///
/// A pthread condition (`LockedCondition`) rather than a semaphore from Dispatch: ThreadSanitizer intercepts
/// pthreads, and the project keeps its tests TSan-clean (see `Locked`).
final class ResponseWaiter: Sendable {
    private let response = LockedCondition<Response?>(nil)

    /// Stores the response and wakes the waiter; later calls are ignored.
    func complete(_ value: Response) {
        response.update { if $0 == nil { $0 = value } }
    }

    /// The response, or nil when `seconds` pass first.
    func wait(seconds: Double) -> Response? {
        response.wait(seconds: seconds, until: { $0 != nil }, then: { $0 })
    }
}
