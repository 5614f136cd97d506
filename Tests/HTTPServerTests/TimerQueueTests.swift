// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import HTTPServer

/// The loop's timer heap, driven by the time passed in.
@Suite struct TimerQueueTests {
    @Test func firesInDeadlineOrderAndTiesInSchedulingOrder() {
        var q = TimerQueue<Int>()
        for (deadline, action) in [(5.0, 1), (1.0, 2), (3.0, 3), (1.0, 4), (9.0, 5), (0.5, 6)] {
            q.schedule(at: deadline, owner: 0, action)
        }
        #expect(q.nextDeadline == 0.5)
        #expect(q.popExpired(now: 0.4) == nil)
        var fired: [Int] = []
        while let a = q.popExpired(now: 5) { fired.append(a) }
        #expect(fired == [6, 2, 4, 3, 1])
        #expect(q.count == 1 && q.nextDeadline == 9)
    }

    @Test func cancellingAnOwnerDropsOnlyItsTimersAndKeepsTheOrder() {
        var q = TimerQueue<Int>()
        for i in 0..<100 { q.schedule(at: Double((i * 37) % 100), owner: UInt64(i % 3), i) }
        #expect(q.cancel(owner: 1) == 33)
        #expect(q.cancel(owner: 1) == 0)
        var last = -1.0
        var fired = 0
        while let a = q.popExpired(now: .infinity) {
            #expect(a % 3 != 1)
            let deadline = Double((a * 37) % 100)
            #expect(deadline >= last)
            last = deadline
            fired += 1
        }
        #expect(fired == 67)
        #expect(q.isEmpty && q.nextDeadline == nil)
    }
}
