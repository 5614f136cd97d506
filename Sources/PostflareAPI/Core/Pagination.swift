// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// A stored record that lists return newest first: kept in an `OrderedTable` by its sequence number.
protocol Listed: OrderedRow where OrderKey == Int {
    var id: String { get }
    var seq: Int { get }
    /// The table key of the row whose `id` is `id` (how a cursor is looked up).
    static func rowID(of id: String) -> RowID
}

extension Listed {
    var orderKey: Int { seq }
}

extension Listed where RowID == String {
    var rowID: String { id }
    static func rowID(of id: String) -> String { id }
}

extension APIKeyRecord: Listed {}
extension EmailRecord: Listed {
    var rowID: HashedKey { HashedKey(id) }
    static func rowID(of id: String) -> HashedKey { HashedKey(id) }
    /// The control plane's `to`, `from` and `subject` filters look e-mails up by these (what the inspected
    /// e-mail shows as `to`/`cc`/`bcc`, `from` and `subject`).
    static var indexesTerms: Bool { true }
    var indexTerms: [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(to.count + cc.count + bcc.count + 2)
        for mailbox in to { out.append(MessageTerms.recipient(mailbox)) }
        for mailbox in cc { out.append(MessageTerms.recipient(mailbox)) }
        for mailbox in bcc { out.append(MessageTerms.recipient(mailbox)) }
        out.append(MessageTerms.from(from))
        out.append(MessageTerms.subject(subject))
        return out
    }
}
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
    /// A page of `table`, newest first, of the rows that pass `filter`. A cursor naming no row that passes
    /// gives an empty page rather than restarting from the top. Costs one id lookup and the rows walked.
    static func page<T: Listed>(
        _ table: OrderedTable<T>,
        _ request: Request,
        defaultLimit: Int?,
        where filter: (T) -> Bool = { _ in true }
    ) throws(PostflareError) -> (items: [T], hasMore: Bool) {
        let (limit, cursor) = try parameters(request, defaultLimit: defaultLimit)
        // Walk one row past the limit: whether it exists is `has_more`.
        let take = limit.map { $0 + 1 } ?? Int.max
        var positions = table.startPosition..<table.endPosition
        var newestFirst = true
        if let cursor {
            guard let p = position(of: cursor.id, in: table, filter) else { return ([], false) }
            // `after` continues towards older rows; `before` reads the newer rows just above the cursor.
            positions = cursor.after ? table.startPosition..<p : p + 1..<table.endPosition
            newestFirst = cursor.after
        }
        var rows = table.page(positions, descending: newestFirst, limit: take, where: filter)
        let hasMore = limit.map { rows.count > $0 } ?? false
        if hasMore { rows.removeLast() }
        if !newestFirst { rows.reverse() }
        return (rows, hasMore)
    }

    /// A page of rows built for this request (in any order): they are put in a table first.
    static func page<T: Listed>(
        _ items: some Collection<T>,
        _ request: Request,
        defaultLimit: Int?
    )
        throws(PostflareError) -> (items: [T], hasMore: Bool)
    {
        try page(OrderedTable(items.sorted { $0.seq < $1.seq }), request, defaultLimit: defaultLimit)
    }

    /// The list object of a page of `table`: `{"object":"list","has_more":…,"data":[render(row)…]}`.
    static func list<T: Listed>(
        _ table: OrderedTable<T>,
        _ request: Request,
        defaultLimit: Int?,
        where filter: (T) -> Bool = { _ in true },
        _ render: (T) -> JSON
    ) throws(PostflareError) -> JSON {
        let (rows, hasMore) = try page(table, request, defaultLimit: defaultLimit, where: filter)
        return list(rows.map(render), hasMore: hasMore)
    }

    /// The list object of a page of rows built for this request.
    static func list<T: Listed>(
        _ items: some Collection<T>,
        _ request: Request,
        defaultLimit: Int?,
        _ render: (T) -> JSON
    ) throws(PostflareError) -> JSON {
        let (rows, hasMore) = try page(items, request, defaultLimit: defaultLimit)
        return list(rows.map(render), hasMore: hasMore)
    }

    static func list(_ data: [JSON], hasMore: Bool) -> JSON {
        ["object": "list", "has_more": .bool(hasMore), "data": .array(data)]
    }

    private static func parameters(
        _ request: Request,
        defaultLimit: Int?
    ) throws(PostflareError)
        -> (limit: Int?, cursor: (id: String, after: Bool)?)
    {
        var limit = defaultLimit
        if let text = request.query("limit") {
            guard let n = Int(text), (1...100).contains(n) else { throw .badPagination }
            limit = n
        }
        let after = request.query("after").flatMap { $0.isEmpty ? nil : $0 }
        let before = request.query("before").flatMap { $0.isEmpty ? nil : $0 }
        if after != nil && before != nil { throw .bothCursors }
        return (limit, after.map { ($0, true) } ?? before.map { ($0, false) })
    }

    private static func position<T: Listed>(
        of id: String,
        in table: OrderedTable<T>,
        _ filter: (T) -> Bool
    )
        -> Int?
    {
        let p = table.position(of: T.rowID(of: id))
        guard let p, filter(table.values[p]) else { return nil }
        return p
    }
}
