// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Testing

@Suite struct HashedKeyTests {
    @Test func equalIdsAreEqualKeys() {
        #expect(HashedKey("20211230130412891aae52e2f9e6ed11") == HashedKey("20211230130412891aae52e2f9e6ed11"))
        #expect(HashedKey("a") != HashedKey("b"))
        #expect(HashedKey("a").hashValue == HashedKey("a").hashValue)
        #expect(HashedKey("abc").id == "abc")
    }

    /// Ids sharing a long prefix (what Flowmailer's time-ordered ids look like) stay distinct keys.
    @Test func dictionaryByStringSubscript() {
        var table: [HashedKey: Int] = [:]
        let prefix = "2021123013041"
        for i in 0..<1_000 { table[prefix + String(i)] = i }
        #expect(table.count == 1_000)
        #expect(table[prefix + "0"] == 0)
        #expect(table[prefix + "999"] == 999)
        #expect(table[prefix + "1000"] == nil)
        table[prefix + "5"] = nil
        #expect(table.count == 999)
        #expect(table[HashedKey(prefix + "6")] == 6)
    }

    @Test func setMembership() {
        let keys: Set<HashedKey> = [HashedKey("x"), HashedKey("x"), HashedKey("y")]
        #expect(keys.count == 2)
        #expect(keys.contains(HashedKey("y")))
    }
}
