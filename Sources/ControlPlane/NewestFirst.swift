// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// `GET /_emulator/messages?order=desc`: newest first, for the web inbox, at a cost that does not grow with
/// the number of stored messages.
///
/// The arrival-order listing builds every vendor's whole message list per page (~100 ms at 100,000 stored).
/// Newest first walks the change feed's `message.stored` changes backwards instead: each names one message,
/// already in order, which is looked up by id (a hash lookup in every vendor) and filtered. A page costs the
/// stored changes it walks (with no filter, `limit`), not the events between them. Messages the feed no
/// longer holds (fixtures, and those stored before its oldest change) come after, from one arrival-order scan,
/// reversed: only a page that reaches them pays for it.
///
/// Cursors: `s<seq>` continues with the changes before `seq`; `f<n>` continues `n` messages into the
/// messages the feed does not hold.
extension ControlPlane {
    /// How many feed changes one step of the backward walk reads.
    static let walkChunk = 512

    func listMessagesNewestFirst(_ request: Request, _ query: MessageQuery) throws(HTTPError) -> Response {
        var before = changes.lastSeq + 1
        var fallbackOffset: Int?
        if let cursor = request.query("cursor") {
            let digits = cursor.dropFirst()
            if cursor.hasPrefix("s"), let n = UInt64(digits), n > 0 {
                before = min(n, before)
            } else if cursor.hasPrefix("f"), let n = Int(digits), n >= 0 {
                fallbackOffset = n
            } else {
                throw HTTPError(.badRequest, message: "'cursor' is not one we gave (order=desc).")
            }
        }
        var page: [(message: InspectedMessage, seq: UInt64)] = []
        let oldest = changes.oldestSeq
        if fallbackOffset == nil {
            page = walkFeed(query, before: before, atMost: query.limit + 1)
            if page.count > query.limit {
                page.removeLast()
                return Self.page(page, next: "s\(page[page.count - 1].seq)")
            }
        }
        // The feed is walked to its start: what it does not hold (fixtures, older messages, and every message
        // whose `message.stored` change later changes pushed out — a lived life is several events), newest
        // first, from each vendor's storage walked from its end: a page builds `offset + limit` messages per
        // tenant, not every stored one (a full scan cost ~0.5 s at 100,000 aged e-mails).
        let offset = fallbackOffset ?? 0
        let wanted = query.limit - page.count
        let seqs = self.seqs.all()
        var older: [[InspectedMessage]] = []
        for vendor in vendors where query.vendor == nil || query.vendor == vendor.name {
            var tenant: String?
            if query.tenant != nil {
                guard let native = query.nativeTenants[vendor.name] else { continue }
                tenant = native
            }
            older.append(
                vendor.newestMessages(tenant: tenant, limit: offset + wanted + 1) { m in
                    let seq = seqs[Self.key(m.vendor, m.id)] ?? 0
                    return seq < oldest && query.matches(m, seq: seq)
                }
            )
        }
        let rest = InspectedMessage.mergedNewest(older, limit: offset + wanted + 1).dropFirst(offset)
            .map { (message: $0, seq: seqs[Self.key($0.vendor, $0.id)] ?? 0) }
        page += rest.prefix(wanted)
        return Self.page(page, next: rest.count > wanted ? "f\(offset + wanted)" : nil)
    }

    /// Up to `atMost` matching messages stored at feed changes below `before`, newest first. It reads only
    /// the feed's `message.stored` changes (`storedChanges(before:limit:)`): once the messages have lived
    /// their lives the feed is mostly their events, and walking those cost 14 ms a page at 100k stored.
    func walkFeed(
        _ query: MessageQuery,
        before start: UInt64,
        atMost: Int
    ) -> [(message: InspectedMessage, seq: UInt64)] {
        let byName = Dictionary(vendors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var out: [(message: InspectedMessage, seq: UInt64)] = []
        var before = start
        while out.count < atMost {
            let batch = changes.storedChanges(before: before, limit: Self.walkChunk)
            guard let last = batch.last else { break }
            for change in batch {
                if let v = query.vendor, change.vendor != v { continue }
                // The change carries the native tenant: a tenant filter skips other tenants without a lookup.
                if query.tenant != nil, query.nativeTenants[change.vendor] != change.tenant { continue }
                guard let vendor = byName[change.vendor], let m = vendor.inspectMessage(id: change.id) else {
                    continue  // forgotten, reset or evicted since
                }
                guard query.matches(m, seq: change.seq) else { continue }
                out.append((m, change.seq))
                if out.count >= atMost { break }
            }
            before = last.seq
        }
        return out
    }

    static func page(_ items: [(message: InspectedMessage, seq: UInt64)], next: String?) -> Response {
        .json([
            "data": .array(items.map { summary($0.message, seq: $0.seq) }),
            "has_more": .bool(next != nil),
            "next": next.map { .string($0) } ?? .null,
        ])
    }
}
