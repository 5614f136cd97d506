// SPDX-License-Identifier: Apache-2.0

/// Why a body is not JSON, with the byte offset where parsing stopped.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var description: String { "\(message) at offset \(offset)" }
}

extension JSON {
    /// Parses UTF-8 bytes strictly (RFC 8259): one value, optional surrounding whitespace, depth ≤ 512.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONError) -> JSON {
        try parse(Array(bytes))
    }

    /// A request body is already an array: no copy (the generic form, called across modules, copied it
    /// element by element).
    public static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSON {
        var parser = JSONParser(bytes: bytes)
        return try parser.parseDocument()
    }

    public static func parse(_ text: String) throws(JSONError) -> JSON { try parse(Array(text.utf8)) }
}

struct JSONParser {
    let bytes: [UInt8]
    var i = 0
    var depth = 0
    static let maxDepth = 512

    init(bytes: [UInt8]) { self.bytes = bytes }

    func fail(_ message: String) -> JSONError { JSONError(message: message, offset: i) }

    mutating func skipWhitespace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    mutating func parseDocument() throws(JSONError) -> JSON {
        // A UTF-8 byte order mark is tolerated (RFC 8259 §8.1 allows ignoring it).
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if i != bytes.count { throw fail("Unexpected data after the JSON value") }
        return value
    }

    mutating func parseValue() throws(JSONError) -> JSON {
        guard i < bytes.count else { throw fail("Unexpected end of JSON input") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("Unexpected character '\(Character(Unicode.Scalar(bytes[i])))'")
        }
    }

    mutating func expectLiteral(_ word: String) throws(JSONError) {
        for c in word.utf8 {
            guard i < bytes.count, bytes[i] == c else { throw fail("Invalid literal") }
            i += 1
        }
    }

    mutating func enter() throws(JSONError) {
        depth += 1
        if depth > JSONParser.maxDepth { throw fail("JSON nested too deeply") }
    }

    mutating func parseObject() throws(JSONError) -> JSON {
        try enter()
        i += 1
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return .object(JSONObject())
        }
        var entries: [(key: String, value: JSON)] = []
        entries.reserveCapacity(8)  // one allocation, not four
        // A repeated key: the last value wins at the first one's position, as in most parsers. Small objects
        // check earlier keys by a scan; past the threshold a hash index keeps a large object linear.
        var index: JSONKeyIndex?
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("Expected a string key") }
            let key = try parseString()
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("Expected ':'") }
            i += 1
            skipWhitespace()
            let value = try parseValue()
            if index != nil {
                if let at = index!.insert(key, at: entries.count, in: entries) {
                    entries[at].value = value
                } else {
                    entries.append((key: key, value: value))
                }
            } else if let at = entries.firstIndex(where: { $0.key == key }) {
                entries[at].value = value
            } else {
                entries.append((key: key, value: value))
                if entries.count > JSONObject.indexThreshold { index = JSONKeyIndex(entries, capacity: 256) }
            }
            skipWhitespace()
            guard i < bytes.count else { throw fail("Unexpected end of JSON input") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if bytes[i] == UInt8(ascii: "}") {
                i += 1
                break
            }
            throw fail("Expected ',' or '}'")
        }
        depth -= 1
        return .object(JSONObject(distinctEntries: entries, index: index))
    }

    mutating func parseArray() throws(JSONError) -> JSON {
        try enter()
        i += 1
        var array: [JSON] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return .array(array)
        }
        while true {
            skipWhitespace()
            array.append(try parseValue())
            skipWhitespace()
            guard i < bytes.count else { throw fail("Unexpected end of JSON input") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if bytes[i] == UInt8(ascii: "]") {
                i += 1
                break
            }
            throw fail("Expected ',' or ']'")
        }
        depth -= 1
        return .array(array)
    }

    mutating func parseString() throws(JSONError) -> String {
        i += 1  // opening quote
        // Fast path, nearly every string of an API body: no escape, so the text is the bytes between the
        // quotes. Growing a byte array one append at a time cost ~4 allocations per string.
        let start = i
        var ascii = true
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                let end = i
                i += 1
                // ASCII needs no validation: decoding it is a copy. `String(validating:)` on an array slice
                // was not specialized and looked up generic metadata at run time on every string.
                if ascii { return bytes.withUnsafeBufferPointer { String(decoding: $0[start..<end], as: UTF8.self) } }
                guard let s = String(validating: bytes[start..<end], as: UTF8.self) else {
                    i = end
                    throw fail("Invalid UTF-8 in string")
                }
                return s
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { break }
            if c >= 0x80 { ascii = false }
            i += 1
        }
        var out: [UInt8] = []
        out.reserveCapacity(i - start + 16)
        out.append(contentsOf: bytes[start..<i])
        while true {
            guard i < bytes.count else { throw fail("Unterminated string") }
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                break
            }
            if c < 0x20 { throw fail("Control character in string") }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                i += 1
                continue
            }
            i += 1
            guard i < bytes.count else { throw fail("Unterminated escape") }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    if i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                        i += 2
                        let low = try parseHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("Invalid surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00..<0xE000).contains(scalar) {
                    scalar = 0xFFFD
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
            default: throw fail("Invalid escape")
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw fail("Invalid UTF-8 in string") }
        return s
    }

    mutating func parseHex4() throws(JSONError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("Invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let h = URLCoding.hexValue(bytes[i]) else { throw fail("Invalid \\u escape") }
            v = v << 4 | UInt32(h)
            i += 1
        }
        return v
    }

    mutating func parseNumber() throws(JSONError) -> JSON {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 else { throw fail("Invalid number") }
        if bytes[i] == 0x30 {
            i += 1
        } else {
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
        }
        var isInteger = true
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            guard i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 else { throw fail("Invalid number") }
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 else { throw fail("Invalid number") }
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
        }
        // Up to 18 digits cannot overflow Int64: read them directly, without making a String.
        let negative = bytes[start] == UInt8(ascii: "-")
        if isInteger, i - start - (negative ? 1 : 0) <= 18 {
            var v: Int64 = 0
            for k in (negative ? start + 1 : start)..<i { v = v &* 10 &+ Int64(bytes[k] &- 0x30) }
            return .int(negative ? -v : v)
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if isInteger, let v = Int64(text) { return .int(v) }
        // RFC 8259 §6 has no infinity: `1e999` would come back as `null` when serialized.
        guard let d = Double(text) else { throw fail("Invalid number") }
        guard d.isFinite else { throw fail("Number out of range") }
        return .double(d)
    }
}
