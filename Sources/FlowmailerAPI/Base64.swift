// SPDX-License-Identifier: Apache-2.0

/// RFC 4648 §4 base64 decoding, tolerant of MIME line breaks: Teamtailor's client sends `mimedata` wrapped every
/// 60 characters (spec §6), and attachments from other clients may be wrapped too.
enum Base64 {
    /// The decoded bytes, or nil when `text` has characters outside the alphabet or bad padding.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        var padding = 0
        var symbols = 0
        for c in text.utf8 {
            let v: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): v = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): v = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            case 0x0D, 0x0A, 0x20, 0x09: continue
            default: return nil
            }
            if padding > 0 { return nil }  // data after padding
            symbols += 1
            buffer = (buffer << 6) | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        if symbols % 4 == 1 || padding > 2 { return nil }
        return out
    }
}
