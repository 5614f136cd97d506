// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// Version-4 UUIDs for the hot path (one per e-mail and log entry). `EmulatorKit.FastID.uuid()` draws each
/// byte from `SystemRandomNumberGenerator`, i.e. one `getrandom(2)` call per byte, which took a quarter of
/// `POST /emails`; this xoshiro256** generator is seeded once from the system and then costs a few
/// nanoseconds. Ids need to be unique, not secret: API keys and webhook secrets keep using the system
/// generator.
enum FastID {
    private struct Xoshiro256 {
        var s: (UInt64, UInt64, UInt64, UInt64)

        init() {
            var g = SystemRandomNumberGenerator()
            s = (g.next(), g.next(), g.next(), g.next())
            if s == (0, 0, 0, 0) { s.0 = 1 }  // the all-zero state is the generator's only fixed point
        }

        static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

        mutating func next() -> UInt64 {
            let result = Self.rotl(s.1 &* 5, 7) &* 9
            let t = s.1 << 17
            s.2 ^= s.0
            s.3 ^= s.1
            s.1 ^= s.2
            s.0 ^= s.3
            s.2 ^= t
            s.3 = Self.rotl(s.3, 45)
            return result
        }
    }

    private static let generator = Locked(Xoshiro256())
    private static let hex = Array("0123456789abcdef".utf8)

    /// A random RFC 9562 version-4 UUID, lower-case.
    static func uuid() -> String {
        let (a, b) = generator.withLock { g in (g.next(), g.next()) }
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: a >> (8 * UInt64(i)))
            bytes[8 + i] = UInt8(truncatingIfNeeded: b >> (8 * UInt64(i)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (i, byte) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
