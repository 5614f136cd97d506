// SPDX-License-Identifier: Apache-2.0

/// What a test usually wants out of a message body: the links to follow and the one-time codes to type.
enum Extract {
    /// `http://` and `https://` URLs in order of appearance, each once, ending at white space, a quote or `<>`.
    static func links(in texts: [String]) -> [String] {
        var out: [String] = []
        for text in texts {
            let bytes = Array(text.utf8)
            var i = 0
            while i < bytes.count {
                if let length = schemeLength(bytes, at: i) {
                    var end = i + length
                    while end < bytes.count, !isLinkEnd(bytes[end]) { end += 1 }
                    // Trailing sentence punctuation is not part of the link.
                    while end > i + length,
                        [UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ")")].contains(bytes[end - 1])
                    {
                        end -= 1
                    }
                    if end > i + length {
                        // `&amp;` in an HTML attribute is `&` in the URL.
                        let link = String(decoding: bytes[i..<end], as: UTF8.self).replacing("&amp;", with: "&")
                        if !out.contains(link) { out.append(link) }
                    }
                    i = end
                } else {
                    i += 1
                }
            }
        }
        return out
    }

    /// One-time codes: groups of 4–8 digits standing alone, and the `123-456` / `123 456` shapes, each once.
    static func codes(in texts: [String]) -> [String] {
        var out: [String] = []
        func add(_ code: String) { if !out.contains(code) { out.append(code) } }
        for text in texts {
            let bytes = Array(text.utf8)
            var i = 0
            while i < bytes.count {
                guard isDigit(bytes[i]), i == 0 || !isWordByte(bytes[i - 1]) else {
                    i += 1
                    continue
                }
                var end = i
                while end < bytes.count, isDigit(bytes[end]) { end += 1 }
                let first = end - i
                // `123-456` or `123 456`: two groups of three (or four) digits.
                if (3...4).contains(first), end + 1 < bytes.count,
                    bytes[end] == UInt8(ascii: "-") || bytes[end] == 0x20,
                    isDigit(bytes[end + 1])
                {
                    var second = end + 1
                    while second < bytes.count, isDigit(bytes[second]) { second += 1 }
                    if second - end - 1 == first, second == bytes.count || !isWordByte(bytes[second]) {
                        add(String(decoding: bytes[i..<second], as: UTF8.self))
                        i = second
                        continue
                    }
                }
                if (4...8).contains(first), end == bytes.count || !isWordByte(bytes[end]) {
                    add(String(decoding: bytes[i..<end], as: UTF8.self))
                }
                i = end
            }
        }
        return out
    }

    private static func schemeLength(_ b: [UInt8], at i: Int) -> Int? {
        for scheme in ["https://", "http://"] {
            let s = Array(scheme.utf8)
            if i + s.count <= b.count, zip(b[i..<(i + s.count)], s).allSatisfy({ ($0 | 0x20) == $1 || $0 == $1 }) {
                return s.count
            }
        }
        return nil
    }

    private static func isLinkEnd(_ c: UInt8) -> Bool {
        c <= 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") || c == UInt8(ascii: "<")
            || c == UInt8(ascii: ">")
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    private static func isWordByte(_ c: UInt8) -> Bool {
        isDigit(c) || (c | 0x20 >= 97 && c | 0x20 <= 122) || c == UInt8(ascii: "_") || c >= 0x80
    }
}
