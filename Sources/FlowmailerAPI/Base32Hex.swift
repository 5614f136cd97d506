// SPDX-License-Identifier: Apache-2.0

/// Unpadded RFC 4648 §7 "base32hex" (alphabet `0-9A-V`), the encoding of Flowmailer's paging references
/// (spec §3.2: `94U34C1I…` decodes to `I<20211230130416023…`).
enum Base32Hex {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUV".utf8)

    static func encode(_ bytes: [UInt8]) -> String { bytes.withUnsafeBufferPointer { encode($0) } }

    static func encode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        // 5 bits per output character, rounded up; no padding.
        String(unsafeUninitializedCapacity: (bytes.count * 8 + 4) / 5) { out in
            var n = 0
            var buffer: UInt32 = 0
            var bits = 0
            alphabet.withUnsafeBufferPointer { alphabet in
                for b in bytes {
                    buffer = (buffer << 8) | UInt32(b)
                    bits += 8
                    while bits >= 5 {
                        bits -= 5
                        out[n] = alphabet[Int((buffer >> UInt32(bits)) & 0x1F)]
                        n += 1
                    }
                    buffer &= (1 << UInt32(bits)) - 1
                }
                if bits > 0 {
                    out[n] = alphabet[Int((buffer << UInt32(5 - bits)) & 0x1F)]
                    n += 1
                }
            }
            return n
        }
    }

    static func encode(_ bytes: some Sequence<UInt8>) -> String { encode(Array(bytes)) }

    /// Decodes either case, tolerating `=` padding; nil for any other character.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for c in text.utf8 {
            if c == UInt8(ascii: "=") { break }
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "V"): v = c - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "v"): v = c - UInt8(ascii: "a") + 10
            default: return nil
            }
            buffer = (buffer << 5) | UInt32(v)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        return out
    }
}
