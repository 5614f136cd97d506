// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTPCore
import Testing

@Suite struct LockedConditionTests {
    @Test func aConditionThatAlreadyHoldsDoesNotSleep() {
        let flag = LockedCondition(true)
        // A 1-hour timeout: were the predicate not checked first, this would hang the suite.
        #expect(flag.wait(seconds: 3600, until: { $0 }, then: { $0 }))
    }

    @Test func aTimeoutRunsTheBodyWithTheUnchangedValue() {
        let counter = LockedCondition(0)
        let seen = counter.wait(
            seconds: 0.01,
            until: { $0 > 0 },
            then: { value -> Int in
                value += 10
                return value
            }
        )
        #expect(seen == 10)
        #expect(counter.withLock { $0 } == 10)
    }

    @Test func anUpdateFromAnotherThreadEndsTheWait() {
        let box = LockedCondition<String?>(nil)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(box).toOpaque()
        #expect(
            pthread_create(
                &thread,
                nil,
                { arg in
                    let box = Unmanaged<LockedCondition<String?>>.fromOpaque(arg!).takeRetainedValue()
                    box.update { $0 = "done" }
                    return nil
                },
                context
            ) == 0
        )
        // Generous timeout: the wait ends at the update, not at the deadline.
        let value = box.wait(seconds: 60, until: { $0 != nil }, then: { $0 })
        pthread_join(thread, nil)
        #expect(value == "done")
    }

    @Test func nonFiniteAndNegativeTimeoutsDoNotTrap() {
        let flag = LockedCondition(false)
        #expect(!flag.wait(seconds: -1, until: { $0 }, then: { $0 }))
        #expect(!flag.wait(seconds: .nan, until: { $0 }, then: { $0 }))
    }
}
