// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// Events that become visible at a known emulator time (a Flowmailer message's DELIVERED, a Resend e-mail's
/// `delivered`), kept in time order so that the change feed can announce each once its time has come without
/// scanning every stored message. The vendors derive their state lazily from the clock; this only tells the
/// feed when to say so.
///
/// Why sorted runs before a heap: a vendor schedules each step of a message at a fixed offset from now, so the
/// entries of one step arrive already in time order. Each such stream lands in a run (an append-only FIFO,
/// O(1) in and out, no moves); only an entry that fits no run (a message scheduled for later) goes into the
/// min-heap. A heap alone cost the benchmarks a tenth of a core in sift swaps, each retaining two strings.
public final class DueEventQueue: Sendable {
    public struct Entry: Sendable, Equatable, Codable {
        public var at: Int64
        public var tenant: String
        public var id: String
        public var type: String
        /// The queue's `epoch` when the entry was scheduled (set by `schedule`): an entry whose epoch is still
        /// current was scheduled after the vendor's last lifecycle change and needs no second look.
        public internal(set) var epoch: UInt64 = 0

        public init(at: Int64, tenant: String, id: String, type: String) {
            self.at = at
            self.tenant = tenant
            self.id = id
            self.type = type
        }
    }

    /// Entries in ascending `at`, appended at the tail and taken from `head`.
    struct Run {
        var items: [Entry] = []
        var head = 0

        var isEmpty: Bool { head == items.count }
        var first: Entry? { isEmpty ? nil : items[head] }

        /// Appends `e` if it keeps the run sorted.
        mutating func append(_ e: Entry) -> Bool {
            if isEmpty {
                items.removeAll(keepingCapacity: true)
                head = 0
            } else if items[items.count - 1].at > e.at {
                return false
            }
            items.append(e)
            return true
        }

        mutating func removeFirst() -> Entry {
            let e = items[head]
            head += 1
            // Drop the taken prefix once it is most of the array, into an array of the size still pending, so
            // that memory follows what is pending: a burst of submits must not leave its peak behind at rest.
            if head == items.count {
                items = []
                head = 0
            } else if head >= 1_024 && head * 2 >= items.count {
                items = Array(items[head...])
                head = 0
            }
            return e
        }
    }

    struct Heap {
        var items: [Entry] = []

        mutating func push(_ e: Entry) {
            items.append(e)
            var i = items.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard items[i].at < items[parent].at else { break }
                items.swapAt(i, parent)
                i = parent
            }
        }

        mutating func pop() -> Entry? {
            guard !items.isEmpty else { return nil }
            items.swapAt(0, items.count - 1)
            let top = items.removeLast()
            if items.isEmpty { items = [] }  // the capacity of a burst is not kept at rest
            var i = 0
            while true {
                let l = 2 * i + 1
                let r = l + 1
                var m = i
                if l < items.count && items[l].at < items[m].at { m = l }
                if r < items.count && items[r].at < items[m].at { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
            return top
        }
    }

    struct Pending {
        /// As many runs as a vendor has steps per message; more would only add comparisons per take.
        static let maxRuns = 6
        var runs: [Run] = []
        var heap = Heap()
        var count = 0
        var epoch: UInt64 = 0

        mutating func push(_ e: Entry) {
            count += 1
            for i in runs.indices where runs[i].append(e) { return }
            if runs.count < Self.maxRuns {
                runs.append(Run(items: [e]))
            } else {
                heap.push(e)
            }
        }

        /// Takes the earliest entry if it is due at `now`.
        mutating func popDue(now: Int64) -> Entry? {
            var run: Int?
            var earliest = heap.items.first?.at
            for i in runs.indices {
                if let f = runs[i].first, earliest.map({ f.at < $0 }) ?? true {
                    run = i
                    earliest = f.at
                }
            }
            guard let earliest, earliest <= now else { return nil }
            count -= 1
            if let run { return runs[run].removeFirst() }
            return heap.pop()
        }

        mutating func removeAll(where drop: (Entry) -> Bool) {
            let kept = runs.flatMap { $0.items[$0.head...] }.filter { !drop($0) } + heap.items.filter { !drop($0) }
            let epoch = self.epoch
            self = Pending()
            self.epoch = epoch
            for e in kept.sorted(by: { $0.at < $1.at }) { push(e) }
        }
    }

    /// At most this many pending entries; beyond it new ones are dropped, since a test double that nobody
    /// advances must not grow without bound.
    public let capacity: Int
    private let pending = Locked(Pending())

    public init(capacity: Int = 1_000_000) { self.capacity = capacity }

    public func schedule(_ entries: [Entry]) {
        guard !entries.isEmpty else { return }
        pending.withLock { p in
            for var e in entries where p.count < capacity {
                e.epoch = p.epoch
                p.push(e)
            }
        }
    }

    /// Counts a change that may make scheduled entries stale (an e-mail canceled or rescheduled): entries
    /// scheduled before it carry an older `epoch`, so whoever publishes them knows to check them first.
    public func advanceEpoch() { pending.withLock { $0.epoch += 1 } }

    /// The current epoch (what entries scheduled now carry).
    public var epoch: UInt64 { pending.withLock { $0.epoch } }

    /// The entries due at `now` (at ≤ now), earliest first; each is handed out once.
    public func takeDue(now: Int64) -> [Entry] {
        pending.withLock { p in
            var out: [Entry] = []
            while let e = p.popDue(now: now) { out.append(e) }
            return out
        }
    }

    public func removeAll() {
        pending.withLock { p in
            let epoch = p.epoch
            p = Pending()
            p.epoch = epoch
        }
    }

    public func removeAll(tenant: String) { pending.withLock { $0.removeAll { $0.tenant == tenant } } }

    public var count: Int { pending.withLock { $0.count } }

    /// The pending entries, earliest first (what persistence saves; `schedule` puts them back).
    public var pendingEntries: [Entry] {
        pending.withLock { p in (p.runs.flatMap { $0.items[$0.head...] } + p.heap.items).sorted { $0.at < $1.at } }
    }
}
