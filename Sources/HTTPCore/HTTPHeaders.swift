// SPDX-License-Identifier: Apache-2.0

/// An ordered list of header fields. Names compare case-insensitively (RFC 9110 §5.1); the order and the
/// spelling given by the sender are kept, because emulated vendors echo headers back as they were sent.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (name: String, value: String)
    public private(set) var fields: [Element]

    public init() { fields = [] }
    public init(_ fields: [(String, String)]) { self.fields = fields.map { (name: $0.0, value: $0.1) } }
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }
    public func makeIterator() -> IndexingIterator<[Element]> { fields.makeIterator() }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        get {
            for field in fields where Self.equalNames(field.name, name) { return field.value }
            return nil
        }
        set {
            if let newValue { replaceOrAdd(name: name, value: newValue) } else { remove(name: name) }
        }
    }

    /// Every value of `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.equalNames($0.name, name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    public mutating func add(name: String, value: String) { fields.append((name: name, value: value)) }

    /// Sets `name` to the single value `value`: a field that occurs once is replaced where it stands; with
    /// several (or none) they are removed and the field is appended.
    public mutating func replaceOrAdd(name: String, value: String) {
        // Usually the field is absent or there once (a handler's Content-Type that a middleware refines):
        // neither needs `removeAll(where:)`, which rebuilds the array.
        guard let first = fields.firstIndex(where: { Self.equalNames($0.name, name) }) else {
            fields.append((name: name, value: value))
            return
        }
        if !fields[(first + 1)...].contains(where: { Self.equalNames($0.name, name) }) {
            fields[first] = (name: name, value: value)
            return
        }
        remove(name: name)
        fields.append((name: name, value: value))
    }

    public mutating func remove(name: String) { fields.removeAll { Self.equalNames($0.name, name) } }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { equalNames($0.name, $1.name) && $0.value == $1.value }
    }

    /// ASCII case-insensitive comparison over contiguous bytes, without allocating: every header lookup runs
    /// it against each field.
    @inlinable
    public static func equalNames(_ a: String, _ b: String) -> Bool {
        if a.utf8.count != b.utf8.count { return false }
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                for i in 0..<x.count where x[i] != y[i] {
                    // Different bytes match only as the two cases of one ASCII letter.
                    let lower = x[i] | 0x20
                    if lower != y[i] | 0x20 || lower < UInt8(ascii: "a") || lower > UInt8(ascii: "z") { return false }
                }
                return true
            }
        }
    }

    /// Reserves room for `n` fields (a handler that knows how many headers it adds).
    public mutating func reserveCapacity(_ n: Int) { fields.reserveCapacity(n) }
}

extension HTTPHeaders {
    /// The media type of `Content-Type` without parameters, lower-cased (`application/json`), or nil.
    public var mediaType: String? {
        guard let value = self["Content-Type"] else { return nil }
        let base = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let trimmed = base.trimmingSpaces()
        return trimmed.isEmpty ? nil : trimmed.lowercased()
    }
}

extension StringProtocol {
    /// True when the string is empty or only spaces and tabs: `trimmingSpaces().isEmpty` without building
    /// the trimmed copy.
    @inlinable  // specialized where used: the generic version looked up metadata on every call
    public var isBlank: Bool { utf8.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") } }

    /// The string without leading and trailing spaces and tabs (optional whitespace, RFC 9110 §5.6.3).
    /// Byte-wise, and specialized where it is used: request headers and bodies are trimmed on hot paths.
    @inlinable
    public func trimmingSpaces() -> String {
        let text = Substring(self)
        let utf8 = text.utf8
        guard let start = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
            let end = utf8.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })
        else { return "" }
        return String(text[start...end])
    }
}

extension String {
    /// `trimmingSpaces()` that returns the string itself, without a copy, when there is nothing to trim.
    @inlinable
    public func trimmingSpaces() -> String {
        guard let first = utf8.first, let last = utf8.last,
            first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09
        else { return self }
        return Substring(self).trimmingSpaces()
    }
}
