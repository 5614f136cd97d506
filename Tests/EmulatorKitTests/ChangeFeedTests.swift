// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@Suite struct ChangeFeedTests {
    @Test func sequenceNumbersIncreaseAndReadersResumeAfterAny() {
        let feed = ChangeFeed(clock: EmulatorClock(frozenAtMillis: 1_000))
        #expect(feed.lastSeq == 0 && feed.changes(after: 0).isEmpty)
        for i in 1...5 { #expect(feed.append(.messageStored, vendor: "v", tenant: "t", id: "m\(i)") == UInt64(i)) }
        #expect(feed.changes(after: 0).map(\.id) == ["m1", "m2", "m3", "m4", "m5"])
        #expect(feed.changes(after: 3).map(\.seq) == [4, 5])
        #expect(feed.changes(after: 1, limit: 2).map(\.seq) == [2, 3])
        #expect(feed.changes(after: 5).isEmpty)
        #expect(feed.changes(after: 0).first?.at == Timestamp(millis: 1_000))
    }

    @Test func aFullRingKeepsTheNewestAndSaysWhereItStarts() {
        let feed = ChangeFeed(clock: EmulatorClock(), capacity: 3)
        for i in 1...7 { feed.append(.eventAdded, vendor: "v", tenant: "t", id: "e\(i)", detail: "D") }
        #expect(feed.oldestSeq == 5)
        #expect(feed.changes(after: 0).map(\.seq) == [5, 6, 7])
        #expect(feed.changes(after: 5).map(\.seq) == [6, 7])
    }

    /// The newest-first walk's index of `message.stored` changes agrees with filtering the whole ring, while
    /// the ring wraps and the index drops (and compacts) what the ring no longer holds.
    @Test func storedChangesAreTheHeldStoredChangesNewestFirst() {
        let feed = ChangeFeed(clock: EmulatorClock(), capacity: 50)
        var rng = FastRandom(seed: 15)  // the project's PRNG, seeded: the same mix on every run
        for i in 1...6_000 {
            if Bool.random(using: &rng) {
                feed.append(.messageStored, vendor: "v", tenant: "t", id: "m\(i)")
            } else {
                feed.append(.eventAdded, vendor: "v", items: [("t", "e\(i)", nil), ("t", "f\(i)", nil)])
            }
            guard i % 97 == 0 || i > 5_990 else { continue }
            let held = feed.changes(after: 0).filter { $0.kind == .messageStored }
            #expect(feed.storedChanges(before: .max, limit: .max).map(\.seq) == held.reversed().map(\.seq))
            if let middle = held.dropFirst(held.count / 2).first {
                let below = held.filter { $0.seq < middle.seq }.reversed().prefix(3)
                #expect(feed.storedChanges(before: middle.seq, limit: 3).map(\.id) == below.map(\.id))
            }
        }
        #expect(feed.storedChanges(before: 1, limit: 10).isEmpty)
        #expect(feed.storedChanges(before: .max, limit: 0).isEmpty)
    }

    /// A batch is numbered like single appends, wraps the ring the same way, and reaches the observers in order.
    @Test func aBatchIsNumberedStoredAndObservedLikeSingleAppends() {
        let feed = ChangeFeed(clock: EmulatorClock(frozenAtMillis: 7), capacity: 4)
        feed.append(.messageStored, vendor: "v", tenant: "t", id: "m")
        feed.append(.eventAdded, vendor: "v", items: [])
        #expect(feed.lastSeq == 1)
        let seen = Locked<[String]>([])
        let token = feed.observe { change in
            seen.withLock { $0.append("\(change.seq):\(change.id):\(change.detail ?? "")") }
        }
        feed.append(.eventAdded, vendor: "v", items: [("t", "a", "x"), ("u", "b", nil), ("t", "c", "z")])
        #expect(seen.withLock { $0 } == ["2:a:x", "3:b:", "4:c:z"])
        feed.removeObserver(token)
        feed.append(.eventAdded, vendor: "v", items: [("t", "d", nil), ("t", "e", nil)])
        #expect(feed.changes(after: 0).map(\.id) == ["b", "c", "d", "e"])
        #expect(feed.changes(after: 0).map(\.tenant) == ["u", "t", "t", "t"])
        #expect(feed.oldestSeq == 3 && feed.changes(after: 0).allSatisfy { $0.at == Timestamp(millis: 7) })
        #expect(seen.withLock { $0.count } == 3)
    }

    @Test func observersSeeEveryAppendUntilRemovedAndMayReadTheFeed() {
        let feed = ChangeFeed(clock: EmulatorClock())
        let seen = Locked<[UInt64]>([])
        let token = feed.observe { change in
            // Observers run outside the feed's lock: reading the feed here must not deadlock.
            let newest = feed.lastSeq
            seen.withLock { $0.append(change.seq * 100 + newest) }
        }
        feed.append(.messageStored, vendor: "v", tenant: "t", id: "a")
        feed.append(.messageStored, vendor: "v", tenant: "t", id: "b")
        feed.removeObserver(token)
        feed.append(.messageStored, vendor: "v", tenant: "t", id: "c")
        #expect(seen.withLock { $0 } == [101, 202])
    }
}

@Suite struct DueEventQueueTests {
    @Test func handsOutWhatIsDueEarliestFirstAndOnlyOnce() {
        let q = DueEventQueue()
        q.schedule([
            .init(at: 30, tenant: "a", id: "1", type: "C"), .init(at: 10, tenant: "a", id: "1", type: "A"),
            .init(at: 20, tenant: "b", id: "2", type: "B"), .init(at: 40, tenant: "b", id: "2", type: "D"),
        ])
        #expect(q.takeDue(now: 5).isEmpty)
        #expect(q.takeDue(now: 30).map(\.type) == ["A", "B", "C"])
        #expect(q.takeDue(now: 30).isEmpty)
        q.removeAll(tenant: "b")
        #expect(q.count == 0)
    }

    @Test func staysBoundedAndOrderedUnderManyEntries() {
        let q = DueEventQueue(capacity: 1_000)
        var rng = SystemRandomNumberGenerator()
        q.schedule(
            (0..<2_000).map { i in
                .init(at: Int64.random(in: 0..<10_000, using: &rng), tenant: "t", id: "\(i)", type: "x")
            }
        )
        #expect(q.count == 1_000)
        let out = q.takeDue(now: .max)
        #expect(out.count == 1_000 && out.map(\.at) == out.map(\.at).sorted())
    }
}

@Suite struct DueEventQueueRunTests {
    /// Several interleaved streams, each in time order (the vendors' steps), plus stragglers out of order:
    /// everything comes out once, earliest first, whichever structure held it.
    @Test func mergesSortedStreamsAndStragglersInTimeOrder() {
        let q = DueEventQueue()
        var expected: [Int64] = []
        var batch: [DueEventQueue.Entry] = []
        for i in 0..<3_000 {
            let t = Int64(i) * 10
            for offset: Int64 in [5, 200, 900] {
                batch.append(.init(at: t + offset, tenant: "t", id: "\(i)", type: "s\(offset)"))
                expected.append(t + offset)
            }
            if i % 7 == 0 {
                // An e-mail scheduled for later, then one for "now" (earlier than the stream tails).
                let late = Int64((i * 7_919) % 40_000)
                batch.append(.init(at: late, tenant: "u", id: "x\(i)", type: "late"))
                expected.append(late)
            }
        }
        q.schedule(batch)
        #expect(q.count == expected.count)
        let first = q.takeDue(now: 15_000)
        #expect(first.map(\.at) == expected.sorted().filter { $0 <= 15_000 })
        let rest = q.takeDue(now: .max)
        #expect(rest.map(\.at) == expected.sorted().filter { $0 > 15_000 })
        #expect(q.count == 0)
    }

    @Test func removingATenantKeepsTheOthersInOrder() {
        let q = DueEventQueue()
        q.schedule((0..<100).map { .init(at: Int64($0), tenant: $0 % 2 == 0 ? "a" : "b", id: "\($0)", type: "x") })
        q.schedule([.init(at: 3, tenant: "a", id: "late", type: "x")])
        q.removeAll(tenant: "b")
        let out = q.takeDue(now: .max)
        #expect(out.allSatisfy { $0.tenant == "a" } && out.count == 51)
        #expect(out.map(\.at) == out.map(\.at).sorted())
    }
}
