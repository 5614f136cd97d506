// SPDX-License-Identifier: Apache-2.0

/// SplitMix64 seeded once from the system generator. A submit needs ~300 random characters (ids, links,
/// event UUIDs); drawing each from `SystemRandomNumberGenerator` costs a `getrandom(2)` call apiece on this
/// glibc, which dominated the submit path. These values only need to look random, not be secret
/// (access tokens and client secrets still come from the system generator).
struct FastRandom: RandomNumberGenerator {
    private var state: UInt64

    init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `count` lower-case hex digits.
    mutating func hex(_ count: Int) -> String {
        string(count, alphabet: Self.hexDigits)
    }

    /// `count` characters drawn from `alphabet` (ASCII, at most 256 symbols).
    mutating func string(_ count: Int, alphabet: [UInt8]) -> String {
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count { out[i] = alphabet[Int(next() % UInt64(alphabet.count))] }
        return String(decoding: out, as: UTF8.self)
    }

    /// A version-4 UUID (RFC 9562 §5.4), lower case.
    mutating func uuid() -> String {
        var hi = next()
        var lo = next()
        hi = (hi & ~0xF000) | 0x4000  // version 4
        lo = (lo & ~(0xC << 60)) | (0x8 << 60)  // variant 10
        let h = Self.hex64(hi)
        let l = Self.hex64(lo)
        return "\(h.prefix(8))-\(h.dropFirst(8).prefix(4))-\(h.suffix(4))-\(l.prefix(4))-\(l.suffix(12))"
    }

    private static func hex64(_ v: UInt64) -> String {
        var out = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 { out[i] = hexDigits[Int((v >> UInt64(60 - 4 * i)) & 0xF)] }
        return String(decoding: out, as: UTF8.self)
    }
}
