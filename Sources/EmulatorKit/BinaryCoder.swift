// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// A compact binary `Encoder` for the persisted state (`--data-dir`). Foundation's `JSONEncoder` spends most
/// of its time building and escaping text; persisted state is only ever read back by this same program, so a
/// length-prefixed little-endian layout is enough and several times faster.
///
/// Layout: integers are LEB128 varints (signed ones zig-zagged), doubles 8 bytes, strings a varint length
/// then UTF-8. A struct (keyed container) or array (unkeyed) is a frame: a 4-byte length, then its entries;
/// a keyed entry is a varint key id (into the key table written after the payload) then its value.
/// Dictionaries and `[UInt8]` take fast paths (a count then alternating keys and values; one blob). Entries are read back in
/// the order they were written, which is how synthesized `Codable` reads them; a key absent at that point
/// is a nil `decodeIfPresent` (how `encodeIfPresent` of nil is written: not at all).
public enum BinaryCoder {
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        let writer = BinaryWriter()
        try writer.encodeValue(value, depth: 0)
        writer.close(above: -1)
        // Payload, then the key table; the last 4 bytes give the payload's length.
        let payloadCount = writer.bytes.count
        writer.varint(UInt64(writer.keyNames.count))
        for name in writer.keyNames { writer.string(name) }
        writer.fixed32(UInt32(payloadCount))
        return writer.bytes
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let reader = try BinaryReader(bytes)
        return try reader.decodeValue(type, end: reader.payloadEnd)
    }
}

/// A value that is not what the reader expected (truncated or from another layout).
public struct BinaryCoderError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

// MARK: Fast paths

protocol BinaryDictionary {
    func encodeBinary(_ writer: BinaryWriter, depth: Int) throws
    static func decodeBinary(_ reader: BinaryReader, end: Int) throws -> Self
}

extension Dictionary: BinaryDictionary where Key: Codable, Value: Codable {
    func encodeBinary(_ writer: BinaryWriter, depth: Int) throws {
        writer.varint(UInt64(count))
        for (k, v) in self {
            try writer.encodeValue(k, depth: depth)
            try writer.encodeValue(v, depth: depth)
        }
    }
    static func decodeBinary(_ reader: BinaryReader, end: Int) throws -> Self {
        let n = try reader.count(end: end)
        var out = Self(minimumCapacity: n)
        for _ in 0..<n {
            let k = try reader.decodeNested(Key.self, end: end)
            out[k] = try reader.decodeNested(Value.self, end: end)
        }
        return out
    }
}

/// A record with a hand-written layout, for the bulk of the state (stored messages): through `Codable`'s
/// containers a field costs ~250 ns (boxes, dynamic dispatch, a key compare), written directly a few. Fields
/// are written and read in one fixed order; the file's format version covers a change to it.
public protocol BinaryRecord: Codable {
    func write(to out: BinaryRecordWriter) throws
    init(from input: BinaryRecordReader) throws
}

public struct BinaryRecordWriter {
    let writer: BinaryWriter
    let depth: Int

    public func write(_ v: String) { writer.string(v) }
    public func write(_ v: Int64) { writer.zigzag(v) }
    public func write(_ v: Int) { writer.zigzag(Int64(v)) }
    public func write(_ v: Bool) { writer.bytes.append(v ? 1 : 0) }
    public func write(_ v: [String]) {
        writer.varint(UInt64(v.count))
        for s in v { writer.string(s) }
    }
    /// Any other value, through the generic path.
    public func write<T: Encodable>(_ v: T) throws { try writer.encodeValue(v, depth: depth) }
    /// A presence byte, then the value.
    public func write(optional v: String?) {
        writer.bytes.append(v == nil ? 0 : 1)
        if let v { writer.string(v) }
    }
    public func write(optional v: Int64?) {
        writer.bytes.append(v == nil ? 0 : 1)
        if let v { writer.zigzag(v) }
    }
    public func write<T: Encodable>(optional v: T?) throws {
        writer.bytes.append(v == nil ? 0 : 1)
        if let v { try writer.encodeValue(v, depth: depth) }
    }
}

public struct BinaryRecordReader {
    let reader: BinaryReader
    let end: Int

    public func string() throws -> String { try reader.string(end: end) }
    public func int64() throws -> Int64 { try reader.zigzag(end: end) }
    public func int() throws -> Int { Int(truncatingIfNeeded: try reader.zigzag(end: end)) }
    public func bool() throws -> Bool { try reader.byte(end: end) != 0 }
    public func strings() throws -> [String] {
        let n = try reader.count(end: end)
        var out: [String] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try reader.string(end: end)) }
        return out
    }
    public func value<T: Decodable>(_ type: T.Type) throws -> T { try reader.decodeNested(type, end: end) }
    public func optionalString() throws -> String? { try reader.byte(end: end) == 0 ? nil : try string() }
    public func optionalInt64() throws -> Int64? { try reader.byte(end: end) == 0 ? nil : try int64() }
    public func optional<T: Decodable>(_ type: T.Type) throws -> T? {
        try reader.byte(end: end) == 0 ? nil : try reader.decodeNested(type, end: end)
    }
    /// Whether the record's frame is used up: a field added at the end of a layout can then read as absent
    /// from a file written before it, instead of refusing the file.
    public var isAtEnd: Bool { reader.position >= end }

    /// An array written through the generic path (`write(_:)` of an array: a frame, then each element after a
    /// 1 byte). An empty one — most tag, attachment and event lists — is its empty frame, read here without
    /// going through `Codable`'s containers (three of those per stored e-mail were a fifth of its decoding).
    public func array<T: Decodable>(_ type: [T].Type) throws -> [T] {
        let start = reader.position
        if try reader.frame(end: end) == reader.position { return [] }
        reader.position = start
        return try reader.decodeNested(type, end: end)
    }

    /// The records of a table written through the generic path (an `OrderedTable`'s unkeyed frame: a 1 byte,
    /// then each record's frame), each read by `body` within its own frame; `count` first gives how many there
    /// are (a scan of the frame lengths), so that the table is sized once.
    public func records(count: (Int) -> Void, _ body: (BinaryRecordReader) throws -> Void) throws {
        let tableEnd = try reader.frame(end: end)
        let start = reader.position
        var n = 0
        while reader.position < tableEnd {
            guard try reader.byte(end: tableEnd) == 1 else {
                throw BinaryCoderError("unexpected nil at \(reader.position)")
            }
            reader.position = try reader.frame(end: tableEnd)
            n += 1
        }
        count(n)
        reader.position = start
        while reader.position < tableEnd {
            _ = try reader.byte(end: tableEnd)
            let recordEnd = try reader.frame(end: tableEnd)
            try body(BinaryRecordReader(reader: reader, end: recordEnd))
            // A record that read less than its frame holds must not shift the next one.
            reader.position = recordEnd
        }
    }
}

/// A row type whose table decodes in one pass specialized for it: `OrderedTable`'s `Codable` conformance is
/// generic, so in EmulatorKit every row cost unspecialized calls (metadata look-ups, value-witness copies of
/// the whole row) and three passes (decode, check the order, build the index) — most of a million-message
/// start-up. A conforming type implements `decodeBinaryTable` in its own module, where `OrderedTable`'s
/// inlinable methods specialize, typically as `try OrderedTable<Self>.decodeBinaryRows(input)`.
/// The layout is the generic one, so files written before it read the same.
public protocol BinaryTableRow: BinaryRecord, OrderedRow {
    /// The table in `input` (its frame starts at the reader's position), as an `OrderedTable<Self>`.
    static func decodeBinaryTable(_ input: BinaryRecordReader) throws -> Any
}

extension OrderedTable where Row: BinaryRecord {
    /// The rows of a table as `OrderedTable`'s `encode(to:)` wrote them through `BinaryCoder`, each stored as
    /// `upsert` would (in key order they append, so the table and its index are built in the one pass).
    @inlinable
    public static func decodeBinaryRows(_ input: BinaryRecordReader) throws -> Self {
        var table = Self()
        try input.records(count: { table.reserveCapacity($0) }, { table.upsert(try Row(from: $0)) })
        return table
    }
}

extension BinaryRecordReader {
    /// A fast table decoding for `decoder` when it is this coder's and the rows are a `BinaryTableRow`.
    static func decodeTable<Row>(_ decoder: any Decoder, as: OrderedTable<Row>.Type) throws -> OrderedTable<Row>? {
        guard let d = decoder as? BinaryDecoderImpl, let fast = Row.self as? any BinaryTableRow.Type else {
            return nil
        }
        let start = d.reader.position
        let tableEnd = try d.reader.frame(end: d.end)
        d.reader.position = start
        let decoded = try fast.decodeBinaryTable(BinaryRecordReader(reader: d.reader, end: d.end))
        guard let table = decoded as? OrderedTable<Row> else {
            throw BinaryCoderError("table of \(Row.self) decoded as another type")
        }
        d.frame?.end = tableEnd
        d.reader.position = tableEnd
        return table
    }
}

/// How the coder writes a type, remembered per type: a protocol-conformance cast costs a runtime lookup, and
/// the coder would otherwise make two for every struct value it writes or reads.
struct TypeKinds {
    enum Kind {
        case plain
        case dictionary(any BinaryDictionary.Type)
        case record(any BinaryRecord.Type)
    }
    private var known: [ObjectIdentifier: Kind] = [:]

    mutating func kind(_ type: Any.Type) -> Kind {
        let id = ObjectIdentifier(type)
        if let hit = known[id] { return hit }
        let found: Kind
        if let d = type as? any BinaryDictionary.Type {
            found = .dictionary(d)
        } else if let r = type as? any BinaryRecord.Type {
            found = .record(r)
        } else {
            found = .plain
        }
        known[id] = found
        return found
    }
}

// MARK: Writer

final class BinaryWriter {
    var bytes: [UInt8] = []
    var keyIDs: [String: Int] = [:]
    var keyNames: [String] = []
    /// Frames whose length is not patched yet: (offset of the length, depth of the container).
    var open: [(start: Int, depth: Int)] = []
    var kinds = TypeKinds()

    init() { bytes.reserveCapacity(1 << 16) }

    func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
    func zigzag(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
    func signed<I: BinaryInteger>(_ v: I) { zigzag(Int64(truncatingIfNeeded: v)) }
    func unsigned<I: BinaryInteger>(_ v: I) { varint(UInt64(truncatingIfNeeded: v)) }
    func fixed32(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }
    func fixed64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }
    func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }
    func key(_ key: some CodingKey) {
        let name = key.stringValue
        if let id = keyIDs[name] {
            varint(UInt64(id))
        } else {
            keyIDs[name] = keyNames.count
            varint(UInt64(keyNames.count))
            keyNames.append(name)
        }
    }

    /// JSON values (request bodies, stored resources) are most of the state: tagged, without `Codable`.
    func json(_ v: JSON) {
        switch v {
        case .null: bytes.append(0)
        case .bool(let b): bytes.append(b ? 2 : 1)
        case .int(let i):
            bytes.append(3)
            zigzag(i)
        case .double(let d):
            bytes.append(4)
            fixed64(d.bitPattern)
        case .string(let s):
            bytes.append(5)
            string(s)
        case .array(let a):
            bytes.append(6)
            varint(UInt64(a.count))
            for e in a { json(e) }
        case .object(let o):
            bytes.append(7)
            object(o)
        }
    }
    func object(_ o: JSONObject) {
        varint(UInt64(o.count))
        for (k, v) in o.entries {
            string(k)
            json(v)
        }
    }

    /// Patches the lengths of frames deeper than `depth`: a container's frame ends when its parent writes
    /// again (or the value that opened it is done).
    func close(above depth: Int) {
        while let last = open.last, last.depth > depth {
            open.removeLast()
            let length = UInt32(bytes.count - last.start - 4).littleEndian
            withUnsafeBytes(of: length) { raw in
                for i in 0..<4 { bytes[last.start + i] = raw[i] }
            }
        }
    }
    func beginFrame(depth: Int) {
        open.append((bytes.count, depth))
        bytes.append(contentsOf: [0, 0, 0, 0])
    }

    /// Writes `value` as seen from a container at `depth`.
    func encodeValue<T: Encodable>(_ value: T, depth: Int) throws {
        close(above: depth)
        // Fast paths chosen on the static type: a dynamic cast (`value as? Int64`) would also unwrap an
        // `Optional<Int64>`, whose reader expects the optional's marker.
        if T.self == String.self {
            string(value as! String)
        } else if T.self == Int.self {
            zigzag(Int64(value as! Int))
        } else if T.self == Int64.self {
            zigzag(value as! Int64)
        } else if T.self == Bool.self {
            bytes.append((value as! Bool) ? 1 : 0)
        } else if T.self == Double.self {
            fixed64((value as! Double).bitPattern)
        } else if T.self == Float.self {
            fixed32((value as! Float).bitPattern)
        } else if T.self == JSON.self {
            json(value as! JSON)
        } else if T.self == JSONObject.self {
            object(value as! JSONObject)
        } else if T.self == [UInt8].self {
            let v = value as! [UInt8]
            varint(UInt64(v.count))
            bytes.append(contentsOf: v)
        } else if T.self == UInt64.self {
            varint(value as! UInt64)
        } else if T.self == UInt8.self || T.self == UInt16.self || T.self == UInt32.self || T.self == UInt.self {
            let v: any BinaryInteger = value as! any BinaryInteger
            unsigned(v)
        } else if T.self == Int8.self || T.self == Int16.self || T.self == Int32.self {
            let v: any BinaryInteger = value as! any BinaryInteger
            signed(v)
        } else {
            switch kinds.kind(T.self) {
            case .dictionary:
                beginFrame(depth: depth + 1)
                try (value as! any BinaryDictionary).encodeBinary(self, depth: depth + 1)
            case .record:
                beginFrame(depth: depth + 1)
                try (value as! any BinaryRecord).write(to: BinaryRecordWriter(writer: self, depth: depth + 1))
            case .plain:
                try value.encode(to: BinaryEncoderImpl(writer: self, depth: depth + 1))
            }
        }
        close(above: depth)
    }
}

struct BinaryEncoderImpl: Encoder {
    let writer: BinaryWriter
    let depth: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        writer.close(above: depth - 1)
        writer.beginFrame(depth: depth)
        return KeyedEncodingContainer(KeyedWriter<Key>(writer: writer, depth: depth))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.close(above: depth - 1)
        writer.beginFrame(depth: depth)
        return UnkeyedWriter(writer: writer, depth: depth)
    }
    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleWriter(writer: writer, depth: depth - 1)
    }
}

struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: BinaryWriter
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws {}
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        writer.close(above: depth)
        writer.key(key)
        try writer.encodeValue(value, depth: depth)
    }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        writer.close(above: depth)
        writer.key(key)
        return BinaryEncoderImpl(writer: writer, depth: depth + 1).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        writer.close(above: depth)
        writer.key(key)
        return BinaryEncoderImpl(writer: writer, depth: depth + 1).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { BinaryEncoderImpl(writer: writer, depth: depth + 1) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        writer.close(above: depth)
        writer.key(key)
        return BinaryEncoderImpl(writer: writer, depth: depth + 1)
    }
}

/// Elements of an unkeyed container; each is preceded by a 1 byte so that the reader can tell the end.
struct UnkeyedWriter: UnkeyedEncodingContainer {
    let writer: BinaryWriter
    let depth: Int
    var codingPath: [any CodingKey] { [] }
    var count = 0

    mutating func encodeNil() throws {
        writer.close(above: depth)
        writer.bytes.append(0)
        count += 1
    }
    mutating func encode<T: Encodable>(_ value: T) throws {
        writer.close(above: depth)
        writer.bytes.append(1)
        try writer.encodeValue(value, depth: depth)
        count += 1
    }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        writer.close(above: depth)
        writer.bytes.append(1)
        count += 1
        return BinaryEncoderImpl(writer: writer, depth: depth + 1).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.close(above: depth)
        writer.bytes.append(1)
        count += 1
        return BinaryEncoderImpl(writer: writer, depth: depth + 1).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder {
        writer.close(above: depth)
        writer.bytes.append(1)
        count += 1
        return BinaryEncoderImpl(writer: writer, depth: depth + 1)
    }
}

struct SingleWriter: SingleValueEncodingContainer {
    let writer: BinaryWriter
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    /// A marker byte first, so that an `Optional` read back through `decodeNil()` tells nil from a value.
    mutating func encodeNil() throws { writer.bytes.append(0) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        writer.bytes.append(1)
        try writer.encodeValue(value, depth: depth)
    }
}

// MARK: Reader

final class BinaryReader {
    let bytes: [UInt8]
    var position = 0
    let payloadEnd: Int
    var keyNames: [String] = []
    var kinds = TypeKinds()

    init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        guard bytes.count >= 4 else { throw BinaryCoderError("state too short") }
        var n: UInt32 = 0
        for i in 0..<4 { n |= UInt32(bytes[bytes.count - 4 + i]) << (8 * i) }
        guard Int(n) <= bytes.count - 4 else { throw BinaryCoderError("bad payload length") }
        payloadEnd = Int(n)
        position = payloadEnd
        let tableEnd = bytes.count - 4
        let keys = try count(end: tableEnd)
        keyNames.reserveCapacity(keys)
        for _ in 0..<keys { keyNames.append(try string(end: tableEnd)) }
        position = 0
    }

    func byte(end: Int) throws -> UInt8 {
        guard position < end else { throw BinaryCoderError("truncated value at byte \(position)") }
        defer { position += 1 }
        return bytes[position]
    }
    func varint(end: Int) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte(end: end)
            guard shift < 64 else { throw BinaryCoderError("bad integer at byte \(position)") }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }
    func zigzag(end: Int) throws -> Int64 {
        let u = try varint(end: end)
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }
    func count(end: Int) throws -> Int {
        let n = try varint(end: end)
        guard n <= UInt64(end - position) else { throw BinaryCoderError("bad length at byte \(position)") }
        return Int(n)
    }
    func fixed(_ n: Int, end: Int) throws -> UInt64 {
        guard end - position >= n else { throw BinaryCoderError("truncated value at byte \(position)") }
        var v: UInt64 = 0
        for i in 0..<n { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += n
        return v
    }
    func string(end: Int) throws -> String {
        let n = try count(end: end)
        defer { position += n }
        return String(decoding: bytes[position..<position + n], as: UTF8.self)
    }
    func json(end: Int, depth: Int) throws -> JSON {
        guard depth < 1000 else { throw BinaryCoderError("JSON nested too deep at byte \(position)") }
        switch try byte(end: end) {
        case 0: return .null
        case 1: return .bool(false)
        case 2: return .bool(true)
        case 3: return .int(try zigzag(end: end))
        case 4: return .double(Double(bitPattern: try fixed(8, end: end)))
        case 5: return .string(try string(end: end))
        case 6:
            let n = try count(end: end)
            var a: [JSON] = []
            a.reserveCapacity(n)
            for _ in 0..<n { a.append(try json(end: end, depth: depth + 1)) }
            return .array(a)
        case 7: return .object(try object(end: end, depth: depth + 1))
        case let tag: throw BinaryCoderError("bad JSON tag \(tag) at byte \(position - 1)")
        }
    }
    func object(end: Int, depth: Int) throws -> JSONObject {
        let n = try count(end: end)
        var entries: [(String, JSON)] = []
        entries.reserveCapacity(n)
        for _ in 0..<n { entries.append((try string(end: end), try json(end: end, depth: depth))) }
        return JSONObject(entries)
    }

    /// Opens a frame: returns its end.
    func frame(end: Int) throws -> Int {
        let n = Int(try fixed(4, end: end))
        guard n <= end - position else { throw BinaryCoderError("bad frame length at byte \(position)") }
        return position + n
    }

    func decodeValue<T: Decodable>(_ type: T.Type, end: Int) throws -> T {
        try decodeNested(type, end: end)
    }

    /// Reads a value within `end`.
    func decodeNested<T: Decodable>(_ type: T.Type, end: Int) throws -> T {
        if T.self == String.self { return try string(end: end) as! T }
        if T.self == Int.self { return Int(truncatingIfNeeded: try zigzag(end: end)) as! T }
        if T.self == Int64.self { return try zigzag(end: end) as! T }
        if T.self == Bool.self { return (try byte(end: end) != 0) as! T }
        if T.self == Double.self { return Double(bitPattern: try fixed(8, end: end)) as! T }
        if T.self == JSON.self { return try json(end: end, depth: 0) as! T }
        if T.self == JSONObject.self { return try object(end: end, depth: 0) as! T }
        if T.self == [UInt8].self {
            let n = try count(end: end)
            defer { position += n }
            return Array(bytes[position..<position + n]) as! T
        }
        if T.self == UInt64.self { return try varint(end: end) as! T }
        if T.self == UInt8.self || T.self == UInt16.self || T.self == UInt32.self || T.self == UInt.self {
            let t = T.self as! any (FixedWidthInteger & UnsignedInteger).Type
            return try Self.makeUnsigned(t, try varint(end: end)) as! T
        }
        if T.self == Int8.self || T.self == Int16.self || T.self == Int32.self {
            let t = T.self as! any (FixedWidthInteger & SignedInteger).Type
            return try Self.makeSigned(t, try zigzag(end: end)) as! T
        }
        if T.self == Float.self { return Float(bitPattern: UInt32(try fixed(4, end: end))) as! T }
        switch kinds.kind(T.self) {
        case .dictionary(let d):
            let frameEnd = try frame(end: end)
            let value = try d.decodeBinary(self, end: frameEnd)
            position = frameEnd
            return value as! T
        case .record(let r):
            let frameEnd = try frame(end: end)
            let value = try r.init(from: BinaryRecordReader(reader: self, end: frameEnd))
            position = frameEnd
            return value as! T
        case .plain: break
        }
        let frame = FrameEnd()
        let value = try T(from: BinaryDecoderImpl(reader: self, end: end, frame: frame))
        // A value that read less than its frame holds must not shift what follows.
        if let e = frame.end { position = e }
        return value
    }

    static func makeSigned<I: FixedWidthInteger & SignedInteger>(_ t: I.Type, _ v: Int64) throws -> I {
        guard let i = I(exactly: v) else { throw BinaryCoderError("integer \(v) out of range") }
        return i
    }
    static func makeUnsigned<I: FixedWidthInteger & UnsignedInteger>(_ t: I.Type, _ v: UInt64) throws -> I {
        guard let i = I(exactly: v) else { throw BinaryCoderError("integer \(v) out of range") }
        return i
    }
}

/// Where the frame of the container a decoder opened ends (set when it opens one).
final class FrameEnd {
    var end: Int?
}

struct BinaryDecoderImpl: Decoder {
    let reader: BinaryReader
    let end: Int
    var frame: FrameEnd?
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let frameEnd = try reader.frame(end: end)
        frame?.end = frameEnd
        return KeyedDecodingContainer(KeyedReader<Key>(reader: reader, end: frameEnd))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let frameEnd = try reader.frame(end: end)
        frame?.end = frameEnd
        return UnkeyedReader(reader: reader, end: frameEnd)
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleReader(reader: reader, end: end)
    }
}

/// Reads entries in order; `end` is the frame's end, where the reader is put back after every nested value so
/// that a value that read less than it holds does not shift the rest.
struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let reader: BinaryReader
    let end: Int
    var codingPath: [any CodingKey] { [] }

    /// The key of the next entry, without consuming it.
    private func peekKey() -> String? {
        guard reader.position < end else { return nil }
        let saved = reader.position
        defer { reader.position = saved }
        guard let id = try? reader.varint(end: end), id < UInt64(reader.keyNames.count) else { return nil }
        return reader.keyNames[Int(id)]
    }
    private func take(_ key: Key) throws -> Bool {
        guard peekKey() == key.stringValue else { return false }
        _ = try reader.varint(end: end)
        return true
    }
    private func require(_ key: Key) throws {
        guard try take(key) else {
            throw BinaryCoderError("missing \(key.stringValue) at byte \(reader.position)")
        }
    }

    var allKeys: [Key] { peekKey().flatMap { Key(stringValue: $0) }.map { [$0] } ?? [] }
    func contains(_ key: Key) -> Bool { peekKey() == key.stringValue }
    func decodeNil(forKey key: Key) throws -> Bool { !contains(key) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try require(key)
        return try reader.decodeNested(type, end: end)
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard try take(key) else { return nil }
        return try reader.decodeNested(type, end: end)
    }
    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try require(key)
        return try BinaryDecoderImpl(reader: reader, end: end).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try require(key)
        return try BinaryDecoderImpl(reader: reader, end: end).unkeyedContainer()
    }
    func superDecoder() throws -> any Decoder { BinaryDecoderImpl(reader: reader, end: end) }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        try require(key)
        return BinaryDecoderImpl(reader: reader, end: end)
    }
}

struct UnkeyedReader: UnkeyedDecodingContainer {
    let reader: BinaryReader
    let end: Int
    var codingPath: [any CodingKey] { [] }
    var count: Int? { nil }
    var currentIndex = 0
    var isAtEnd: Bool { reader.position >= end }

    mutating func decodeNil() throws -> Bool {
        guard reader.position < end, reader.bytes[reader.position] == 0 else { return false }
        reader.position += 1
        currentIndex += 1
        return true
    }
    private mutating func next() throws {
        guard try reader.byte(end: end) == 1 else { throw BinaryCoderError("unexpected nil at \(reader.position)") }
        currentIndex += 1
    }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next()
        return try reader.decodeNested(type, end: end)
    }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try next()
        return try BinaryDecoderImpl(reader: reader, end: end).container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next()
        return try BinaryDecoderImpl(reader: reader, end: end).unkeyedContainer()
    }
    mutating func superDecoder() throws -> any Decoder {
        try next()
        return BinaryDecoderImpl(reader: reader, end: end)
    }
}

struct SingleReader: SingleValueDecodingContainer {
    let reader: BinaryReader
    let end: Int
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool {
        guard reader.position < end, reader.bytes[reader.position] == 0 else { return false }
        reader.position += 1
        return true
    }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard try reader.byte(end: end) == 1 else { throw BinaryCoderError("unexpected nil at \(reader.position)") }
        return try reader.decodeNested(type, end: end)
    }
}
