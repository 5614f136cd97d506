// SPDX-License-Identifier: Apache-2.0

/// Percent-encoding (RFC 3986 §2.1), form encoding (WHATWG `application/x-www-form-urlencoded`) and
/// matrix parameters (`;name=value` on a path segment, RFC 3986 §3.3).
public enum URLCoding {
    /// Decodes `%XX` escapes. `+` becomes a space only when `plusAsSpace` (queries and forms); in a path
    /// `+` stays `+`. Malformed escapes are kept literally; invalid UTF-8 is repaired with U+FFFD.
    @inlinable  // specialized in the vendor modules that call it on every request
    public static func percentDecode(_ s: some StringProtocol, plusAsSpace: Bool = false) -> String {
        // Most segments and query values have nothing to decode: answer without copying the bytes first.
        if !s.utf8Contains(where: { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == UInt8(ascii: "+")) }) {
            return String(s)
        }
        let utf8 = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var i = 0
        while i < utf8.count {
            let c = utf8[i]
            if c == UInt8(ascii: "%"), i + 2 < utf8.count, let h = hexValue(utf8[i + 1]), let l = hexValue(utf8[i + 2])
            {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(plusAsSpace && c == UInt8(ascii: "+") ? UInt8(ascii: " ") : c)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters.
    public static func percentEncode(_ s: some StringProtocol) -> String {
        var out: [UInt8] = []
        let hex = Array("0123456789ABCDEF".utf8)
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(c)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(c >> 4)])
                out.append(hex[Int(c & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses `a=1&b=two+words&flag` into decoded pairs; a name without `=` has the value "".
    public static func parseForm(_ s: some StringProtocol) -> [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        // Bytes, not Characters: a combining mark after `&` or `=` would fuse with it into one grapheme.
        for part in String(s).utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let eq = part.firstIndex(of: UInt8(ascii: "=")) {
                items.append(
                    (
                        name: percentDecode(Substring(part[..<eq]), plusAsSpace: true),
                        value: percentDecode(Substring(part[part.index(after: eq)...]), plusAsSpace: true)
                    )
                )
            } else {
                items.append((name: percentDecode(Substring(part), plusAsSpace: true), value: ""))
            }
        }
        return items
    }

    /// Encodes pairs as a form body / query string.
    public static func encodeForm(_ items: [(String, String)]) -> String {
        items.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&")
    }

    /// One path segment: its decoded name and its decoded matrix parameters.
    public struct Segment: Sendable, Equatable {
        public var name: String
        public var matrix: [String: String]
    }

    /// Splits a raw path (`/545/messages;daterange=a,b`) into decoded segments. The leading `/` gives no
    /// segment; a trailing `/` is ignored; `+` stays `+`.
    public static func pathSegments(_ rawPath: some StringProtocol) -> [Segment] {
        var segments: [Segment] = []
        // Split on the bytes `/`, `;` and `=`, as `pathNames` does, not on Characters: a combining mark after a
        // separator fuses with it into one grapheme, which hid the separator (found by the `url` fuzz target).
        for raw in String(rawPath).utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            let parts = raw.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)
            var matrix: [String: String] = [:]
            for p in parts.dropFirst() where !p.isEmpty {
                if let eq = p.firstIndex(of: UInt8(ascii: "=")) {
                    matrix[percentDecode(Substring(p[..<eq]))] = percentDecode(Substring(p[p.index(after: eq)...]))
                } else {
                    matrix[percentDecode(Substring(p))] = ""
                }
            }
            segments.append(Segment(name: percentDecode(Substring(parts[0])), matrix: matrix))
        }
        return segments
    }

    /// The decoded segment names of a raw path, matrix parameters dropped (`/545/messages;x=1` →
    /// `["545", "messages"]`): what routing needs, in one pass and one array, without the per-segment
    /// matrix dictionaries of `pathSegments`. `limit` stops after that many names (a middleware that only
    /// needs the account id does not decode the rest).
    @inlinable  // specialised in the caller's module: routing calls it on every request
    public static func pathNames(_ rawPath: some StringProtocol, limit: Int = .max) -> [String] {
        // Split over contiguous bytes: native strings (what the codecs produce) are, and anything else is copied
        // once. A walk of the generic UTF8View costs about ten times as much per byte (index checks each step).
        if let names = rawPath.utf8.withContiguousStorageIfAvailable({ pathNames(bytes: $0, limit: limit) }) {
            return names
        }
        return Array(rawPath.utf8).withUnsafeBufferPointer { pathNames(bytes: $0, limit: limit) }
    }

    /// `pathNames` over contiguous bytes: a name without `%` becomes a String straight from its bytes.
    @usableFromInline
    static func pathNames(bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> [String] {
        var names: [String] = []
        names.reserveCapacity(min(limit, 6))
        var i = 0
        let n = bytes.count
        while i < n, names.count < limit {
            if bytes[i] == UInt8(ascii: "/") {  // empty segments are skipped, as in `pathSegments`
                i += 1
                continue
            }
            var end = i
            var nameEnd = -1
            var encoded = false
            while end < n, bytes[end] != UInt8(ascii: "/") {
                let b = bytes[end]
                if nameEnd < 0 {
                    if b == UInt8(ascii: ";") { nameEnd = end } else if b == UInt8(ascii: "%") { encoded = true }
                }
                end += 1
            }
            let name = UnsafeBufferPointer(rebasing: bytes[i..<(nameEnd < 0 ? end : nameEnd)])
            names.append(encoded ? percentDecode(bytes: name) : String(decoding: name, as: UTF8.self))
            i = end
        }
        return names
    }

    /// `percentDecode` of contiguous bytes that hold at least one `%` (`+` stays `+`).
    @usableFromInline
    static func percentDecode(bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { out in
            var i = 0
            var o = 0
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hexValue(bytes[i + 1]),
                    let l = hexValue(bytes[i + 2])
                {
                    out[o] = h << 4 | l
                    i += 3
                } else {
                    out[o] = c
                    i += 1
                }
                o += 1
            }
            return o
        }
    }

    /// The bytes of a raw path that routing must treat specially, found in one pass: `%` (encoded bytes, maybe
    /// an encoded `/`), `.` (maybe a dot segment), `;` (matrix parameters), and an empty segment (`//`, a
    /// trailing `/`). A path with none of them is its own canonical form: `/` + its names joined by `/`.
    public struct PathTraits: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let percent = PathTraits(rawValue: 1)
        public static let dot = PathTraits(rawValue: 2)
        public static let semicolon = PathTraits(rawValue: 4)
        public static let emptySegment = PathTraits(rawValue: 8)
        /// Does not start with `/` (or is empty).
        public static let relative = PathTraits(rawValue: 16)
    }

    public static func pathTraits(_ rawPath: String) -> PathTraits {
        func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> PathTraits {
            var traits: PathTraits = []
            guard bytes.first == UInt8(ascii: "/") else { return .relative }
            var previousSlash = false
            for b in bytes {
                switch b {
                case UInt8(ascii: "%"): traits.insert(.percent)
                case UInt8(ascii: "."): traits.insert(.dot)
                case UInt8(ascii: ";"): traits.insert(.semicolon)
                case UInt8(ascii: "/"):
                    if previousSlash { traits.insert(.emptySegment) }
                    previousSlash = true
                    continue
                default: break
                }
                previousSlash = false
            }
            if previousSlash && bytes.count > 1 { traits.insert(.emptySegment) }
            return traits
        }
        if let traits = rawPath.utf8.withContiguousStorageIfAvailable(scan) { return traits }
        return Array(rawPath.utf8).withUnsafeBufferPointer(scan)
    }

    /// All matrix parameters of a raw path, merged (the last segment wins on a repeated name).
    public static func matrixParameters(ofPath rawPath: some StringProtocol) -> [String: String] {
        guard rawPath.utf8Contains(where: { $0 == UInt8(ascii: ";") }) else { return [:] }
        var merged: [String: String] = [:]
        for s in pathSegments(rawPath) { merged.merge(s.matrix) { _, new in new } }
        return merged
    }

    @inline(__always) @usableFromInline
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
