// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTPCore
import Testing

@Suite struct LockedTests {
    struct Boom: Error {}

    @Test func withLockMutatesAndReturns() {
        let locked = Locked([1, 2])
        let count = locked.withLock { values -> Int in
            values.append(3)
            return values.count
        }
        #expect(count == 3)
        #expect(locked.withLock { $0 } == [1, 2, 3])
    }

    @Test func aThrowLeavesTheLockUsableAndKeepsEarlierWrites() {
        let locked = Locked(0)
        #expect(throws: Boom.self) {
            try locked.withLock { (value: inout Int) throws(Boom) in
                value = 7
                throw Boom()
            }
        }
        // Were the mutex still held, this would deadlock instead of answering.
        #expect(locked.withLock { $0 } == 7)
    }

    /// Increments from several pthreads add up exactly: the lock serializes the read-modify-write.
    @Test func incrementsFromManyThreadsAreNotLost() {
        final class Work: @unchecked Sendable {
            let counter = Locked(0)
        }
        let work = Work()
        let threads = 4
        let perThread = 10_000
        var ids: [pthread_t] = []
        for _ in 0..<threads {
            let box = Unmanaged.passRetained(work).toOpaque()
            var id = pthread_t()
            let rc = pthread_create(
                &id,
                nil,
                { arg in
                    let work = Unmanaged<Work>.fromOpaque(arg!).takeRetainedValue()
                    for _ in 0..<10_000 { work.counter.withLock { $0 += 1 } }
                    return nil
                },
                box
            )
            #expect(rc == 0)
            ids.append(id)
        }
        for id in ids { pthread_join(id, nil) }
        #expect(work.counter.withLock { $0 } == threads * perThread)
    }
}
