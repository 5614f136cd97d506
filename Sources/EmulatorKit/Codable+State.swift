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
        self.init()
        var c = try decoder.unkeyedContainer()
        while !c.isAtEnd {
            let row = try c.decode(Row.self)
            self[row.rowID] = row
        }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        for row in values { try c.encode(row) }
    }
}
