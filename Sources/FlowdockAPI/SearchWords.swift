// SPDX-License-Identifier: Apache-2.0

/// `search=` keywords, matched as whole words. Flowdock's search was word-based, not substring: each
/// message carried a `_keywords` array of the lower-cased words of its content, indexed in MongoDB and
/// queried for all the keywords (blog.flowdock.com 2011-03-30 "Full-text search with MongoDB — Flowdock
/// style"; still so in 2018: "tokenize all of the text … into an array of words", no "partial matches",
/// blog.flowdock.com 2018-04-18 "Searching for search"). So `deploy` finds "Deploy finished" but not
/// "deployment", and the query is split into words the same way (`flux-capacitor` → `flux`, `capacitor`).
/// Inferred: a word is a run of letters, digits and `_` (any non-ASCII character counts as a letter); the
/// 2018 post's 2…20-character limit on indexed words is not emulated.
///
/// Matching walks the stored strings' UTF-8 in place (no joined or lower-cased copy per message), so a
/// search with a deep `skip` costs a byte scan per message passed.
struct SearchWords: Sendable {
    /// The query's distinct words, lower-cased, as UTF-8.
    let words: [[UInt8]]

    init(_ query: String) {
        var words: [[UInt8]] = []
        _ = Self.withBytes(of: query.lowercased()) { bytes in
            Self.forEachWord(in: bytes) { word in
                if !words.contains(where: { $0.elementsEqual(word) }) { words.append(Array(word)) }
                return false
            }
        }
        self.words = words
    }

    var isEmpty: Bool { words.isEmpty }

    /// Whether `text` has `word` (lower-cased) as one of its words, compared case-insensitively.
    static func contains(_ text: String, word: [UInt8]) -> Bool {
        withBytes(of: text) { forEachWord(in: $0) { equalLowercased($0, word) } }
    }

    /// Runs `body` on the string's UTF-8 in place (native strings are contiguous), else on a copy.
    static func withBytes<R>(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = text.utf8.withContiguousStorageIfAvailable(body) { return r }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// Calls `body` on each word of `bytes` until it returns true; returns whether it did.
    @discardableResult
    static func forEachWord(
        in bytes: UnsafeBufferPointer<UInt8>,
        stoppingWhen body: (Slice<UnsafeBufferPointer<UInt8>>) -> Bool
    ) -> Bool {
        var start: Int? = nil
        for i in 0...bytes.count {
            if i < bytes.count, isWordByte(bytes[i]) {
                if start == nil { start = i }
            } else if let s = start {
                if body(bytes[s..<i]) { return true }
                start = nil
            }
        }
        return false
    }

    @inline(__always)
    static func isWordByte(_ b: UInt8) -> Bool {
        b >= 0x80 || (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F
    }

    /// Whether `word` lower-cases to `lower`: ASCII byte by byte; a word with other characters through
    /// `lowercased()` (the only copy, and only for such words).
    static func equalLowercased(_ word: Slice<UnsafeBufferPointer<UInt8>>, _ lower: [UInt8]) -> Bool {
        if word.contains(where: { $0 >= 0x80 }) {
            return Array(String(decoding: word, as: UTF8.self).lowercased().utf8) == lower
        }
        guard word.count == lower.count else { return false }
        var j = 0
        for b in word {
            let l = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
            if l != lower[j] { return false }
            j += 1
        }
        return true
    }
}
