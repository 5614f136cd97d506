// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import HTTPCore

@Suite struct JSONKeyIndexTests {
    static func entries(_ keys: [String]) -> [(key: String, value: JSON)] { keys.map { (key: $0, value: .null) } }

    /// Built from entries with a repeated key, the first position wins; growing (past 16, 32, … slots)
    /// keeps every position findable.
    @Test func findsFirstPositionsAcrossGrowth() {
        var entries = Self.entries(["a", "b", "a"])
        var index = JSONKeyIndex(entries, capacity: 1)
        #expect(index.position(of: "a", in: entries) == 0)
        #expect(index.position(of: "b", in: entries) == 1)
        #expect(index.position(of: "c", in: entries) == nil)
        for i in 0..<5_000 {
            let key = "k\(i)"
            #expect(index.insert(key, at: entries.count, in: entries) == nil)
            entries.append((key: key, value: .int(i)))
        }
        #expect(index.insert("k42", at: entries.count, in: entries) == 45)
        #expect(index.insert("b", at: entries.count, in: entries) == 1)
        #expect((0..<5_000).allSatisfy { index.position(of: "k\($0)", in: entries) == $0 + 3 })
        #expect(index.position(of: "k5000", in: entries) == nil)
        #expect(index.position(of: "", in: entries) == nil)
    }

    /// Keys that differ only in ways a careless hash might merge (case, NFC vs NFD, prefixes) stay apart.
    @Test func similarKeysStayDistinct() {
        let keys = ["é", "e\u{301}", "E", "e", "ee", "", " ", "key", "key ", "Key"]
        let index = JSONKeyIndex(Self.entries(keys), capacity: keys.count)
        for (i, key) in keys.enumerated() {
            // Swift compares strings by canonical equivalence: "é" and "e\u{301}" are the same key.
            let expected = key == "e\u{301}" ? 0 : i
            #expect(index.position(of: key, in: Self.entries(keys)) == expected, "\(key.debugDescription)")
        }
    }
}
