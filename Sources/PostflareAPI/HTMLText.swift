// SPDX-License-Identifier: Apache-2.0

/// The plain-text part Resend derives from `html` when `text` is omitted (spec §2.1). A small converter:
/// tags are dropped (block tags become line breaks), `<script>`/`<style>` content is skipped, the common
/// entities are decoded and runs of blanks collapse.
enum HTMLText {
    static let blockTags: Set<String> = ["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"]
    static let entities: [String: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "#39": "'"]

    static func plainText(_ html: String) -> String {
        var out = ""
        var i = html.startIndex
        var skipUntil: String?
        while i < html.endIndex {
            let c = html[i]
            if c == "<", let close = html[i...].firstIndex(of: ">") {
                let inner = html[html.index(after: i)..<close].lowercased()
                let isClosing = inner.hasPrefix("/")
                let name = String(inner.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber })
                if let s = skipUntil {
                    if isClosing && name == s { skipUntil = nil }
                } else if !isClosing && (name == "script" || name == "style") {
                    skipUntil = name
                } else if blockTags.contains(name) {
                    out += "\n"
                }
                i = html.index(after: close)
                continue
            }
            if skipUntil != nil {
                i = html.index(after: i)
                continue
            }
            if c == "&", let semi = html[i...].prefix(8).firstIndex(of: ";"),
                let decoded = entities[String(html[html.index(after: i)..<semi])]
            {
                out += decoded
                i = html.index(after: semi)
                continue
            }
            out.append(c)
            i = html.index(after: i)
        }
        return collapse(out)
    }

    /// Collapses blanks inside lines and drops empty lines at both ends.
    static func collapse(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
        }
        var kept: [String] = []
        for line in lines where !(line.isEmpty && (kept.last?.isEmpty ?? true)) { kept.append(line) }
        while kept.last?.isEmpty == true { kept.removeLast() }
        return kept.joined(separator: "\n")
    }
}
