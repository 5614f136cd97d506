// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// The emulator's one fast pseudo-random generator: SplitMix64 (Steele, Lea & Flood), seedable so that tests
/// and id-derived values are reproducible. For values that must look random but need not be secret (ids,
/// links, boundaries): `SystemRandomNumberGenerator` costs a `getrandom(2)` call per draw. Secrets (access
/// tokens, client secrets) keep using the system generator.
public struct FastRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator with a fresh seed, drawn from a process-wide generator that the system seeded once, so
    /// that creating one costs no system call.
    public init() {
        state = Self.shared.withLock { $0.next() }
    }

    /// A generator whose output is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The process-wide generator behind `init()` and `FastRandom.withShared`.
    private static let shared: Locked<FastRandom> = {
        var system = SystemRandomNumberGenerator()
        return Locked(FastRandom(seed: system.next()))
    }()

    /// Draws from the process-wide generator under its lock (for one-off values such as a UUID).
    public static func withShared<R>(_ body: (inout FastRandom) -> R) -> R {
        shared.withLock { body(&$0) }
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The alphabet of `hex(_:)`.
    public static let hexDigits = Array("0123456789abcdef".utf8)

    /// `count` lower-case hex digits.
    public mutating func hex(_ count: Int) -> String {
        string(count, alphabet: Self.hexDigits)
    }

    /// `count` characters drawn from `alphabet` (ASCII, at most 256 symbols).
    public mutating func string(_ count: Int, alphabet: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        append(count, alphabet: alphabet, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `count` characters drawn uniformly from `alphabet`. A power-of-two alphabet (hex, base64url)
    /// takes its characters from consecutive bit groups of one draw — 16 hex or 10 base64 characters per
    /// `next()` instead of one draw and one division each.
    public mutating func append(_ count: Int, alphabet: [UInt8], to out: inout [UInt8]) {
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

    /// A version-4 UUID made of two draws.
    public mutating func uuid() -> String { IDs.uuid(next(), next()) }
}
