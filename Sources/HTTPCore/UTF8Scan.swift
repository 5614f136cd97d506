// SPDX-License-Identifier: Apache-2.0

/// Byte scans over a string's UTF-8 form that run on its contiguous storage when it has one (every native
/// string and its substrings): the generic `utf8.contains(where:)` / `allSatisfy` walk checks an index on every
/// step and costs about ten times as much per byte, and these run on request paths for every field.
extension StringProtocol {
    /// Whether some UTF-8 byte satisfies `predicate`.
    @inlinable
    public func utf8Contains(where predicate: (UInt8) -> Bool) -> Bool {
        if let found = utf8.withContiguousStorageIfAvailable({ $0.contains(where: predicate) }) { return found }
        return utf8.contains(where: predicate)
    }

    /// Whether every UTF-8 byte satisfies `predicate` (true for an empty string).
    @inlinable
    public func utf8AllSatisfy(_ predicate: (UInt8) -> Bool) -> Bool {
        !utf8Contains { !predicate($0) }
    }

    /// The offset in UTF-8 bytes of the first `byte`, or nil.
    @inlinable
    public func utf8FirstOffset(of byte: UInt8) -> Int? {
        if let found = utf8.withContiguousStorageIfAvailable({ $0.firstIndex(of: byte) }) { return found }
        guard let i = utf8.firstIndex(of: byte) else { return nil }
        return utf8.distance(from: utf8.startIndex, to: i)
    }
}

extension String {
    /// The offset in UTF-8 bytes of the last `byte`, or nil.
    @inlinable
    public func utf8LastOffset(of byte: UInt8) -> Int? {
        if let found = utf8.withContiguousStorageIfAvailable({ $0.lastIndex(of: byte) }) { return found }
        guard let i = utf8.lastIndex(of: byte) else { return nil }
        return utf8.distance(from: utf8.startIndex, to: i)
    }
}
