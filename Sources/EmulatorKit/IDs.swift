// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// Identifier generation shared by the vendors.
public enum IDs {
    /// A random RFC 9562 version-4 UUID, lower-case (`4ef9a417-02e9-4d39-ad75-9611e0fcc33c`).
    ///
    /// Ids must be unique, not secret, and one is made per stored object on hot paths (`POST /emails`,
    /// log entries), so they come from the process-wide `FastRandom` rather than a `getrandom(2)` call
    /// each. Secrets (`random`, `randomBytes`) keep using the system generator.
    public static func uuid() -> String {
        let (a, b) = FastRandom.withShared { g in (g.next(), g.next()) }
        return uuid(a, b)
    }

    /// The version-4 UUID text made of 128 random bits given as two words (for callers with a generator of
    /// their own). Written straight into the string's storage: one allocation, the 36-byte string.
    public static func uuid(_ a: UInt64, _ b: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { out in
            var n = 0
            for i in 0..<16 {
                var byte = UInt8(truncatingIfNeeded: (i < 8 ? a : b) >> (8 * UInt64(i % 8)))
                if i == 6 { byte = (byte & 0x0F) | 0x40 }  // version 4
                if i == 8 { byte = (byte & 0x3F) | 0x80 }  // RFC 9562 variant
                if i == 4 || i == 6 || i == 8 || i == 10 {
                    out[n] = UInt8(ascii: "-")
                    n += 1
                }
                out[n] = hexDigit(byte >> 4)
                out[n + 1] = hexDigit(byte & 0x0F)
                n += 2
            }
            return n
        }
    }

    @inline(__always)
    static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? UInt8(ascii: "0") + v : UInt8(ascii: "a") + v - 10 }

    /// `count` random lower-case hex digits.
    public static func hex(_ count: Int) -> String {
        String(hexString(randomBytes((count + 1) / 2)).prefix(count))
    }

    /// Random bytes drawn eight at a time: one `getrandom` per 64 bits, not per byte.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        var out: [UInt8] = []
        out.reserveCapacity(count + 7)
        while out.count < count {
            let word = g.next()
            withUnsafeBytes(of: word) { out.append(contentsOf: $0) }
        }
        out.removeLast(out.count - count)
        return out
    }

    /// `count` random characters from `alphabet`.
    public static func random(
        _ count: Int,
        alphabet: String = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    ) -> String {
        var g = SystemRandomNumberGenerator()
        let chars = Array(alphabet)
        return String((0..<count).map { _ in chars[Int.random(in: 0..<chars.count, using: &g)] })
    }

    public static func hexString(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(2 * bytes.underestimatedCount)
        for b in bytes {
            out.append(hexDigit(b >> 4))
            out.append(hexDigit(b & 0x0F))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `s` is a UUID in canonical 8-4-4-4-12 hex form (any version, either case).
    public static func isUUID(_ s: some StringProtocol) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 36 else { return false }
        for (i, c) in u.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if c != UInt8(ascii: "-") { return false }
            } else if !((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)) {
                return false
            }
        }
        return true
    }
}
