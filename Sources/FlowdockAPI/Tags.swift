// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// Tag parsing and normalization (§4.11, `docs/tags.md`; reference rules: `flowdock/flowdock-text`).
///
/// Order [I]: the two documented examples disagree on order, so the emulator stores the caller's tags
/// first (normalized, in order), then what the text yields: hashtags, mentions (`:user:<id>`,
/// `:unread:<id>`), `:url`. Duplicates are dropped case-insensitively, keeping the first spelling.
enum Tags {
    /// Nicks that mention everybody in the flow.
    static let everyone: Set<String> = ["everyone", "everybody", "all", "anyone", "anybody"]

    /// One caller-given tag: `#cool` → `cool`, `@Mike` → `:user:<id>`, `@all` → `:user:everyone`;
    /// `:meta` tags are kept. An `@nick` naming nobody is dropped [I]: it has no id to stand for.
    static func normalize(_ tag: String, state: State) -> String? {
        var t = tag.trimmingSpaces()
        if t.hasPrefix("#") { t.removeFirst() }
        guard !t.isEmpty else { return nil }
        if t.hasPrefix("@") {
            let nick = String(t.dropFirst())
            if everyone.contains(nick.lowercased()) { return ":user:everyone" }
            if let user = state.user(withNick: nick) { return ":user:\(user.id)" }
            return nil
        }
        return t
    }

    /// Tags found in message text: `#hashtag`, `@nick` (→ `:user:<id>` and `:unread:<id>`), URLs (`:url`).
    /// Mentioning yourself does not leave the message unread for you [I].
    static func parse(_ text: String, state: State, author: Int? = nil) -> [String] {
        var hashtags: [String] = []
        var mentions: [String] = []
        let chars = Array(text.unicodeScalars)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let atWordStart = i == 0 || !isWord(chars[i - 1])
            if (c == "#" || c == "@") && atWordStart {
                var j = i + 1
                while j < chars.count && (isWord(chars[j]) || (c == "@" && chars[j] == ".")) { j += 1 }
                var word = String(String.UnicodeScalarView(chars[(i + 1)..<j]))
                while word.hasSuffix(".") { word.removeLast() }  // "@Marty." ends a sentence
                if !word.isEmpty {
                    if c == "#" {
                        hashtags.append(word)
                    } else if everyone.contains(word.lowercased()) {
                        mentions.append(":user:everyone")
                    } else if let user = state.user(withNick: word) {
                        mentions.append(":user:\(user.id)")
                        if user.id != author { mentions.append(":unread:\(user.id)") }
                    }
                }
                i = max(j, i + 1)
                continue
            }
            i += 1
        }
        var result = hashtags + mentions
        let lower = text.lowercased()
        if lower.contains("http://") || lower.contains("https://") || lower.contains("www.") { result.append(":url") }
        return result
    }

    /// The stored tags of a message: caller tags, then those of `text` (§3.3 example).
    static func build(
        given: [String],
        text: String?,
        extra: [String] = [],
        author: Int? = nil,
        state: State
    ) -> [String] {
        var all = given.compactMap { normalize($0, state: state) }
        if let text { all += parse(text, state: state, author: author) }
        all += extra
        return unique(all)
    }

    static func unique(_ tags: [String]) -> [String] {
        var seen = Set<String>()
        return tags.filter { seen.insert($0.lowercased()).inserted }
    }

    /// Whether `tags` contains `wanted` (case-insensitive; `@user` and `:user:<id>` both accepted, §4.11).
    static func contains(_ tags: [String], _ wanted: String) -> Bool {
        let w = wanted.lowercased()
        return tags.contains { $0.lowercased() == w }
    }

    private static func isWord(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || c.properties.numericType != nil || c == "_" || c == "-"
    }
}
