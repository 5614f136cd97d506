// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// The message-list parameters of §5 (`GET .../messages`, thread and private message lists).
struct ListQuery: Sendable {
    var events: Set<String>?
    var limit = 30
    var ascending = false
    var sinceID: Int?
    var untilID: Int?
    var tags: [String] = []
    var tagModeOr = false
    var search = SearchWords("")
    var skip = 0
    var app: String?

    /// Parses the query. `limit` "ranges from 1 to 100, defaults to 30"; out-of-range values are clamped
    /// [I: undocumented], non-numbers are a validation error. Tags are normalized as when posting, so
    /// `@user` and `:user:<id>` filter alike (§4.11).
    static func parse(_ request: Request, state: State) throws -> ListQuery {
        var q = ListQuery()
        if let e = request.query("event"), !e.trimmingSpaces().isEmpty {
            q.events = Set(e.split(separator: ",").map { $0.trimmingSpaces() })
        }
        if let l = request.query("limit") {
            guard let n = Int(l.trimmingSpaces()) else { throw FlowdockError.validation("limit", "is not a number") }
            q.limit = min(max(n, 1), 100)
        }
        q.ascending = request.query("sort")?.lowercased() == "asc"
        q.sinceID = try integer(request, "since_id")
        q.untilID = try integer(request, "until_id")
        if let t = request.query("tags") {
            q.tags = t.split(separator: ",").compactMap { Tags.normalize(String($0), state: state) ?? String($0) }
        }
        q.tagModeOr = request.query("tag_mode")?.lowercased() == "or"
        // A query without words (blank, punctuation only) is no search: `since_id`/`until_id` then apply.
        if let s = request.query("search") { q.search = SearchWords(s) }
        q.skip = max(try integer(request, "skip") ?? 0, 0)
        q.app = request.query("app").flatMap { $0.isEmpty ? nil : $0 }
        return q
    }

    private static func integer(_ request: Request, _ name: String) throws -> Int? {
        guard let v = request.query(name), !v.isEmpty else { return nil }
        guard let n = Int(v.trimmingSpaces()) else { throw FlowdockError.validation(name, "is not a number") }
        return n
    }

    var isSearch: Bool { !search.isEmpty }

    /// §5 semantics: filter; `since_id`/`until_id` are exclusive and ignored when searching; take the
    /// `limit` highest ids (default) or lowest (`sort=asc`), after skipping `skip` of them for searches
    /// ("Skip a number of messages in the response of a search request"); answer ascending by id.
    ///
    /// Messages are tables keyed by id, so the id bounds are one binary search each and the walk stops once
    /// `limit` messages matched.
    func select<T: OrderedRow>(_ table: OrderedTable<T>, matches: (T) -> Bool) -> [T] where T.OrderKey == Int {
        let positions = isSearch ? nil : table.positions(after: sinceID, before: untilID)
        let page = table.page(
            positions,
            descending: !ascending,
            limit: limit,
            skip: isSearch ? skip : 0,
            where: matches
        )
        return ascending ? page : page.reversed()
    }

    func matches(_ m: Message) -> Bool {
        if m.removed { return false }
        if let events, !events.contains(m.event) { return false }
        if let app, m.app.stringValue != app { return false }
        if !tags.isEmpty {
            let hit = tags.map { Tags.contains(m.tags, $0) }
            if tagModeOr ? !hit.contains(true) : hit.contains(false) { return false }
        }
        if isSearch, !search.words.allSatisfy({ Self.has(m, word: $0) }) { return false }
        return true
    }

    func matches(_ m: PrivateMessage) -> Bool {
        if let events, !events.contains("message") { return false }
        if isSearch, !search.words.allSatisfy({ SearchWords.contains(m.content, word: $0) }) { return false }
        return true
    }

    /// Whether a searched field of `m` has `word`: the content text (a string, or an object's `text` and
    /// `file_name`) and an inbox item's `title` and `body`. Read in place, field by field, stopping at the
    /// first that has it.
    static func has(_ m: Message, word: [UInt8]) -> Bool {
        func has(_ text: String?) -> Bool { text.map { SearchWords.contains($0, word: word) } ?? false }
        return has(m.content.stringValue) || has(m.content["text"]?.stringValue)
            || has(m.content["file_name"]?.stringValue) || has(m.extra["title"]?.stringValue)
            || has(m.extra["body"]?.stringValue)
    }
}
