// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// vendor + message id → the sequence number of its `message.stored` change, for what the feed still holds.
///
/// Built lazily from the feed: each lookup first reads only the changes appended since the last one, so a
/// send pays nothing for it and a listing pays for the new changes, not for the whole feed. Entries older
/// than the feed's oldest change are dropped when the feed has wrapped past them (a message stored before
/// them answers 0, as a fixture does).
final class StoredSeqIndex: Sendable {
    private struct State {
        var seqs: [String: UInt64] = [:]
        var indexedUpTo: UInt64 = 0
        var prunedBelow: UInt64 = 0
    }

    private let changes: ChangeFeed
    private let state = Locked(State())

    init(changes: ChangeFeed) { self.changes = changes }

    /// The stored sequence number of one message, 0 when the feed does not hold it.
    func seq(of key: String) -> UInt64 {
        state.withLock { s in
            catchUp(&s)
            return s.seqs[key] ?? 0
        }
    }

    /// Every entry, after catching up (for a listing that needs many).
    func all() -> [String: UInt64] {
        state.withLock { s in
            catchUp(&s)
            return s.seqs
        }
    }

    private func catchUp(_ s: inout State) {
        let new = changes.changes(after: s.indexedUpTo)
        for change in new where change.kind == .messageStored {
            s.seqs[ControlPlane.key(change.vendor, change.id)] = change.seq
        }
        if let last = new.last { s.indexedUpTo = last.seq }
        // Forget what the feed itself no longer holds, once that is a good share of the index.
        let oldest = changes.oldestSeq
        if oldest > s.prunedBelow + UInt64(max(1024, s.seqs.count / 2)) {
            s.seqs = s.seqs.filter { $0.value >= oldest }
            s.prunedBelow = oldest
        }
    }
}
