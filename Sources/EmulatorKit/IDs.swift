// SPDX-License-Identifier: Apache-2.0

/// Identifier generation shared by the vendors.
public enum IDs {
    /// A random RFC 9562 version-4 UUID, lower-case (`4ef9a417-02e9-4d39-ad75-9611e0fcc33c`).
    public static func uuid() -> String {
        var g = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = hexString(bytes)
        let h = Array(hex)
        return String(h[0..<8]) + "-" + String(h[8..<12]) + "-" + String(h[12..<16]) + "-" + String(h[16..<20]) + "-"
            + String(h[20..<32])
    }

    /// `count` random lower-case hex digits.
    public static func hex(_ count: Int) -> String {
        var g = SystemRandomNumberGenerator()
        let bytes = (0..<(count + 1) / 2).map { _ in UInt8.random(in: 0...255, using: &g) }
        return String(hexString(bytes).prefix(count))
    }

    /// `count` random characters from `alphabet`.
    public static func random(_ count: Int, alphabet: String = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") -> String {
        var g = SystemRandomNumberGenerator()
        let chars = Array(alphabet)
        return String((0..<count).map { _ in chars[Int.random(in: 0..<chars.count, using: &g)] })
    }

    public static func hexString(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
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
