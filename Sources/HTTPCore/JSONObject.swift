// SPDX-License-Identifier: Apache-2.0

/// An insertion-ordered JSON object. Lookups are linear, which is faster than hashing for the small
/// objects of API bodies; setting an existing key keeps its position. An object that grows past
/// `indexThreshold` keys also keeps a key → position index, so that building or editing a large object
/// (a hostile body of 100,000 keys) stays linear instead of quadratic.
public struct JSONObject: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var entries: [(key: String, value: JSON)]
    /// Position of each key's first entry; nil while the object is small.
    private var index: JSONKeyIndex?

    /// Above this many keys a linear scan costs more than a hash lookup.
    static let indexThreshold = 32

    public init() { entries = [] }
    public init(_ entries: [(String, JSON)]) {
        self.entries = entries.map { (key: $0.0, value: $0.1) }
        if self.entries.count > Self.indexThreshold { buildIndex() }
    }
    public init(dictionaryLiteral elements: (String, JSON)...) { self.init(elements) }

    /// Entries with distinct keys and, for a large object, their index (the parser builds both).
    init(distinctEntries: [(key: String, value: JSON)], index: JSONKeyIndex?) {
        entries = distinctEntries
        self.index = index
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.map(\.key) }
    public func makeIterator() -> IndexingIterator<[(key: String, value: JSON)]> { entries.makeIterator() }

    private func position(of key: String) -> Int? {
        if let index { return index.position(of: key, in: entries) }
        let count = key.utf8.count
        return entries.firstIndex { $0.key.utf8.count == count && $0.key == key }
    }

    private mutating func buildIndex() { index = JSONKeyIndex(entries, capacity: entries.count * 2) }

    public subscript(key: String) -> JSON? {
        get {
            guard index != nil else {
                // Lengths first (O(1) on native strings): most keys probed differ in length, and `==` on two
                // keys longer than 15 bytes goes through the runtime's general comparison (~50 instructions).
                let count = key.utf8.count
                for e in entries where e.key.utf8.count == count && e.key == key { return e.value }
                return nil
            }
            return position(of: key).map { entries[$0].value }
        }
        set {
            if let i = position(of: key) {
                guard let newValue else {
                    entries.remove(at: i)
                    // Positions after `i` moved; removals from large objects are rare.
                    if entries.count > Self.indexThreshold {
                        if index != nil { buildIndex() }
                    } else {
                        index = nil
                    }
                    return
                }
                entries[i].value = newValue
            } else if let newValue {
                if index != nil { _ = index!.insert(key, at: entries.count, in: entries) }
                entries.append((key: key, value: newValue))
                if index == nil, entries.count > Self.indexThreshold {
                    buildIndex()
                }
            }
        }
    }

    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    public mutating func reserveCapacity(_ n: Int) { entries.reserveCapacity(n) }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        // Objects are equal regardless of order (RFC 8259 §4: names are unordered).
        guard a.count == b.count else { return false }
        return a.entries.allSatisfy { b[$0.key] == $0.value }
    }
}
