// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Glibc
import HTTPCore
import Testing

/// Records the thread its instances are freed on.
private final class Probe: Sendable {
    let freed: Locked<[pthread_t]>
    init(_ freed: Locked<[pthread_t]>) { self.freed = freed }
    deinit { freed.withLock { $0.append(pthread_self()) } }
}

@Suite struct DeferredReleaseTests {
    @Test func aHandedOverValueIsFreedOnTheWorkerNotTheCaller() {
        let release = DeferredRelease()
        let freed = Locked<[pthread_t]>([])
        var probe = Probe(freed)
        release.release(consume probe)
        #expect(release.waitUntilIdle(timeout: 10))
        let threads = freed.withLock { $0 }
        #expect(threads.count == 1)
        #expect(threads.allSatisfy { pthread_equal($0, pthread_self()) == 0 })
        probe = Probe(Locked([]))  // the variable is usable again after the move
        _ = probe
    }

    /// Values handed over from several threads at once are all freed, each once, on one worker thread.
    @Test func handoversFromManyThreadsAreAllFreedByOneWorker() async {
        let release = DeferredRelease()
        let freed = Locked<[pthread_t]>([])
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<50 { release.release([Probe(freed), Probe(freed)]) }
                }
            }
        }
        #expect(release.waitUntilIdle(timeout: 10))
        let threads = freed.withLock { $0 }
        #expect(threads.count == 8 * 50 * 2)
        #expect(threads.allSatisfy { pthread_equal($0, threads[0]) != 0 })
    }
}
