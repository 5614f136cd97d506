// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// SplitMix64 seeded once from the system generator. A submit needs ~300 random characters (ids, links,
/// event UUIDs); drawing each from `SystemRandomNumberGenerator` costs a `getrandom(2)` call apiece on this
/// glibc, which dominated the submit path. These values only need to look random, not be secret
/// (access tokens and client secrets still come from the system generator).
struct FastRandom: RandomNumberGenerator {
    private var state: UInt64

    /// A generator with a fresh seed, drawn from a process-wide SplitMix64 that the system generator seeded
    /// once: one `getrandom(2)` per submit was still ~1% of the submit profile.
    init() {
        state = Self.seeds.withLock { $0.next() }
    }

    private static let seeds: Locked<FastRandom> = {
        var system = SystemRandomNumberGenerator()
        return Locked(FastRandom(seed: system.next()))
    }()

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// `count` lower-case hex digits.
    mutating func hex(_ count: Int) -> String {
        string(count, alphabet: Self.hexDigits)
    }

    /// `count` characters drawn from `alphabet` (ASCII, at most 256 symbols).
    mutating func string(_ count: Int, alphabet: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        append(count, alphabet: alphabet, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `count` characters drawn uniformly from `alphabet`. A power-of-two alphabet (hex, base64url)
    /// takes its characters from consecutive bit groups of one draw — 16 hex or 10 base64 characters per
    /// `next()` instead of one draw and one division each; submits generate several hundred of them.
    mutating func append(_ count: Int, alphabet: [UInt8], to out: inout [UInt8]) {
        let size = alphabet.count
        guard size > 1, size & (size - 1) == 0 else {
            for _ in 0..<count { out.append(alphabet[Int(next() % UInt64(size))]) }
            return
        }
        let bits = size.trailingZeroBitCount
        let mask = UInt64(size - 1)
        var pool: UInt64 = 0
        var left = 0
        for _ in 0..<count {
            if left < bits {
                pool = next()
                left = 64
            }
            out.append(alphabet[Int(pool & mask)])
            pool >>= UInt64(bits)
            left -= bits
        }
    }

    mutating func uuid() -> String { IDs.uuid(next(), next()) }
}
