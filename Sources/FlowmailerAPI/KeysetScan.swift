// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// The keyset fast path for `sortfield=INSERTED` listings: messages are stored in strictly increasing
/// (inserted, id) order (an `OrderedTable`), so a reference is found by binary search and a page costs
/// O(log n + page) instead of a scan of the whole account — the sync loop of spec §3.4 stays cheap however
/// many messages exist.
enum KeysetScan {
    /// The positions of the messages inserted within `window` (two binary searches).
    static func positions(_ messages: OrderedTable<StoredMessage>, insertedWithin window: Range<Int64>) -> Range<Int> {
        // The empty id sorts before every id, so these are the first positions at those times.
        let lower = messages.firstPosition(notBefore: InsertKey(millis: window.lowerBound, id: ""))
        let upper = messages.firstPosition(notBefore: InsertKey(millis: window.upperBound, id: ""))
        return lower..<max(lower, upper)
    }

    /// Up to `count` messages matching `filter`, in output order, continuing from `ref`. `insertedWithin`
    /// bounds the insert times worth looking at (see `AccountState.maxInsertLagMillis`), so that a narrow
    /// `;daterange` does not scan the whole account.
    static func page(
        _ messages: OrderedTable<StoredMessage>,
        ref: PageKey?,
        count: Int,
        descending: Bool,
        insertedWithin: Range<Int64>? = nil,
        filter: (StoredMessage) -> Bool
    ) -> [StoredMessage] {
        func range(_ lower: Int, _ upper: Int) -> Range<Int> { lower..<max(lower, upper) }
        let window =
            insertedWithin.map { positions(messages, insertedWithin: $0) }
            ?? messages.startPosition..<messages.endPosition
        guard let ref else { return messages.page(window, descending: descending, limit: count, where: filter) }
        let key = InsertKey(millis: ref.millis, id: ref.id)
        // `>` continues past the row in output order, `<` reads the rows just before it and turns them round.
        let later = range(max(window.lowerBound, messages.firstPosition(after: key)), window.upperBound)
        let earlier = range(window.lowerBound, min(window.upperBound, messages.firstPosition(notBefore: key)))
        switch (descending, ref.after) {
        case (false, true): return messages.page(later, descending: false, limit: count, where: filter)
        case (false, false): return messages.page(earlier, descending: true, limit: count, where: filter).reversed()
        case (true, true): return messages.page(earlier, descending: true, limit: count, where: filter)
        case (true, false): return messages.page(later, descending: false, limit: count, where: filter).reversed()
        }
    }
}
