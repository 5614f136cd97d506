// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// Events that become visible at a known emulator time (a Flowmailer message's DELIVERED, a Resend e-mail's
/// `delivered`), kept in a min-heap so that the change feed can announce each once its time has come without
/// scanning every stored message. The vendors derive their state lazily from the clock; this only tells the
/// feed when to say so.
public final class DueEventQueue: Sendable {
    public struct Entry: Sendable, Equatable {
        public var at: Int64
        public var tenant: String
        public var id: String
        public var type: String

        public init(at: Int64, tenant: String, id: String, type: String) {
            self.at = at
            self.tenant = tenant
            self.id = id
            self.type = type
        }
    }

    private struct Heap {
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

    /// At most this many pending entries (oldest-due kept); beyond it new ones are dropped, since a test
    /// double that nobody advances must not grow without bound.
    public let capacity: Int
    private let heap = Locked(Heap())

    public init(capacity: Int = 1_000_000) { self.capacity = capacity }

    public func schedule(_ entries: [Entry]) {
        guard !entries.isEmpty else { return }
        heap.withLock { h in
            for e in entries where h.items.count < capacity { h.push(e) }
        }
    }

    /// The entries due at `now` (at ≤ now), earliest first; each is handed out once.
    public func takeDue(now: Int64) -> [Entry] {
        heap.withLock { h in
            var out: [Entry] = []
            while let first = h.items.first, first.at <= now, let e = h.pop() { out.append(e) }
            return out
        }
    }

    public func removeAll() { heap.withLock { $0.items.removeAll() } }

    public func removeAll(tenant: String) { heap.withLock { $0.items.removeAll { $0.tenant == tenant } } }

    public var count: Int { heap.withLock { $0.items.count } }
}
