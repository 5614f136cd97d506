// SPDX-License-Identifier: Apache-2.0

/// Key → position for a large `JSONObject`: open addressing with linear probing over a power-of-two table
/// kept at most half full. Each key is hashed once (`String.hashValue`, SipHash with a per-process random
/// seed, so crafted keys cannot pile into one chain); growing re-places the stored hashes without hashing
/// again. A repeated key keeps its first position.
struct JSONKeyIndex: Sendable {
    private struct Slot: Sendable {
        var hash = 0
        /// Position + 1; 0 marks an empty slot.
        var position = 0
    }

    private var slots: [Slot]
    private var count = 0

    /// An index of the keys of `entries`, room made for `capacity` keys.
    init(_ entries: [(key: String, value: JSON)], capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: Slot(), count: size)
        for i in entries.indices { _ = insert(entries[i].key, at: i, in: entries) }
    }

    /// The first position of `key` in `entries`.
    func position(of key: String, in entries: [(key: String, value: JSON)]) -> Int? {
        let hash = key.hashValue
        let mask = slots.count - 1
        var s = hash & mask
        while slots[s].position != 0 {
            let p = slots[s].position - 1
            if slots[s].hash == hash, entries[p].key == key { return p }
            s = (s + 1) & mask
        }
        return nil
    }

    /// Records `key` at `position` unless it is already in `entries` (whose earlier positions this index
    /// holds; `position` itself is not read).
    /// - Returns: the position it already had, or nil when it was added.
    mutating func insert(_ key: String, at position: Int, in entries: [(key: String, value: JSON)]) -> Int? {
        if (count + 1) * 2 > slots.count { grow() }
        let hash = key.hashValue
        let mask = slots.count - 1
        var s = hash & mask
        while slots[s].position != 0 {
            let p = slots[s].position - 1
            if slots[s].hash == hash, entries[p].key == key { return p }
            s = (s + 1) & mask
        }
        slots[s] = Slot(hash: hash, position: position + 1)
        count += 1
        return nil
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(), count: old.count * 2)
        let mask = slots.count - 1
        for slot in old where slot.position != 0 {
            var s = slot.hash & mask
            while slots[s].position != 0 { s = (s + 1) & mask }
            slots[s] = slot
        }
    }
}
