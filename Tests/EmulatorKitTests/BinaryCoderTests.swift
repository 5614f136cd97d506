// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@Suite struct BinaryCoderTests {
    enum Kind: Codable, Equatable {
        case plain
        case sized(Int, label: String)
        case nested(Inner?)
    }
    enum Raw: String, Codable { case a, b }
    struct Inner: Codable, Equatable {
        var name: String
        var when: Timestamp?
        var tags: Set<String>
    }
    struct Outer: Codable, Equatable {
        var id: String
        var count: Int
        var small: UInt8
        var epoch: UInt64
        var ratio: Double
        var flag: Bool
        var missing: String?
        var present: Int64?
        var inner: Inner
        var inners: [Inner]
        var maybe: [Int?]
        var byName: [String: Inner]
        var byNumber: [Int: String]
        var byKey: [HashedKey: Int]
        var kinds: [Kind]
        var raw: Raw
        var bytes: [UInt8]
        var json: JSON
        var object: JSONObject
        var last: String
    }

    static let sample = Outer(
        id: "m-1",
        count: -42,
        small: 200,
        epoch: .max,
        ratio: 0.1,
        flag: true,
        missing: nil,
        present: .min,
        inner: Inner(name: "i", when: Timestamp(millis: 1_700_000_000_123), tags: ["x", "y"]),
        inners: [Inner(name: "a", when: nil, tags: []), Inner(name: "b", when: Timestamp(millis: -5), tags: ["z"])],
        maybe: [1, nil, 3],
        byName: ["k": Inner(name: "v", when: nil, tags: ["t"]), "": Inner(name: "", when: nil, tags: [])],
        byNumber: [1: "one", 2: "two", 300: "many"],
        byKey: [HashedKey("h1"): 1, HashedKey("h2"): 2],
        kinds: [.plain, .sized(3, label: "l"), .nested(nil), .nested(Inner(name: "n", when: nil, tags: []))],
        raw: .b,
        bytes: [0, 1, 255],
        json: ["a": [1, 2.5, "s", nil, true, ["deep": [:]]], "b": .int(Int64.max)],
        object: ["x": 1, "y": "z"],
        last: "end"
    )

    @Test func aValueComesBackEqual() throws {
        let bytes = try BinaryCoder.encode(Self.sample)
        #expect(try BinaryCoder.decode(Outer.self, from: bytes) == Self.sample)
    }

    @Test func manyValuesComeBackEqual() throws {
        let many = Array(repeating: Self.sample, count: 50)
        #expect(try BinaryCoder.decode([Outer].self, from: try BinaryCoder.encode(many)) == many)
    }

    @Test func truncatedOrDamagedBytesThrowInsteadOfCrashing() throws {
        let bytes = try BinaryCoder.encode(Self.sample)
        for cut in [0, 1, 3, 4, bytes.count / 2, bytes.count - 1] {
            #expect(throws: (any Error).self) { try BinaryCoder.decode(Outer.self, from: Array(bytes[0..<cut])) }
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var damaged = bytes
            damaged[Int.random(in: 0..<damaged.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            // Either an error or some value: never a trap.
            _ = try? BinaryCoder.decode(Outer.self, from: damaged)
        }
    }
}

struct Box<T: Codable & Equatable>: Codable, Equatable {
    var before = "b"
    var value: T
    var after = "a"
}

@Suite struct BinaryCoderFieldTests {
    func check<T: Codable & Equatable>(_ v: T, _ name: String) {
        do {
            let back = try BinaryCoder.decode(Box<T>.self, from: try BinaryCoder.encode(Box(value: v)))
            #expect(back == Box(value: v), "\(name)")
        } catch { Issue.record("\(name): \(error)") }
    }

    @Test func eachKindOfField() {
        let s = BinaryCoderTests.sample
        check(s.small, "small")
        check(s.epoch, "epoch")
        check(s.present, "present")
        check(s.missing, "missing")
        check(s.inner, "inner")
        check(s.inners, "inners")
        check(s.maybe, "maybe")
        check(s.byName, "byName")
        check(s.byNumber, "byNumber")
        check(s.byKey, "byKey")
        check(s.kinds, "kinds")
        check(s.raw, "raw")
        check(s.bytes, "bytes")
        check(s.json, "json")
        check(s.object, "object")
        check(s.inner.when, "when")
        check(s.inner.tags, "tags")
    }
}

private struct TableRow: OrderedRow, Codable, Equatable {
    var id: String
    var key: Int
    var rowID: String { id }
    var orderKey: Int { key }
}

/// A record with its own layout (`BinaryRecord`), nested in `Codable` values.
private struct Note: BinaryRecord, Equatable {
    var id: String
    var tags: [String]
    var at: Int64?
    var body: JSON

    init(id: String, tags: [String], at: Int64?, body: JSON) {
        self.id = id
        self.tags = tags
        self.at = at
        self.body = body
    }
    func write(to out: BinaryRecordWriter) throws {
        out.write(id)
        out.write(tags)
        out.write(optional: at)
        try out.write(body)
    }
    init(from input: BinaryRecordReader) throws {
        id = try input.string()
        tags = try input.strings()
        at = try input.optionalInt64()
        body = try input.value(JSON.self)
    }
}

/// `Note` with a field added at the end of its layout, read as absent when the frame has no more bytes.
private struct NoteWithTopic: BinaryRecord, Equatable {
    var id: String
    var tags: [String]
    var at: Int64?
    var body: JSON
    var topic: String?

    func write(to out: BinaryRecordWriter) throws {
        out.write(id)
        out.write(tags)
        out.write(optional: at)
        try out.write(body)
        out.write(optional: topic)
    }
    init(id: String, tags: [String], at: Int64?, body: JSON, topic: String?) {
        self.id = id
        self.tags = tags
        self.at = at
        self.body = body
        self.topic = topic
    }
    init(from input: BinaryRecordReader) throws {
        id = try input.string()
        tags = try input.strings()
        at = try input.optionalInt64()
        body = try input.value(JSON.self)
        topic = input.isAtEnd ? nil : try input.optionalString()
    }
}

@Suite struct BinaryCoderTableTests {
    @Test func aTableComesBackWithItsOrderAndIndex() throws {
        let rows = (0..<1000).map { TableRow(id: "r\($0)", key: $0 / 3) }
        let table = OrderedTable(rows)
        let back = try BinaryCoder.decode(OrderedTable<TableRow>.self, from: try BinaryCoder.encode(table))
        #expect(Array(back.values) == Array(table.values))
        #expect(back["r500"] == TableRow(id: "r500", key: 166) && back["nope"] == nil)
    }

    @Test func rowsOutOfOrderOrRepeatedAreInsertedOneByOne() throws {
        let written = [TableRow(id: "b", key: 2), TableRow(id: "a", key: 1), TableRow(id: "b", key: 3)]
        let back = try BinaryCoder.decode(OrderedTable<TableRow>.self, from: try BinaryCoder.encode(written))
        #expect(back.values.map(\.id) == ["a", "b"] && back["b"]?.key == 3)
    }

    @Test func recordsWithTheirOwnLayoutRoundTripInsideCodableValues() throws {
        let notes: [String: [Note]] = [
            "x": [Note(id: "n1", tags: ["a", ""], at: nil, body: ["k": [1, "v"]])],
            "y": [Note(id: "n2", tags: [], at: -7, body: .null), Note(id: "n3", tags: ["z"], at: 9, body: 2.5)],
        ]
        #expect(try BinaryCoder.decode([String: [Note]].self, from: try BinaryCoder.encode(notes)) == notes)
    }

    @Test func aFieldAddedAtTheEndOfARecordReadsAsAbsentFromOlderBytes() throws {
        let old = [Note(id: "n1", tags: ["a"], at: 3, body: "x"), Note(id: "n2", tags: [], at: nil, body: .null)]
        let read = try BinaryCoder.decode([NoteWithTopic].self, from: try BinaryCoder.encode(old))
        #expect(read.map(\.id) == ["n1", "n2"] && read.map(\.at) == [3, nil])
        #expect(read.map(\.topic) == [nil, nil])
        let new = [NoteWithTopic(id: "n3", tags: ["b"], at: nil, body: 1, topic: "t"), read[0]]
        #expect(try BinaryCoder.decode([NoteWithTopic].self, from: try BinaryCoder.encode(new)) == new)
    }
}

/// A row whose table takes the one-pass path (`BinaryTableRow`), with arrays read through `array(_:)`.
private struct FastRow: BinaryTableRow, Equatable {
    var id: String
    var key: Int
    var tags: [JSON]
    var notes: [Note]
    var rowID: String { id }
    var orderKey: Int { key }

    init(id: String, key: Int, tags: [JSON] = [], notes: [Note] = []) {
        self.id = id
        self.key = key
        self.tags = tags
        self.notes = notes
    }
    static func decodeBinaryTable(_ input: BinaryRecordReader) throws -> Any {
        try OrderedTable<FastRow>.decodeBinaryRows(input)
    }
    func write(to out: BinaryRecordWriter) throws {
        out.write(id)
        out.write(key)
        try out.write(tags)
        try out.write(notes)
    }
    init(from input: BinaryRecordReader) throws {
        id = try input.string()
        key = try input.int()
        tags = try input.array([JSON].self)
        notes = try input.array([Note].self)
    }
}

@Suite struct BinaryCoderFastTableTests {
    fileprivate struct Holder: Codable {
        var before = "b"
        var table: OrderedTable<FastRow>
        var after = "a"
    }

    @Test func aTableOfFastRowsComesBackWithItsOrderIndexAndArrays() throws {
        let note = Note(id: "n", tags: ["t"], at: 4, body: ["k": 1])
        let rows = (0..<2000).map { i in
            FastRow(id: "r\(i)", key: i / 3, tags: i % 5 == 0 ? ["x", 2] : [], notes: i % 7 == 0 ? [note] : [])
        }
        let back = try BinaryCoder.decode(Holder.self, from: try BinaryCoder.encode(Holder(table: OrderedTable(rows))))
        #expect(Array(back.table.values) == rows)
        #expect(back.table["r1400"] == rows[1400] && back.table["nope"] == nil)
        #expect(back.before == "b" && back.after == "a")
    }

    @Test func fastRowsOutOfOrderOrRepeatedEndAsUpsertLeavesThem() throws {
        let written = [FastRow(id: "b", key: 2), FastRow(id: "a", key: 1), FastRow(id: "b", key: 3)]
        var expected = OrderedTable<FastRow>()
        for row in written { expected.upsert(row) }
        let back = try BinaryCoder.decode(OrderedTable<FastRow>.self, from: try BinaryCoder.encode(written))
        #expect(Array(back.values) == Array(expected.values) && back.values.map(\.id) == ["a", "b"])
        #expect(back["b"]?.key == 3)
    }

    @Test func aDamagedTableThrowsInsteadOfCrashing() throws {
        let rows = (0..<50).map { FastRow(id: "r\($0)", key: $0, tags: [.int(Int64($0))]) }
        let bytes = try BinaryCoder.encode(Holder(table: OrderedTable(rows)))
        for cut in [0, 4, bytes.count / 3, bytes.count / 2, bytes.count - 1] {
            #expect(throws: (any Error).self) { try BinaryCoder.decode(Holder.self, from: Array(bytes[0..<cut])) }
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var damaged = bytes
            damaged[Int.random(in: 0..<damaged.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            _ = try? BinaryCoder.decode(Holder.self, from: damaged)
        }
    }
}

@Suite struct CRC32Tests {
    /// The byte-at-a-time definition the sliced tables must agree with.
    static func reference(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }

    @Test func theCheckValueOfTheStandard() {
        // The CRC-32/ISO-HDLC check value: the CRC of the ASCII digits 1 to 9.
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test func everyLengthAndAlignmentAgreesWithTheDefinition() {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for start in 0..<9 {
            for end in stride(from: start, through: bytes.count, by: 7) {
                let slice = bytes[start..<end]
                #expect(CRC32.checksum(slice) == Self.reference(Array(slice)), "bytes \(start)..<\(end)")
            }
        }
    }
}
