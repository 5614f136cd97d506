// SPDX-License-Identifier: Apache-2.0

// `Codable` for the EmulatorKit types vendor state holds, so that vendors persist it (`--data-dir`) with
// synthesized conformances. Each is written as its smallest faithful value; what is derived is rebuilt.

/// The id alone; the hash is recomputed (Swift seeds `hashValue` per process, so a stored one means nothing).
extension HashedKey: Codable {
    public init(from decoder: any Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(id)
    }
}

extension Timestamp: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(millis: try decoder.singleValueContainer().decode(Int64.self))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(millis)
    }
}

/// The live rows in order; the index is rebuilt on decode (appending in key order is O(1) a row).
extension OrderedTable: Codable where Row: Codable {
    public init(from decoder: any Decoder) throws {
        if let table = try BinaryRecordReader.decodeTable(decoder, as: Self.self) {
            self = table
            return
        }
        self.init()
        var c = try decoder.unkeyedContainer()
        var rows: [Row] = []
        while !c.isAtEnd { rows.append(try c.decode(Row.self)) }
        // Written in key order: taken as they are, the index built once at its final size (a million rows
        // inserted one by one spent most of a start-up growing it). Anything else goes in row by row.
        if zip(rows, rows.dropFirst()).allSatisfy({ !($1.orderKey < $0.orderKey) }) {
            index.reserveCapacity(rows.count)
            for (slot, row) in rows.enumerated() { index[row.rowID] = slot }
            if index.count == rows.count {
                storage = rows
                rebuildTerms()
                return
            }
            index = [:]
        }
        for row in rows { self[row.rowID] = row }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        for row in values { try c.encode(row) }
    }
}
