// SPDX-License-Identifier: Apache-2.0
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
    var keywords: [String] = []
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
        if let s = request.query("search") {
            q.keywords = s.split(separator: " ").map { $0.lowercased() }.filter { !$0.isEmpty }
        }
        q.skip = max(try integer(request, "skip") ?? 0, 0)
        q.app = request.query("app").flatMap { $0.isEmpty ? nil : $0 }
        return q
    }

    private static func integer(_ request: Request, _ name: String) throws -> Int? {
        guard let v = request.query(name), !v.isEmpty else { return nil }
        guard let n = Int(v.trimmingSpaces()) else { throw FlowdockError.validation(name, "is not a number") }
        return n
    }

    var isSearch: Bool { !keywords.isEmpty }

    /// §5 semantics: filter; `since_id`/`until_id` are exclusive and ignored when searching; take the
    /// `limit` highest ids (default) or lowest (`sort=asc`), after skipping `skip` of them for searches
    /// ("Skip a number of messages in the response of a search request"); answer ascending by id.
    ///
    /// `items` must be ascending by id (flows and conversations append in id order), so the id bounds are
    /// found by binary search and the scan stops once `limit` messages matched.
    func select<T>(_ items: [T], id: (T) -> Int, matches: (T) -> Bool) -> [T] {
        var lower = 0
        var upper = items.count
        if !isSearch {
            if let s = sinceID { lower = Self.firstIndex(items, id) { $0 > s } }
            if let u = untilID { upper = Self.firstIndex(items, id) { $0 >= u } }
        }
        guard lower < upper else { return [] }
        var toSkip = isSearch ? skip : 0
        var page: [T] = []
        let step = ascending ? 1 : -1
        var i = ascending ? lower : upper - 1
        while i >= lower && i < upper && page.count < limit {
            if matches(items[i]) {
                if toSkip > 0 { toSkip -= 1 } else { page.append(items[i]) }
            }
            i += step
        }
        return ascending ? page : page.reversed()
    }

    /// The first index whose id satisfies `predicate` (which is false, then true, along the ids).
    private static func firstIndex<T>(_ items: [T], _ id: (T) -> Int, where predicate: (Int) -> Bool) -> Int {
        var low = 0
        var high = items.count
        while low < high {
            let mid = (low + high) / 2
            if predicate(id(items[mid])) { high = mid } else { low = mid + 1 }
        }
        return low
    }

    func matches(_ m: Message) -> Bool {
        if m.removed { return false }
        if let events, !events.contains(m.event) { return false }
        if let app, m.app.stringValue != app { return false }
        if !tags.isEmpty {
            let hit = tags.map { Tags.contains(m.tags, $0) }
            if tagModeOr ? !hit.contains(true) : hit.contains(false) { return false }
        }
        if isSearch {
            let text = Self.searchableText(m)
            if !keywords.allSatisfy({ text.contains($0) }) { return false }
        }
        return true
    }

    func matches(_ m: PrivateMessage) -> Bool {
        if let events, !events.contains("message") { return false }
        if isSearch {
            let text = m.content.lowercased()
            if !keywords.allSatisfy({ text.contains($0) }) { return false }
        }
        return true
    }

    static func searchableText(_ m: Message) -> String {
        var parts: [String] = []
        if let s = m.content.stringValue { parts.append(s) }
        if let s = m.content["text"]?.stringValue { parts.append(s) }
        if let s = m.content["file_name"]?.stringValue { parts.append(s) }
        if let s = m.extra["title"]?.stringValue { parts.append(s) }
        if let s = m.extra["body"]?.stringValue { parts.append(s) }
        return parts.joined(separator: " ").lowercased()
    }
}
