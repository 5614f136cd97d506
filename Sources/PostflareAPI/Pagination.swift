// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// A stored record that lists return newest first.
protocol Listed {
    var id: String { get }
    var seq: Int { get }
}

extension APIKeyRecord: Listed {}
extension EmailRecord: Listed {}
extension DomainRecord: Listed {}
extension ContactRecord: Listed {}
extension SegmentRecord: Listed {}
extension TopicRecord: Listed {}
extension ContactPropertyRecord: Listed {}
extension TemplateRecord: Listed {}
extension BroadcastRecord: Listed {}
extension WebhookRecord: Listed {}

/// Cursor pagination (spec §8): `limit` 1–100, `after` (exclusive, the id of the last item seen) or
/// `before` (exclusive, the id of the first item seen), never both. `defaultLimit` nil means the legacy
/// behaviour of returning everything when `limit` is omitted.
enum Pagination {
    static func page<T: Listed>(_ items: some Collection<T>, _ request: Request, defaultLimit: Int?)
        throws(PostflareError) -> (items: [T], hasMore: Bool)
    {
        let sorted = items.sorted { $0.seq > $1.seq }
        var limit = defaultLimit
        if let text = request.query("limit") {
            guard let n = Int(text), (1...100).contains(n) else { throw .badPagination }
            limit = n
        }
        let after = request.query("after").flatMap { $0.isEmpty ? nil : $0 }
        let before = request.query("before").flatMap { $0.isEmpty ? nil : $0 }
        if after != nil && before != nil { throw .bothCursors }
        var start = 0
        var end = sorted.count
        if let after {
            // An unknown cursor yields an empty page rather than restarting from the top.
            start = (sorted.firstIndex { $0.id == after }).map { $0 + 1 } ?? sorted.count
        }
        if let before {
            end = sorted.firstIndex { $0.id == before } ?? 0
            if let limit { start = max(0, end - limit) } else { start = 0 }
            return (Array(sorted[start..<end]), start > 0)
        }
        guard let limit else { return (Array(sorted[start...]), false) }
        let stop = min(sorted.count, start + limit)
        return (Array(sorted[start..<stop]), stop < sorted.count)
    }

    static func list(_ data: [JSON], hasMore: Bool) -> JSON {
        ["object": "list", "has_more": .bool(hasMore), "data": .array(data)]
    }
}
