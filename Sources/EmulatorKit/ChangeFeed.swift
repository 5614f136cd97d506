// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// One change a vendor made, as the change feed carries it.
public struct Change: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case messageStored = "message.stored"
        case eventAdded = "event.added"
        case deliveryAttempted = "delivery.attempted"
        case reset = "reset"
        /// `DELETE /_emulator/messages`: a vendor forgot stored messages (tenant "" for all; detail: how many).
        case messagesDeleted = "messages.deleted"
    }

    /// Strictly increasing across every vendor, from 1.
    public var seq: UInt64
    public var kind: Kind
    public var vendor: String
    public var tenant: String
    /// The message (or delivery) the change is about; empty for a reset.
    public var id: String
    /// Emulator time of the change.
    public var at: Timestamp
    /// A short vendor-specific detail (the event type, a delivery's status).
    public var detail: String?
}

/// The append-only feed of changes every vendor writes to (message stored, event added, outbound delivery
/// attempted, reset), with sequence numbers readers follow (`changes(after:)`) and wait on (`observe`).
///
/// Bounded: the newest `capacity` changes are kept; a reader that fell further behind sees `oldestSeq` move
/// past what it asked for and can tell it missed some. Observers run on the appending thread, after the lock
/// is released, so an observer may read the feed (or complete a deferred response) without deadlocking.
public final class ChangeFeed: Sendable {
    public struct ObserverToken: Sendable, Hashable {
        let id: UInt64
    }

    private struct State {
        var ring: [Change] = []
        var start = 0  // index in `ring` of the oldest change once the ring is full
        var lastSeq: UInt64 = 0
        var nextObserver: UInt64 = 0
        var observers: [UInt64: @Sendable (Change) -> Void] = [:]
        /// The sequence numbers of the `message.stored` changes the ring holds, oldest first from `storedHead`:
        /// the newest-first inbox walks these instead of every event of the messages' lives.
        var storedSeqs: [UInt64] = []
        var storedHead = 0

        /// Numbers and stores a change as the newest, overwriting the oldest once `capacity` are held.
        mutating func push(
            _ kind: Change.Kind,
            _ vendor: String,
            _ tenant: String,
            _ id: String,
            _ at: Timestamp,
            _ detail: String?,
            capacity: Int
        ) -> Change {
            lastSeq += 1
            let change = Change(
                seq: lastSeq,
                kind: kind,
                vendor: vendor,
                tenant: tenant,
                id: id,
                at: at,
                detail: detail
            )
            if ring.count < capacity {
                // Grown by doubling but never past `capacity`: the ring stays full for good once traffic has
                // passed it, and the array's own growth would keep room it never fills.
                if ring.count == ring.capacity {
                    ring.reserveCapacity(Swift.min(capacity, Swift.max(16, ring.count * 2)))
                }
                ring.append(change)
            } else {
                ring[start] = change
                start = (start + 1) % capacity
                let oldest = ring[start].seq
                while storedHead < storedSeqs.count, storedSeqs[storedHead] < oldest { storedHead += 1 }
                if storedHead >= 1024, storedHead * 2 >= storedSeqs.count {
                    storedSeqs.removeFirst(storedHead)
                    storedHead = 0
                }
            }
            if kind == .messageStored { storedSeqs.append(lastSeq) }
            return change
        }

        /// The held change with sequence number `seq` (which the caller knows is held).
        func change(_ seq: UInt64) -> Change {
            ring[(start + Int(seq - ring[start].seq)) % ring.count]
        }

        var observerList: [@Sendable (Change) -> Void] { observers.isEmpty ? [] : Array(observers.values) }
    }

    public let capacity: Int
    private let clock: EmulatorClock
    private let state = Locked(State())

    public init(clock: EmulatorClock, capacity: Int = 100_000) {
        precondition(capacity > 0)
        self.clock = clock
        self.capacity = capacity
    }

    /// Appends a change and tells the observers; returns its sequence number.
    @discardableResult
    public func append(
        _ kind: Change.Kind,
        vendor: String,
        tenant: String,
        id: String,
        detail: String? = nil
    ) -> UInt64 {
        let at = clock.now()
        let (change, observers) = state.withLock { s -> (Change, [@Sendable (Change) -> Void]) in
            (s.push(kind, vendor, tenant, id, at, detail, capacity: capacity), s.observerList)
        }
        for observer in observers { observer(change) }
        return change.seq
    }

    /// Appends one change of `kind` per item under one lock (the due events a vendor publishes together).
    public func append(
        _ kind: Change.Kind,
        vendor: String,
        items: [(tenant: String, id: String, detail: String?)]
    ) {
        guard !items.isEmpty else { return }
        let at = clock.now()
        let (changes, observers) = state.withLock { s -> ([Change], [@Sendable (Change) -> Void]) in
            let observers = s.observerList
            // The changes are kept for the observers only; without any, nothing is collected.
            var changes: [Change] = []
            if !observers.isEmpty { changes.reserveCapacity(items.count) }
            for item in items {
                let change = s.push(kind, vendor, item.tenant, item.id, at, item.detail, capacity: capacity)
                if !observers.isEmpty { changes.append(change) }
            }
            return (changes, observers)
        }
        for change in changes { for observer in observers { observer(change) } }
    }

    /// Now on the feed's (the emulator's) clock.
    public func now() -> Timestamp { clock.now() }

    /// The sequence number of the newest change (0 before the first).
    public var lastSeq: UInt64 { state.withLock { $0.lastSeq } }

    /// The sequence number of the oldest change still held (lastSeq + 1 when empty).
    public var oldestSeq: UInt64 {
        state.withLock { s in s.ring.isEmpty ? s.lastSeq + 1 : s.ring[s.start].seq }
    }

    /// Changes with a sequence number above `seq`, oldest first, at most `limit`. One binary search: the
    /// ring holds consecutive sequence numbers.
    public func changes(after seq: UInt64, limit: Int = .max) -> [Change] {
        state.withLock { s in
            guard let oldest = s.ring.isEmpty ? nil : s.ring[s.start].seq, seq < s.lastSeq else { return [] }
            let skip = seq < oldest ? 0 : Int(seq - oldest + 1)
            let count = min(s.ring.count - skip, max(0, limit))
            guard count > 0 else { return [] }
            var out: [Change] = []
            out.reserveCapacity(count)
            for offset in skip..<(skip + count) { out.append(s.ring[(s.start + offset) % s.ring.count]) }
            return out
        }
    }

    /// Up to `limit` held `message.stored` changes with a sequence number below `seq`, newest first: one binary
    /// search and `limit` reads, however many other changes (events, deliveries) lie between them.
    public func storedChanges(before seq: UInt64, limit: Int) -> [Change] {
        state.withLock { s in
            var low = s.storedHead
            var high = s.storedSeqs.count
            while low < high {
                let mid = (low + high) / 2
                if s.storedSeqs[mid] < seq { low = mid + 1 } else { high = mid }
            }
            var out: [Change] = []
            out.reserveCapacity(Swift.min(Swift.max(0, limit), low - s.storedHead))
            var i = low - 1
            while i >= s.storedHead, out.count < limit {
                out.append(s.change(s.storedSeqs[i]))
                i -= 1
            }
            return out
        }
    }

    /// Calls `observer` with every change appended from now on, until `removeObserver`.
    public func observe(_ observer: @escaping @Sendable (Change) -> Void) -> ObserverToken {
        state.withLock { s in
            s.nextObserver += 1
            s.observers[s.nextObserver] = observer
            return ObserverToken(id: s.nextObserver)
        }
    }

    public func removeObserver(_ token: ObserverToken) {
        state.withLock { _ = $0.observers.removeValue(forKey: token.id) }
    }

    /// How many observers are registered (waiters, event streams): tests check that a hang-up frees one.
    public var observerCount: Int { state.withLock { $0.observers.count } }
}
