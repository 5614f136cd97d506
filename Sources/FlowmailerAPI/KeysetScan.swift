// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// The keyset fast path for `sortfield=INSERTED` listings: messages are stored in strictly increasing
/// (inserted, id) order, so a reference is found by binary search and a page costs O(log n + page) instead
/// of a scan of the whole account — the sync loop of spec §3.4 stays cheap however many messages exist.
enum KeysetScan {
    /// Up to `count` messages matching `filter`, in output order, continuing from `ref`. `insertedWithin`
    /// bounds the insert times worth looking at (see `AccountState.maxInsertLagMillis`), so that a narrow
    /// `;daterange` does not scan the whole account.
    static func page(
        _ messages: [StoredMessage], ref: PageKey?, count: Int, descending: Bool, insertedWithin: Range<Int64>? = nil,
        filter: (StoredMessage) -> Bool
    ) -> [StoredMessage] {
        var first = 0
        var n = messages.count
        if let window = insertedWithin {
            first = lowerBound(messages, window.lowerBound)
            n = lowerBound(messages, window.upperBound)
        }
        var index: Int
        var step: Int
        var reverseAtEnd = false
        if let ref {
            let key = (ref.millis, ref.id)
            // First index whose key is > ref (after) or >= ref (before) — a classic lower/upper bound.
            func bound(strictlyGreater: Bool) -> Int {
                var lo = first
                var hi = n
                while lo < hi {
                    let mid = (lo + hi) / 2
                    let k = (messages[mid].inserted.millis, messages[mid].id)
                    if k < key || (strictlyGreater && k == key) { lo = mid + 1 } else { hi = mid }
                }
                return lo
            }
            switch (descending, ref.after) {
            case (false, true): (index, step) = (bound(strictlyGreater: true), 1)
            case (false, false): (index, step, reverseAtEnd) = (bound(strictlyGreater: false) - 1, -1, true)
            case (true, true): (index, step) = (bound(strictlyGreater: false) - 1, -1)
            case (true, false): (index, step, reverseAtEnd) = (bound(strictlyGreater: true), 1, true)
            }
        } else {
            (index, step) = descending ? (n - 1, -1) : (first, 1)
        }
        var out: [StoredMessage] = []
        out.reserveCapacity(min(count, n - first))
        while index >= first, index < n, out.count < count {
            if filter(messages[index]) { out.append(messages[index]) }
            index += step
        }
        return reverseAtEnd ? out.reversed() : out
    }

    /// The first index whose insert time is at least `millis`.
    static func lowerBound(_ messages: [StoredMessage], _ millis: Int64) -> Int {
        var lo = 0
        var hi = messages.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if messages[mid].inserted.millis < millis { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
