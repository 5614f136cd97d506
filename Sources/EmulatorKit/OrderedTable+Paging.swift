// SPDX-License-Identifier: Apache-2.0

extension OrderedTable {
    /// The first position whose key is greater than `key` (one binary search).
    @inlinable
    public func firstPosition(after key: Row.OrderKey) -> Int {
        bound { $0 <= key }
    }

    /// The first position whose key is at least `key` (one binary search).
    @inlinable
    public func firstPosition(notBefore key: Row.OrderKey) -> Int {
        bound { $0 < key }
    }

    /// The positions of the rows whose keys lie strictly between `after` and `before` (nil: unbounded).
    @inlinable
    public func positions(after: Row.OrderKey? = nil, before: Row.OrderKey? = nil) -> Range<Int> {
        let lower = after.map { firstPosition(after: $0) } ?? startPosition
        let upper = before.map { firstPosition(notBefore: $0) } ?? endPosition
        return lower..<max(lower, upper)
    }

    /// Up to `limit` rows of `positions` that pass `filter`, after skipping the first `skip` that pass, walked
    /// from the low end (ascending) or the high end (descending), in walk order. The walk stops at the last
    /// row taken, so a page costs its own rows plus the ones filtered out on the way.
    @inlinable
    public func page(
        _ positions: Range<Int>? = nil,
        descending: Bool,
        limit: Int,
        skip: Int = 0,
        where filter: (Row) -> Bool = { _ in true }
    ) -> [Row] {
        let range = (positions ?? startPosition..<endPosition).clamped(to: startPosition..<endPosition)
        var out: [Row] = []
        guard limit > 0, !range.isEmpty else { return out }
        out.reserveCapacity(Swift.min(limit, range.count))
        var toSkip = skip
        var i = descending ? range.upperBound - 1 : range.lowerBound
        let step = descending ? -1 : 1
        while i >= range.lowerBound, i < range.upperBound, out.count < limit {
            // The row is passed borrowed: only the rows taken are copied (a copy retains every field).
            if filter(storage[i]) {
                if toSkip > 0 { toSkip -= 1 } else { out.append(storage[i]) }
            }
            i += step
        }
        return out
    }

    /// An offset page: the rows at output indices `offset..<offset + limit` of the rows of `positions` that
    /// pass `filter`, walked from the low end (ascending) or the high end (descending), and how many rows
    /// pass in all (the `total` an offset dialect reports). Without a filter it costs the page only (the
    /// table is an array: an output index is a position); with one, one walk over `positions` that copies
    /// only the rows it returns.
    @inlinable
    public func offsetPage(
        _ positions: Range<Int>? = nil,
        descending: Bool,
        offset: Int,
        limit: Int,
        where filter: ((Row) -> Bool)? = nil
    ) -> (rows: [Row], total: Int) {
        let range = (positions ?? startPosition..<endPosition).clamped(to: startPosition..<endPosition)
        let offset = Swift.max(offset, 0)
        let limit = Swift.max(limit, 0)
        guard let filter else {
            let total = range.count
            guard offset < total, limit > 0 else { return ([], total) }
            let n = Swift.min(limit, total - offset)
            let first = descending ? range.upperBound - 1 - offset : range.lowerBound + offset
            let step = descending ? -1 : 1
            var out: [Row] = []
            out.reserveCapacity(n)
            for k in 0..<n { out.append(storage[first + k * step]) }
            return (out, total)
        }
        var out: [Row] = []
        var total = 0
        var i = descending ? range.upperBound - 1 : range.lowerBound
        let step = descending ? -1 : 1
        for _ in 0..<range.count {
            if filter(storage[i]) {
                if total >= offset, total - offset < limit { out.append(storage[i]) }
                total += 1
            }
            i += step
        }
        return (out, total)
    }

    /// The first live position whose key does not satisfy `isBelow` (which holds for a prefix of the keys).
    @inlinable
    func bound(_ isBelow: (Row.OrderKey) -> Bool) -> Int {
        var lo = startPosition
        var hi = endPosition
        // The common query is the newest page: check the last row before searching.
        if lo < hi, isBelow(storage[hi - 1].orderKey) { return hi }
        while lo < hi {
            let mid = (lo + hi) / 2
            if isBelow(storage[mid].orderKey) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
