// SPDX-License-Identifier: Apache-2.0

/// An `OrderedTable`'s secondary index: term hash → the positions of the rows holding it, ascending, so that
/// "the messages to a@b" is a lookup and a walk over those rows only, not over every row
/// (`OrderedTable.forEachPosition(withTerm:from:_:)`).
///
/// Small on purpose (the memory target is ≤ 1 KB per stored message): a term is its 64-bit hash, not its
/// text (a collision costs a row that the caller's own filter then drops, never a wrong answer), a position
/// is 32 bits (the table's absolute position, `slot + compacted`, truncated: live rows span less than 2³²
/// positions, so decoding relative to `compacted` is exact), and a term held by one row — the usual unique
/// recipient — is one dictionary entry without an array. Rows leave from the front (eviction) by advancing a
/// per-term dead prefix that is dropped once it is half the list, so a capped table that evicts on every
/// insert pays O(1) amortized, never a shift of a long list.
@usableFromInline
struct TermIndex: Sendable {
    struct Postings: Sendable {
        var rows: [UInt32]
        /// `rows[..<dead]` left the table (evicted); the live ones follow.
        var dead = 0
    }

    var single: [UInt64: UInt32] = [:]
    var many: [UInt64: Postings] = [:]

    @usableFromInline
    init() {}

    @usableFromInline
    var isEmpty: Bool { single.isEmpty && many.isEmpty }

    @inline(__always)
    static func slot(_ stored: UInt32, compacted: Int) -> Int {
        Int(stored &- UInt32(truncatingIfNeeded: compacted))
    }

    /// Adds `terms` of the row at `slot` (a row holding a term twice is indexed once). Lists are changed in
    /// place through `values[i]` (a list taken out and put back would be copied whenever it is shared).
    @usableFromInline
    mutating func add(_ terms: [UInt64], slot: Int, compacted: Int) {
        let stored = UInt32(truncatingIfNeeded: slot + compacted)
        for (i, term) in terms.enumerated() where !terms[..<i].contains(term) {
            if let at = many.index(forKey: term) {
                let last = many.values[at].rows.last.map { Self.slot($0, compacted: compacted) } ?? -1
                if last > slot {
                    let place = Self.firstIndex(in: many.values[at], notBelow: slot, compacted: compacted)
                    many.values[at].rows.insert(stored, at: place)
                } else {
                    many.values[at].rows.append(stored)
                }
            } else if let other = single.removeValue(forKey: term) {
                let pair = Self.slot(other, compacted: compacted) < slot ? [other, stored] : [stored, other]
                many[term] = Postings(rows: pair)
            } else {
                single[term] = stored
            }
        }
    }

    /// Removes `terms` of the row at `slot`.
    @usableFromInline
    mutating func remove(_ terms: [UInt64], slot: Int, compacted: Int) {
        let stored = UInt32(truncatingIfNeeded: slot + compacted)
        for term in terms {
            if single[term] == stored {
                single[term] = nil
                continue
            }
            guard let at = many.index(forKey: term) else { continue }
            let dead = many.values[at].dead
            if dead < many.values[at].rows.count, many.values[at].rows[dead] == stored {
                // The oldest live row (the eviction case): advance the dead prefix, drop it once it is half.
                many.values[at].dead += 1
                if dead + 1 >= 16, (dead + 1) * 2 >= many.values[at].rows.count {
                    many.values[at].rows.removeFirst(dead + 1)
                    many.values[at].dead = 0
                }
            } else {
                let place = Self.firstIndex(in: many.values[at], notBelow: slot, compacted: compacted)
                if place < many.values[at].rows.count, many.values[at].rows[place] == stored {
                    many.values[at].rows.remove(at: place)
                }
            }
            if many.values[at].dead >= many.values[at].rows.count { many.remove(at: at) }
        }
    }

    /// How many live rows hold `term`.
    @usableFromInline
    func count(of term: UInt64) -> Int {
        if single[term] != nil { return 1 }
        guard let list = many[term] else { return 0 }
        return list.rows.count - list.dead
    }

    /// Calls `body` with the slot of every row holding `term`, ascending from `start`, until it returns false.
    @usableFromInline
    func forEach(_ term: UInt64, from start: Int, compacted: Int, _ body: (Int) -> Bool) {
        if let one = single[term] {
            let slot = Self.slot(one, compacted: compacted)
            if slot >= start { _ = body(slot) }
            return
        }
        guard let list = many[term] else { return }
        var i = Self.firstIndex(in: list, notBelow: start, compacted: compacted)
        while i < list.rows.count {
            if !body(Self.slot(list.rows[i], compacted: compacted)) { return }
            i += 1
        }
    }

    /// The index in `list.rows` of its first live entry at `slot` or after.
    static func firstIndex(in list: Postings, notBelow slot: Int, compacted: Int) -> Int {
        var lo = list.dead
        var hi = list.rows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Self.slot(list.rows[mid], compacted: compacted) < slot { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
