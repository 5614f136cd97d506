// SPDX-License-Identifier: Apache-2.0

/// RFC 4180 CSV read one record at a time: quoted fields with `""` escapes, CRLF or LF line ends, a lone CR
/// ignored, blank lines skipped. Byte-wise (every delimiter is ASCII) and resumable, so that an import can
/// read its file in batches outside the store lock.
struct CSVReader: Sendable, Codable {
    let bytes: [UInt8]
    /// Where the next record starts.
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Whether every record was read (trailing blank lines count as read).
    var isAtEnd: Bool {
        var i = offset
        while i < bytes.count, bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        return i >= bytes.count
    }

    /// The next record that is not a blank line, or nil at the end.
    mutating func next() -> [String]? {
        while offset < bytes.count {
            let record = readRecord()
            if !(record.count == 1 && record[0].isEmpty) { return record }
        }
        return nil
    }

    /// Up to `limit` records.
    mutating func next(_ limit: Int) -> [[String]] {
        var records: [[String]] = []
        records.reserveCapacity(min(limit, 1_024))
        while records.count < limit, let record = next() { records.append(record) }
        return records
    }

    private mutating func readRecord() -> [String] {
        var row: [String] = []
        var field: [UInt8] = []
        var quoted = false
        while offset < bytes.count {
            let c = bytes[offset]
            offset += 1
            if quoted {
                guard c == UInt8(ascii: "\"") else {
                    field.append(c)
                    continue
                }
                // `""` is a quote; any other quote ends the quoted run (the next byte is read as usual).
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") {
                    field.append(c)
                    offset += 1
                } else {
                    quoted = false
                }
                continue
            }
            switch c {
            case UInt8(ascii: "\"") where field.isEmpty: quoted = true
            case UInt8(ascii: ","):
                row.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            case 0x0A:
                row.append(String(decoding: field, as: UTF8.self))
                return row
            case 0x0D: break
            default: field.append(c)
            }
        }
        row.append(String(decoding: field, as: UTF8.self))
        return row
    }
}

/// Whole-text CSV, for callers that want every record at once.
enum CSV {
    static func parse(_ text: String) -> [[String]] {
        var reader = CSVReader(Array(text.utf8))
        return reader.next(.max)
    }
}
