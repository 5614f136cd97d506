// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Testing

private struct Row: OrderedRow, Equatable {
    var id: String
    var key: Int
    var note = ""
    var rowID: String { id }
    var orderKey: Int { key }
}

private func table(_ keys: [Int]) -> OrderedTable<Row> {
    var t = OrderedTable<Row>()
    for k in keys { t.upsert(Row(id: "r\(k)", key: k)) }
    return t
}

private func keys(_ rows: some Sequence<Row>) -> [Int] { rows.map(\.key) }

@Suite struct OrderedTableTests {
    @Test func keepsRowsSortedWhateverTheInsertOrder() {
        let t = table([5, 1, 9, 3, 7, 2])
        #expect(keys(t.values) == [1, 2, 3, 5, 7, 9])
        #expect(t.count == 6)
        for k in [1, 2, 3, 5, 7, 9] {
            #expect(t["r\(k)"]?.key == k)
            #expect(t.position(of: "r\(k)").map { t.values[$0].key } == k)
        }
        #expect(t["r4"] == nil)
    }

    /// A capped table drops its oldest rows on every insert: positions, lookups and paging stay right
    /// across the lazy compactions.
    @Test func removingTheFirstRowsKeepsLookupsRightAcrossCompactions() {
        var t = OrderedTable<Row>()
        for k in 0..<5_000 {
            t.upsert(Row(id: "r\(k)", key: k))
            if t.count > 100 { t.removeFirst(t.count - 100) }
        }
        #expect(t.count == 100)
        #expect(keys(t.values) == Array(4_900..<5_000))
        #expect(t["r4899"] == nil && t["r4900"]?.key == 4_900 && t["r4999"]?.key == 4_999)
        #expect(t.position(of: "r4950").map { t.values[$0].key } == 4_950)
        t.removeFirst(1_000)
        #expect(t.isEmpty && t["r4999"] == nil)
        t.upsert(Row(id: "again", key: 1))
        #expect(t["again"]?.key == 1 && t.count == 1)
    }

    @Test func readsARowInPlace() {
        var t = table([3, 1, 2])
        _ = t.removeFirst()
        #expect(t.read("r2") { $0.key * 10 } == 20)
        #expect(t.read("r1") { $0.key } == nil)
        #expect(t.read("r9") { _ in true } == nil)
    }

    @Test func equalKeysKeepTheirInsertionOrder() {
        var t = OrderedTable<Row>()
        t.upsert(Row(id: "a", key: 1))
        t.upsert(Row(id: "b", key: 2))
        t.upsert(Row(id: "c", key: 1))
        #expect(t.values.map(\.id) == ["a", "c", "b"])
    }

    @Test func upsertReplacesInPlaceOrMovesWhenTheKeyChanged() {
        var t = table([1, 2, 3])
        t["r2"] = Row(id: "r2", key: 2, note: "edited")
        #expect(t.values.map(\.note) == ["", "edited", ""])
        t["r1"] = Row(id: "r1", key: 10)
        #expect(t.values.map(\.id) == ["r2", "r3", "r1"])
        #expect(t.position(of: "r1") == t.endPosition - 1)
        #expect(t.count == 3)
    }

    @Test func modifyEditsInPlaceAndRepositionsAChangedKey() {
        var t = table([1, 2, 3])
        let result = t.modify("r3") { row -> String in
            row.note = "x"
            return row.id
        }
        #expect(result == "r3")
        #expect(t["r3"]?.note == "x")
        t.modify("r3") { $0.key = 0 }
        #expect(t.values.map(\.id) == ["r3", "r1", "r2"])
        #expect(t.modify("missing") { _ in 1 } == nil)
    }

    @Test func removesFromTheFrontTheMiddleAndTheEnd() {
        var t = table([1, 2, 3, 4, 5])
        #expect(t.removeValue(forKey: "r3")?.key == 3)
        #expect(t.removeFirst()?.key == 1)
        #expect(t.removeValue(forKey: "r5")?.key == 5)
        #expect(keys(t.values) == [2, 4])
        #expect(t["r1"] == nil && t["r3"] == nil && t["r5"] == nil)
        #expect(t["r4"]?.key == 4)
        t["r2"] = nil
        t.removeAll()
        #expect(t.isEmpty)
        #expect(t.removeFirst() == nil)
    }

    @Test func evictingTheOldestRowOnEveryInsertKeepsTheIndexRight() {
        // Crosses several compactions of the dead prefix.
        var t = OrderedTable<Row>()
        for k in 0..<5_000 {
            t.upsert(Row(id: "r\(k)", key: k))
            if t.count > 100 { t.removeFirst() }
        }
        #expect(t.count == 100)
        #expect(keys(t.values) == Array(4_900..<5_000))
        for k in stride(from: 4_900, to: 5_000, by: 7) {
            #expect(t.position(of: "r\(k)").map { t.values[$0].key } == k)
        }
        #expect(t["r4899"] == nil)
        t.upsert(Row(id: "early", key: 4_950))
        #expect(t.position(of: "r4999").map { t.values[$0].key } == 4_999)
        #expect(t.position(of: "early").map { t.values[$0].id } == "early")
    }

    @Test func positionsBetweenCursorsAreExclusive() {
        let t = table([10, 20, 30, 40, 50])
        #expect(keys(t.values[t.positions(after: 20)]) == [30, 40, 50])
        #expect(keys(t.values[t.positions(before: 40)]) == [10, 20, 30])
        #expect(keys(t.values[t.positions(after: 15, before: 45)]) == [20, 30, 40])
        #expect(t.positions(after: 40, before: 20).isEmpty)
        #expect(t.positions(after: 50).isEmpty)
        #expect(t.firstPosition(notBefore: 30) == t.firstPosition(after: 20))
        #expect(t.firstPosition(after: 5) == t.startPosition)
        #expect(t.firstPosition(notBefore: 99) == t.endPosition)
    }

    @Test func pagesWalkEitherWayAndStopAtTheLimit() {
        let t = table(Array(1...10))
        #expect(keys(t.page(descending: false, limit: 3)) == [1, 2, 3])
        #expect(keys(t.page(descending: true, limit: 3)) == [10, 9, 8])
        #expect(keys(t.page(t.positions(after: 4), descending: false, limit: 3)) == [5, 6, 7])
        #expect(keys(t.page(t.positions(before: 4), descending: true, limit: 5)) == [3, 2, 1])
        #expect(keys(t.page(descending: false, limit: 3, where: { $0.key % 2 == 0 })) == [2, 4, 6])
        #expect(keys(t.page(descending: true, limit: 2, skip: 1, where: { $0.key % 3 == 0 })) == [6, 3])
        #expect(t.page(descending: false, limit: 0).isEmpty)
        #expect(OrderedTable<Row>().page(descending: true, limit: 5).isEmpty)
    }

    @Test func buildsFromUnorderedRows() {
        let t = OrderedTable([Row(id: "b", key: 2), Row(id: "a", key: 1)])
        #expect(t.values.map(\.id) == ["a", "b"])
    }
}

@Suite struct OrderedTableUpsertTests {
    @Test func upsertingALaterKeyForAStoredIdMovesItToTheEnd() {
        var t = OrderedTable<Row>()
        for k in 0..<100 { t.upsert(Row(id: "r\(k)", key: k)) }
        for _ in 0..<80 { t.removeFirst() }  // a dead prefix, compacted at least once
        t.upsert(Row(id: "r85", key: 1_000, note: "moved"))
        t.upsert(Row(id: "r99", key: 1_001))
        t.upsert(Row(id: "r99", key: 1_001, note: "same key"))
        #expect(t.count == 20)
        #expect(t.values.suffix(2).map(\.id) == ["r85", "r99"])
        #expect(t["r99"]?.note == "same key")
        for row in t.values { #expect(t.position(of: row.id).map { t.values[$0].id } == row.id) }
        t.upsert(Row(id: "r80", key: 2_000))  // the first row, re-keyed to the end
        #expect(t.values.first?.id == "r81")
        #expect(t.position(of: "r80") == t.endPosition - 1)
    }
}
