// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// One shared copy of strings that stored messages repeat (sender and recipient addresses, subjects): a test
/// suite sends from a few addresses to a few more, and each stored copy of a string longer than 15 UTF-8 bytes
/// (the longest Swift keeps inline) is a heap object of its own. Bounded: past `limit` distinct strings, or
/// for long ones (bodies are rarely repeated byte for byte), a string is kept as given.
public final class StringInterner: Sendable {
    public static let shared = StringInterner()

    public let limit: Int
    public let maxLength: Int
    private let table = Locked<Set<String>>([])

    public init(limit: Int = 4_096, maxLength: Int = 256) {
        self.limit = limit
        self.maxLength = maxLength
    }

    /// The shared copy of `s` (equal to it).
    public func intern(_ s: String) -> String {
        let n = s.utf8.count
        guard n > 15, n <= maxLength else { return s }
        return table.withLock { t in
            if let known = t.firstIndex(of: s) { return t[known] }
            if t.count < limit { t.insert(s) }
            return s
        }
    }
}
