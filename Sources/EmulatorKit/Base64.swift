// SPDX-License-Identifier: Apache-2.0

/// RFC 4648 base64, shared by the vendors: Basic credentials (Flowdock, Flowmailer's token endpoint),
/// attachments and MIME data (Flowmailer, Postflare), webhook secrets and Svix signatures (Postflare).
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard alphabet with `=` padding (RFC 4648 §4).
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let bytes = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i]
            let b1 = i + 1 < bytes.count ? bytes[i + 1] : 0
            let b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(i + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// How many bytes `text` decodes to, or nil when `decode` would refuse it: the same check without
    /// building the bytes (an attachment is validated on every send; its bytes are not kept).
    public static func decodedCount(_ text: some StringProtocol) -> Int? {
        var padding = 0
        var symbols = 0
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"),
                UInt8(ascii: "_"):
                if padding > 0 { return nil }  // data after padding
                symbols += 1
            case UInt8(ascii: "="): padding += 1
            case 0x0D, 0x0A, 0x20, 0x09: continue
            default: return nil
            }
        }
        if symbols % 4 == 1 || padding > 2 { return nil }
        return symbols * 6 / 8
    }

    /// Decodes the standard or URL-safe alphabet (RFC 4648 §4, §5), with or without padding, ignoring
    /// MIME line breaks and spaces (Flowmailer clients wrap `mimedata` every 60 characters). Nil for any
    /// other character, data after padding, or a length no encoder produces.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
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
