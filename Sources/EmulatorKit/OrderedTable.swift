// SPDX-License-Identifier: Apache-2.0

/// A row an `OrderedTable` can hold: it names itself and its place in the table's order.
public protocol OrderedRow {
    associatedtype RowID: Hashable
    associatedtype OrderKey: Comparable
    /// Unique within a table; the dictionary index is keyed by it.
    var rowID: RowID { get }
    /// The sort key. Rows with equal keys keep their insertion order.
    var orderKey: OrderKey { get }
    /// Whether a table of these rows keeps a term index (`indexTerms`); false by default.
    static var indexesTerms: Bool { get }
    /// The hashes a table indexes this row under (a message's recipients, sender, subject: `MessageTerms`),
    /// read when the row is stored, moved or removed, so they must depend on the row's content only. None by
    /// default.
    var indexTerms: [UInt64] { get }
}

extension OrderedRow {
    @inlinable
    public static var indexesTerms: Bool { false }
    @inlinable
    public var indexTerms: [UInt64] { [] }
}

/// Rows kept sorted ascending by `orderKey`, with a dictionary index from `rowID` to position, for keyset
/// paging: a page is one binary search per cursor plus the rows it returns, never a sort or a full scan.
///
/// Appending in key order (new rows get a later time or a higher sequence number) costs O(1); a row that
/// sorts earlier is placed by binary search. Removing the first row is O(1) amortized, so a capped table that
/// evicts its oldest row on every insert stays cheap.
///
/// Positions are indices into `values` and stay valid until the next mutation.
public struct OrderedTable<Row: OrderedRow> {
    /// Live rows are `storage[head...]`; the slots before `head` are removed rows awaiting compaction.
    @usableFromInline var storage: [Row] = []
    @usableFromInline var head = 0
    /// `index` holds `slot + compacted`, so that compaction never rewrites the index.
    @usableFromInline var compacted = 0
    @usableFromInline var index: [Row.RowID: Int] = [:]
    /// Term hash → positions, kept only when `Row.indexesTerms` (see `TermIndex`).
    @usableFromInline var terms = TermIndex()

    // Inlinable so that vendor modules get it specialized for their row types: the listing and submit paths
    // run through it.
    @inlinable
    public init() {}

    /// A table holding `rows`, which may come in any order.
    @inlinable
    public init(_ rows: some Sequence<Row>) {
        for row in rows { self[row.rowID] = row }
    }

    /// The rows in ascending key order; their indices are the table's positions.
    @inlinable
    public var values: ArraySlice<Row> { storage[head...] }
    @inlinable
    public var count: Int { storage.count - head }
    @inlinable
    public var isEmpty: Bool { storage.count == head }
    /// The first and last positions (`values.startIndex`, `values.endIndex`).
    @inlinable
    public var startPosition: Int { head }
    @inlinable
    public var endPosition: Int { storage.count }

    /// The position of the row named `id`.
    @inlinable
    public func position(of id: Row.RowID) -> Int? {
        index[id].map { $0 - compacted }
    }

    /// The row named `id`. Setting a row stores it (moving it when its key changed); setting nil removes it.
    @inlinable
    public subscript(_ id: Row.RowID) -> Row? {
        get { position(of: id).map { storage[$0] } }
        set {
            if let newValue {
                precondition(newValue.rowID == id, "OrderedTable: a row stored under another row's id")
                upsert(newValue)
            } else {
                removeValue(forKey: id)
            }
        }
    }

    /// Runs `body` on the row named `id` without copying it (a copy retains every field), and returns its
    /// result; nil when there is no such row.
    @inlinable
    public func read<R>(_ id: Row.RowID, _ body: (Row) throws -> R) rethrows -> R? {
        guard let slot = position(of: id) else { return nil }
        return try body(storage[slot])
    }

    /// Runs `body` on the row named `id` in place (no copy of the row), and returns its result; nil when there
    /// is no such row. A changed key moves the row; the id must not change.
    @inlinable @discardableResult
    public mutating func modify<R>(_ id: Row.RowID, _ body: (inout Row) throws -> R) rethrows -> R? {
        guard let slot = position(of: id) else { return nil }
        let key = storage[slot].orderKey
        let before = Row.indexesTerms ? storage[slot].indexTerms : []
        let result = try body(&storage[slot])
        precondition(storage[slot].rowID == id, "OrderedTable: modify changed a row's id")
        if Row.indexesTerms {
            let after = storage[slot].indexTerms
            if after != before {
                terms.remove(before, slot: slot, compacted: compacted)
                terms.add(after, slot: slot, compacted: compacted)
            }
        }
        if storage[slot].orderKey != key {
            let row = storage[slot]
            remove(at: slot)
            insert(row, id: id)
        }
        return result
    }

    /// Stores `row`, replacing the row with its id if there is one. A row that sorts last (the common case)
    /// costs one index update.
    @inlinable
    public mutating func upsert(_ row: Row) {
        let id = row.rowID
        if isEmpty || storage[storage.count - 1].orderKey <= row.orderKey {
            storage.append(row)
            if Row.indexesTerms { terms.add(row.indexTerms, slot: storage.count - 1, compacted: compacted) }
            if let old = index.updateValue(storage.count - 1 + compacted, forKey: id) {
                remove(at: old - compacted, clearingIndex: false)
            }
            return
        }
        guard let slot = position(of: id) else { return insert(row, id: id) }
        if storage[slot].orderKey == row.orderKey {
            if Row.indexesTerms {
                terms.remove(storage[slot].indexTerms, slot: slot, compacted: compacted)
                terms.add(row.indexTerms, slot: slot, compacted: compacted)
            }
            storage[slot] = row
        } else {
            remove(at: slot)
            insert(row, id: id)
        }
    }

    /// Removes the row named `id` and returns it.
    @inlinable @discardableResult
    public mutating func removeValue(forKey id: Row.RowID) -> Row? {
        guard let slot = position(of: id) else { return nil }
        let row = storage[slot]
        remove(at: slot)
        return row
    }

    /// Removes and returns the row with the smallest key.
    @inlinable @discardableResult
    public mutating func removeFirst() -> Row? {
        guard !isEmpty else { return nil }
        let row = storage[head]
        remove(at: head)
        return row
    }

    /// Removes the `k` rows with the smallest keys (all of them when `k` ≥ `count`), without copying them out.
    /// O(k) amortized: a capped table calls it on every insert, so it compacts like `remove(at:)` does (once the
    /// dead prefix is an eighth of the live rows), never on every call.
    @inlinable
    public mutating func removeFirst(_ k: Int) {
        let k = Swift.min(Swift.max(k, 0), count)
        guard k > 0 else { return }
        for slot in head..<(head + k) {
            index[storage[slot].rowID] = nil
            if Row.indexesTerms { terms.remove(storage[slot].indexTerms, slot: slot, compacted: compacted) }
        }
        head += k
        compactIfWorthIt()
    }

    /// Room for `n` rows without growing the storage or the index (a table about to be filled).
    @inlinable
    public mutating func reserveCapacity(_ n: Int) {
        storage.reserveCapacity(n)
        index.reserveCapacity(n)
    }

    @inlinable
    public mutating func removeAll() {
        self = OrderedTable()
    }

    /// Places a row whose id is not in the table.
    @inlinable
    mutating func insert(_ row: Row, id: Row.RowID) {
        if isEmpty || storage[storage.count - 1].orderKey <= row.orderKey {
            index[id] = storage.count + compacted
            if Row.indexesTerms { terms.add(row.indexTerms, slot: storage.count, compacted: compacted) }
            storage.append(row)
            return
        }
        let slot = firstPosition(after: row.orderKey)
        unindexTerms(from: slot)
        storage.insert(row, at: slot)
        reindex(from: slot)
    }

    /// Removes the row at `slot`; `clearingIndex: false` when its id already names another row.
    @inlinable
    mutating func remove(at slot: Int, clearingIndex: Bool = true) {
        if clearingIndex { index[storage[slot].rowID] = nil }
        guard slot == head else {
            unindexTerms(from: slot)
            storage.remove(at: slot)
            return reindex(from: slot)
        }
        if Row.indexesTerms { terms.remove(storage[slot].indexTerms, slot: slot, compacted: compacted) }
        head += 1
        compactIfWorthIt()
    }

    /// Drops the dead prefix once it is an eighth of the live rows: each live row moves once per that many
    /// evictions, and dead rows never hold more than an eighth more memory.
    @inlinable
    mutating func compactIfWorthIt() {
        if head == storage.count {
            compacted += head
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64, head * 8 >= storage.count - head {
            compacted += head
            storage.removeFirst(head)
            head = 0
        }
    }

    /// Every row from `slot` on moves by one: `index` is rewritten for them, and so are their terms
    /// (`unindexTerms(from:)` took them out, newest first so that each leaves the end of its lists).
    @inlinable
    mutating func reindex(from slot: Int) {
        for s in slot..<storage.count {
            index[storage[s].rowID] = s + compacted
            if Row.indexesTerms { terms.add(storage[s].indexTerms, slot: s, compacted: compacted) }
        }
    }

    @inlinable
    mutating func unindexTerms(from slot: Int) {
        guard Row.indexesTerms else { return }
        for s in stride(from: storage.count - 1, through: slot, by: -1) {
            terms.remove(storage[s].indexTerms, slot: s, compacted: compacted)
        }
    }

    /// The term index from scratch (a table whose storage was set as a whole).
    @inlinable
    mutating func rebuildTerms() {
        terms = TermIndex()
        guard Row.indexesTerms else { return }
        for s in head..<storage.count { terms.add(storage[s].indexTerms, slot: s, compacted: compacted) }
    }

    /// How many rows hold the term `hash` (0 for a table that keeps no term index).
    @inlinable
    public func count(ofTerm hash: UInt64) -> Int { terms.count(of: hash) }

    /// Calls `body` with the position of every row holding the term `hash`, ascending from `start`, until it
    /// returns false. Only for a table whose rows index terms (`Row.indexesTerms`).
    @inlinable
    public func forEachPosition(withTerm hash: UInt64, from start: Int, _ body: (Int) -> Bool) {
        terms.forEach(hash, from: Swift.max(start, head), compacted: compacted, body)
    }
}

extension OrderedTable: Sendable where Row: Sendable, Row.RowID: Sendable {}

extension OrderedTable where Row.RowID == HashedKey {
    /// The row whose id is the string `id`.
    @inlinable
    public subscript(_ id: String) -> Row? {
        get { self[HashedKey(id)] }
        set { self[HashedKey(id)] = newValue }
    }
}
