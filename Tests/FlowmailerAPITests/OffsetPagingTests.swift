// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import FlowmailerAPI

/// `items=START-END` pages walk the stored order (a slice of it when nothing filters) instead of building
/// the account's filtered list: on a capped account that has evicted its oldest messages, with and without
/// filters, each page must be the slice of the whole list (as a reference page of 1000, which goes through
/// another path, lists it) and Content-Range must give that list's length.
@Suite struct OffsetPagingTests {
    /// 45 submits one emulator second apart into an account capped at 30: the 3 fixture messages and the
    /// first 15 submits are evicted. Recipients cycle through bounce, error and two plain ones; every other
    /// message has the tag `odd`.
    static func filledHarness() throws -> (Harness, String, [String]) {
        let clock = EmulatorClock(frozenAtMillis: 1_700_000_000_000)
        let h = try Harness(options: .init(tokenLifetimeSeconds: 3600, maxMessagesPerAccount: 30), clock: clock)
        let token = try h.token()
        var ids: [String] = []
        for i in 0..<45 {
            let recipient = ["bounce+\(i)@acme.io", "error\(i)@acme.io", "r1@acme.io", "R2@acme.io"][i % 4]
            let tags = i % 2 == 1 ? #","tags":["odd"]"# : ""
            ids.append(try h.submit(token: token, to: recipient, extra: tags))
            clock.advance(bySeconds: 1)
        }
        clock.advance(bySeconds: 60)  // every life has finished: bounces and errors are visible
        return (h, token, ids)
    }

    static func ids(_ r: Response) -> [String] {
        r.json.arrayValue?.compactMap { ($0["id"] ?? $0["messageId"])?.stringValue } ?? []
    }

    @Test func offsetPagesAreSlicesOfTheWholeListWithAndWithoutFilters() throws {
        let (h, token, submitted) = try Self.filledHarness()
        let first = h.api(.GET, "/545/messages/\(submitted[44])", token: token)
        let flow = try #require(first.json["flow"]?["id"]?.stringValue)
        // Submitted at 1_700_000_020 … 1_700_000_031 (UTC 22:13:40 … 22:13:51): messages 20…31.
        let window = "2023-11-14T22:13:40Z,2023-11-14T22:13:52Z"
        let lists = [
            "/545/messages", "/545/messages?sortorder=DESC", "/545/messages;flow_ids=\(flow)",
            "/545/messages;flow_ids=99999", "/545/messages;daterange=\(window)",
            "/545/messages;daterange=\(window)?sortorder=DESC", "/545/recipient/r1@acme.io/messages",
            "/545/recipient/r2@acme.io/messages?sortorder=DESC", "/545/tag/odd/messages",
            "/545/sender/app@example.com/messages", "/545/flows/\(flow)/messages;daterange=\(window)",
            "/545/undeliveredmessages", "/545/undeliveredmessages?sortorder=DESC", "/545/message_hold",
        ]
        var sawEmpty = false
        var sawFiltered = false
        for list in lists {
            let whole = h.api(.GET, list, token: token, headers: [("Range", "items=:1000")])
            #expect(whole.status == .partialContent, "\(list)")
            let all = Self.ids(whole)
            if all.isEmpty { sawEmpty = true } else if all.count < 30 { sawFiltered = true }
            let n = all.count
            for (start, end) in [(0, 10), (3, 9), (10, 100), (n - 1, n + 5), (n, n + 1), (40, 50), (0, 1)]
            where start >= 0 && end > start {
                let r = h.api(.GET, list, token: token, headers: [("Range", "items=\(start)-\(end)")])
                #expect(r.status == .partialContent, "\(list) \(start)-\(end)")
                let expected = start < n ? Array(all[start..<min(end, n)]) : []
                #expect(Self.ids(r) == expected, "\(list) \(start)-\(end)")
                let range = expected.isEmpty ? nil : "items \(start)-\(start + expected.count)/\(n)"
                #expect(r.headers["Content-Range"] == range, "\(list) \(start)-\(end)")
                #expect(r.headers["Next-Range"] == nil, "\(list) \(start)-\(end)")
            }
        }
        // The lists cover the three shapes: the whole account, a narrowed one, an empty one.
        #expect(sawEmpty)
        #expect(sawFiltered)
        let all = Self.ids(h.api(.GET, "/545/messages", token: token, headers: [("Range", "items=0-1000")]))
        #expect(all == Array(submitted.suffix(30)))
    }

    /// The unfiltered slice agrees with a walk over the table for every offset: ascending and descending,
    /// each page against the filtered-list slice the old implementation cut (`matching` + `Paginator`).
    @Test func everyOffsetOfTheStoredOrderMatchesTheFilteredListSlice() throws {
        let (h, _, _) = try Self.filledHarness()
        let table = try h.api.store.read("545") { $0.messages }
        let rows = Array(table.values)
        for descending in [false, true] {
            let ordered = descending ? Array(rows.reversed()) : rows
            for start in 0...31 {
                for size in [1, 4, 30] {
                    let old = Paginator.page(
                        ordered,
                        range: .items(start: start, end: start + size),
                        field: MessageQuery.inserted,
                        descending: descending
                    ) { ($0.inserted.millis, $0.id) }
                    let new = table.offsetPage(descending: descending, offset: start, limit: size)
                    let cut = Paginator.itemsPage(new.rows, start: start, total: new.total)
                    #expect(cut.rows.map(\.id) == old.rows.map(\.id), "\(descending) \(start)+\(size)")
                    #expect(cut.headers["Content-Range"] == old.headers["Content-Range"])
                    let filtered = table.offsetPage(descending: descending, offset: start, limit: size) {
                        $0.recipientAddress == "r1@acme.io"
                    }
                    let oldFiltered = ordered.filter { $0.recipientAddress == "r1@acme.io" }
                    let slice =
                        start < oldFiltered.count ? oldFiltered[start..<min(start + size, oldFiltered.count)] : []
                    #expect(filtered.rows.map(\.id) == slice.map(\.id))
                    #expect(filtered.total == oldFiltered.count)
                }
            }
        }
    }

    /// The recipient/sender filter's comparison agrees with `lowercased() ==` (ASCII fast path, Unicode rest).
    @Test func caseInsensitiveAddressComparisonAgreesWithLowercased() {
        let texts = [
            "R1@Acme.io", "r1@acme.io", "r1@acme.i", "r1@acme.ioo", "", "ÉLODIE@acme.io", "élodie@acme.io", "x@ß.de",
        ]
        let targets = ["r1@acme.io", "élodie@acme.io", "", "x@ß.de", "r1@acme.i"]
        for text in texts {
            for target in targets {
                #expect(
                    FlowmailerAPI.equalLowercased(text, target) == (text.lowercased() == target),
                    "\(text) \(target)"
                )
            }
        }
    }
}
