// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTPCore

/// The newest `capacity` entries, numbered from 1 in arrival order. Not locked: each journal keeps one
/// under its own lock. Sequence numbers keep counting across `removeAll`, so a reader's cursor never sees
/// a number twice.
struct JournalRing<Entry> {
    let capacity: Int
    private(set) var entries: [Entry] = []
    /// Index in `entries` of the oldest entry once the ring is full.
    private var start = 0
    private(set) var lastSeq: UInt64 = 0

    init(capacity: Int) { self.capacity = max(0, capacity) }

    var count: Int { entries.count }

    /// The sequence number of the oldest entry held (`lastSeq + 1` when empty).
    var oldestSeq: UInt64 { lastSeq + 1 - UInt64(entries.count) }

    /// Numbers the entry `make` builds, stores it as the newest (dropping the oldest when full) and returns
    /// its number; 0 and nothing stored when the capacity is 0.
    mutating func append(_ make: (UInt64) -> Entry) -> UInt64 {
        guard capacity > 0 else { return 0 }
        lastSeq += 1
        let entry = make(lastSeq)
        if entries.count < capacity {
            entries.append(entry)
        } else {
            entries[start] = entry
            start = (start + 1) % capacity
        }
        return lastSeq
    }

    /// Changes the entry numbered `seq`, if it is still held.
    mutating func update(_ seq: UInt64, _ body: (inout Entry) -> Void) {
        guard seq >= oldestSeq, seq <= lastSeq, !entries.isEmpty else { return }
        let offset = Int(seq - oldestSeq)
        body(&entries[(start + offset) % entries.count])
    }

    /// The entries numbered above `seq`, oldest first.
    func entries(after seq: UInt64) -> [Entry] {
        guard !entries.isEmpty, seq < lastSeq else { return [] }
        let skip = seq < oldestSeq ? 0 : Int(seq - oldestSeq + 1)
        var out: [Entry] = []
        out.reserveCapacity(entries.count - skip)
        for offset in skip..<entries.count { out.append(entries[(start + offset) % entries.count]) }
        return out
    }

    /// Drops every entry; returns how many there were.
    mutating func removeAll() -> Int {
        let n = entries.count
        entries.removeAll()
        start = 0
        return n
    }
}

/// The paging and `since` parameters both journals share: `since` and `cursor` are sequence numbers (the
/// answer holds entries numbered above them), `limit` is 1…1000 (default 100).
struct JournalPage: Sendable {
    var after: UInt64 = 0
    var limit = 100

    init(_ request: Request) throws(HTTPError) {
        for name in ["since", "cursor"] {
            guard let text = request.query(name) else { continue }
            guard let n = UInt64(text) else {
                throw HTTPError(.badRequest, message: "'\(name)' is a sequence number (a non-negative integer).")
            }
            after = max(after, n)
        }
        if let l = request.query("limit") {
            guard let n = Int(l), (1...MessageQuery.maxLimit).contains(n) else {
                throw HTTPError(.badRequest, message: "'limit' is a number from 1 to \(MessageQuery.maxLimit).")
            }
            limit = n
        }
    }

    /// `{"data":[…],"has_more":…,"next":…}` from the matches (oldest first); `next` is the `cursor` of the
    /// following page (the last returned item's `seq`), null on the last page.
    func answer<T>(_ matches: [T], seq: (T) -> UInt64, render: (T) -> JSON) -> Response {
        let page = matches.prefix(limit)
        let more = matches.count > page.count
        return .json([
            "data": .array(page.map(render)),
            "has_more": .bool(more),
            "next": more ? .string(String(seq(page[page.endIndex - 1]))) : .null,
        ])
    }
}

/// A status filter: `201`, or a class such as `5xx`.
struct StatusFilter: Sendable {
    let low: Int
    let high: Int

    init?(_ text: String) {
        let lower = text.lowercased()
        if lower.count == 3, lower.hasSuffix("xx"), let d = Int(lower.prefix(1)), (1...5).contains(d) {
            (low, high) = (d * 100, d * 100 + 99)
        } else if let n = Int(text), (100...999).contains(n) {
            (low, high) = (n, n)
        } else {
            return nil
        }
    }

    func matches(_ status: Int?) -> Bool {
        guard let status else { return false }
        return status >= low && status <= high
    }
}

/// Monotonic seconds, for latencies and durations (never the emulator clock, which tests move).
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Headers as a JSON object; a repeated name joins its values with ", " (RFC 9110 §5.3).
func headersJSON(_ headers: HTTPHeaders, redacting: Bool) -> JSON {
    var out = JSONObject()
    for (name, value) in headers {
        let shown = redacting ? Redaction.header(name: name, value: value) : value
        let key = name.lowercased()
        if let existing = out[key]?.stringValue {
            out[key] = .string(existing + ", " + shown)
        } else {
            out[key] = .string(shown)
        }
    }
    return .object(out)
}

/// What the journals never show: credentials in headers and query strings.
enum Redaction {
    static let mark = "[redacted]"

    /// `Authorization: Bearer abc` → `Bearer [redacted]`; cookies and key- or token-bearing headers →
    /// `[redacted]`.
    static func header(name: String, value: String) -> String {
        let n = name.lowercased()
        if n == "authorization" || n == "proxy-authorization" {
            let scheme = value.trimmingSpaces().prefix { $0 != " " }
            return scheme.isEmpty || scheme.count == value.trimmingSpaces().count ? mark : scheme + " " + mark
        }
        if n == "cookie" || n == "set-cookie" || isSecretName(n) { return mark }
        return value
    }

    /// Names that carry a secret: `x-api-key`, `api_key`, `access_token`, `client_secret`, `password`…
    static func isSecretName(_ lowercased: String) -> Bool {
        for part in ["key", "token", "secret", "password", "signature", "credential"]
        where lowercased.contains(part) {
            return lowercased != "idempotency-key"
        }
        return false
    }

    /// The raw query with the values of secret-bearing parameters replaced (`access_token=[redacted]`);
    /// everything else stays as sent.
    static func query(_ raw: String) -> String {
        guard raw.contains("=") else { return raw }
        var parts: [Substring] = []
        for item in raw.split(separator: "&", omittingEmptySubsequences: false) {
            guard let eq = item.firstIndex(of: "=") else {
                parts.append(item)
                continue
            }
            let name = URLCoding.percentDecode(item[..<eq], plusAsSpace: true)
            parts.append(isSecretName(name.lowercased()) ? item[...eq] + mark : item)
        }
        return parts.joined(separator: "&")
    }
}
