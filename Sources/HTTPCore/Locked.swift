// SPDX-License-Identifier: Apache-2.0
import Glibc

/// A value behind a `pthread_mutex_t`, with the `withLock` API of Synchronization's `Mutex`.
///
/// Why not `Synchronization.Mutex`: on Linux it is a futex driven by atomics inside the (uninstrumented)
/// standard library, so ThreadSanitizer cannot see the ordering it provides and reports correct code as
/// racy. TSan intercepts pthread mutexes, and the project keeps its integration tests TSan-clean.
public final class Locked<Value>: @unchecked Sendable {
    // @unchecked: `value` is only read or written between pthread_mutex_lock and pthread_mutex_unlock.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    public init(_ value: Value) {
        self.value = value
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    @inline(__always)
    public func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
