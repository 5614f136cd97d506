// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// The keyset fast path for `sortfield=INSERTED` listings: messages are stored in strictly increasing
/// (inserted, id) order, so a reference is found by binary search and a page costs O(log n + page) instead
/// of a scan of the whole account — the sync loop of spec §3.4 stays cheap however many messages exist.
enum KeysetScan {
    /// Up to `count` messages matching `filter`, in output order, continuing from `ref`.
    static func page(
        _ messages: [StoredMessage], ref: PageKey?, count: Int, descending: Bool, filter: (StoredMessage) -> Bool
    ) -> [StoredMessage] {
        let n = messages.count
        var index: Int
        var step: Int
        var reverseAtEnd = false
        if let ref {
            let key = (ref.millis, ref.id)
            // First index whose key is > ref (after) or >= ref (before) — a classic lower/upper bound.
            func bound(strictlyGreater: Bool) -> Int {
                var lo = 0
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
            (index, step) = descending ? (n - 1, -1) : (0, 1)
        }
        var out: [StoredMessage] = []
        while index >= 0, index < n, out.count < count {
            if filter(messages[index]) { out.append(messages[index]) }
            index += step
        }
        return reverseAtEnd ? out.reversed() : out
    }
}
