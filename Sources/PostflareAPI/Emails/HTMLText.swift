// SPDX-License-Identifier: Apache-2.0

/// The plain-text part Resend derives from `html` when `text` is omitted (spec §2.1). A small converter
/// over the UTF-8 bytes (it runs on every send without `text`): tags are dropped (block tags become line
/// breaks), `<script>`/`<style>` content is skipped, the common entities are decoded and runs of blanks
/// collapse.
enum HTMLText {
    static let blockTags: Set<String> = [
        "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
    ]
    static let entities: [String: UInt8] = [
        "amp": UInt8(ascii: "&"), "lt": UInt8(ascii: "<"), "gt": UInt8(ascii: ">"), "quot": UInt8(ascii: "\""),
        "apos": UInt8(ascii: "'"), "nbsp": UInt8(ascii: " "), "#39": UInt8(ascii: "'"),
    ]

    static func plainText(_ html: String) -> String {
        let b = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        var skipUntil: String?
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "<"), let close = b[i...].firstIndex(of: UInt8(ascii: ">")) {
                var j = i + 1
                let closing = j < close && b[j] == UInt8(ascii: "/")
                if closing { j += 1 }
                var name: [UInt8] = []
                while j < close, isAlnum(b[j]) {
                    name.append(b[j] | 0x20)  // ASCII lower-case
                    j += 1
                }
                let tag = String(decoding: name, as: UTF8.self)
                if let s = skipUntil {
                    if closing && tag == s { skipUntil = nil }
                } else if !closing && (tag == "script" || tag == "style") {
                    skipUntil = tag
                } else if blockTags.contains(tag) {
                    out.append(10)
                }
                i = close + 1
                continue
            }
            if skipUntil != nil {
                i += 1
                continue
            }
            if c == UInt8(ascii: "&"), let semi = b[i..<min(b.count, i + 8)].firstIndex(of: UInt8(ascii: ";")),
                let decoded = entities[String(decoding: b[(i + 1)..<semi], as: UTF8.self)]
            {
                out.append(decoded)
                i = semi + 1
                continue
            }
            out.append(c)
            i += 1
        }
        return collapse(out)
    }

    static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    }

    /// Collapses blanks inside lines, keeps at most one empty line in a row and trims both ends.
    static func collapse(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var pendingSpace = false
        var newlines = 0
        for c in bytes {
            switch c {
            case 32, 9, 13:
                pendingSpace = true
            case 10:
                pendingSpace = false
                newlines += 1
            default:
                if !out.isEmpty {
                    if newlines > 0 {
                        out.append(10)
                        if newlines > 1 { out.append(10) }
                    } else if pendingSpace {
                        out.append(32)
                    }
                }
                newlines = 0
                pendingSpace = false
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
