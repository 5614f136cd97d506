// SPDX-License-Identifier: Apache-2.0

/// A glob for fault rules: `*` matches any run of bytes except the separator (a path segment), `**` any run at
/// all (across segments); every other byte stands for itself. Without a separator (header values) `*` and `**`
/// are the same. Matched over UTF-8 bytes by backtracking (patterns are short test settings), allocating nothing.
public struct FaultGlob: Sendable, Equatable {
    public let pattern: String
    private let bytes: [UInt8]
    private let separator: UInt8?

    /// - Parameters:
    ///   - pattern: the glob text as given.
    ///   - separator: the byte `*` does not cross (`/` for paths), or nil.
    public init(_ pattern: String, separator: UInt8? = UInt8(ascii: "/")) {
        self.pattern = pattern
        bytes = Array(pattern.utf8)
        self.separator = separator
    }

    public func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { t in bytes.withUnsafeBufferPointer { matches(t, from: 0, pattern: $0, from: 0) } }
    }

    private func matches(
        _ text: UnsafeBufferPointer<UInt8>,
        from start: Int,
        pattern: UnsafeBufferPointer<UInt8>,
        from patternStart: Int
    ) -> Bool {
        var t = start
        var p = patternStart
        let star = UInt8(ascii: "*")
        while p < pattern.count {
            if pattern[p] == star {
                let double = p + 1 < pattern.count && pattern[p + 1] == star
                let rest = double ? p + 2 : p + 1
                // Try every length the star could take, shortest first; a single star stops at the separator.
                var end = t
                while true {
                    if matches(text, from: end, pattern: pattern, from: rest) { return true }
                    guard end < text.count else { return false }
                    if !double, let separator, text[end] == separator { return false }
                    end += 1
                }
            }
            guard t < text.count, text[t] == pattern[p] else { return false }
            t += 1
            p += 1
        }
        return t == text.count
    }
}
