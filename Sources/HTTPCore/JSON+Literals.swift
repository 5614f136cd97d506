// SPDX-License-Identifier: Apache-2.0

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
}

extension JSON {
    /// `.string(s)` or `.null` when nil.
    public static func string(_ s: String?) -> JSON { s.map { .string($0) } ?? .null }
    /// `.int(i)` or `.null` when nil.
    public static func int(_ i: Int?) -> JSON { i.map { .int(Int64($0)) } ?? .null }
    /// `.bool(b)` or `.null` when nil.
    public static func bool(_ b: Bool?) -> JSON { b.map { .bool($0) } ?? .null }
}
