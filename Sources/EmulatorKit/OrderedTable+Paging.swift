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
            let row = storage[i]
            if filter(row) {
                if toSkip > 0 { toSkip -= 1 } else { out.append(row) }
            }
            i += step
        }
        return out
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
