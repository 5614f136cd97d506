// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import MailDoubleTesting
import Testing

@testable import FlowmailerAPI

@Suite struct PagingTests {
    @Test func base32HexRoundTrip() {
        let text = "I>2021123013043392820211230130412891aae52e2f9e6ed11"
        let encoded = Base32Hex.encode(text.utf8)
        #expect(encoded == "94V34C1I64OJ4CPG64PJ0D1J6CSJ4E1I60P32C9I6CO32CPG6GOJ4E1P65GM2P9L69IJ4PHPCKR6AP1H64")
        #expect(Base32Hex.decode(encoded).map { String(decoding: $0, as: UTF8.self) } == text)
        #expect(Base32Hex.decode("WXYZ") == nil)
    }

    /// The byte-built key text matches the documented form (`I>` + yyyyMMddHHmmssSSS + id) and parses back.
    @Test func pageKeyEncodingRoundTrips() throws {
        let ts = try #require(Timestamp.parseISO8601("2021-12-30T13:04:33.928Z"))
        let key = PageKey(
            field: UInt8(ascii: "I"),
            after: true,
            millis: ts.millis,
            id: "20211230130412891aae52e2f9e6ed11"
        )
        #expect(key.encoded == Base32Hex.encode("I>2021123013043392820211230130412891aae52e2f9e6ed11".utf8))
        #expect(PageKey(encoded: key.encoded) == key)
        let early = PageKey(field: UInt8(ascii: "S"), after: false, millis: 7, id: "x")
        #expect(PageKey(encoded: early.encoded) == early)
    }

    @Test func parsesBothDialects() throws {
        #expect(try RangeRequest.parse("items=:10") == .reference(nil, count: 10))
        #expect(try RangeRequest.parse("items=0-10") == .items(start: 0, end: 10))
        #expect(try RangeRequest.parse("items=:5000") == .reference(nil, count: 1000))
        #expect(try RangeRequest.parse(nil) == .reference(nil, count: 100))
        for bad in ["bytes=0-10", "items=:0", "items=10-5", "items=ZZZ:10", "items=abc"] {
            #expect(throws: HTTPError.self, "\(bad)") { try RangeRequest.parse(bad) }
        }
    }

    @Test(arguments: TestMode.allCases)
    func itemsRangeReportsTotal(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let token = try h.token()
            let r = h.api(.GET, "/545/messages", token: token, headers: [("Range", "items=1-10")])
            #expect(r.status == .partialContent)
            #expect(r.headers["Content-Range"] == "items 1-3/3")
            #expect(
                r.json.arrayValue?.map { $0["id"] } == [
                    "202112301304100c7ded281d3069537b", "20211230130412891aae52e2f9e6ed11",
                ]
            )
        }
    }

    @Test(arguments: TestMode.allCases)
    func badRangeIs400(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let token = try h.token()
            let r = h.api(.GET, "/545/messages", token: token, headers: [("Range", "items=oops")])
            #expect(r.status == .badRequest)
            #expect(r.json["allErrors"]?[0]?["code"] == "range.invalid")
        }
    }

    @Test(arguments: TestMode.allCases)
    func descendingAndSubmittedOrders(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let token = try h.token()
            let desc = h.api(.GET, "/545/messages?sortorder=DESC", token: token, headers: [("Range", "items=:2")])
            #expect(
                desc.json.arrayValue?.map { $0["id"] } == [
                    "20211230130412891aae52e2f9e6ed11", "202112301304100c7ded281d3069537b",
                ]
            )
            let next = try #require(desc.headers["Next-Range"])
            let rest = h.api(.GET, "/545/messages?sortorder=DESC", token: token, headers: [("Range", next)])
            #expect(rest.json.arrayValue?.map { $0["id"] } == ["20211230130407e3b36e2e92fdbefc86"])
            let submitted = h.api(
                .GET,
                "/545/messages?sortfield=SUBMITTED",
                token: token,
                headers: [("Range", "items=:10")]
            )
            #expect(submitted.json.arrayValue?.count == 3)
            #expect(h.api(.GET, "/545/messages?sortfield=NAME", token: token).status == .badRequest)
        }
    }

    @Test func flowFilterAndEventsNewestFirst() throws {
        let h = try Harness()
        let token = try h.token()
        let flow = h.api(.GET, "/545/messages;flow_ids=16814", token: token, headers: [("Range", "items=:10")])
        #expect(flow.json.arrayValue?.count == 2)
        let events = h.api(.GET, "/545/message_events", token: token, headers: [("Range", "items=:3")])
        let received = events.json.arrayValue?.compactMap { $0["received"]?.stringValue } ?? []
        #expect(received.count == 3)
        #expect(received == received.sorted(by: >))
        #expect(events.headers["Next-Range"] != nil)
    }

    /// The SDK's documented sync loop (spec §3.4): follow `Next-Range` until it is absent, store the last
    /// reference, and later resume from it to get exactly the messages that arrived since.
    @Test func savedReferencePollsOnlyNewMessages() throws {
        let h = try Harness()
        let token = try h.token()
        var reference = "items=:2"
        var seen: [String] = []
        while true {
            let r = h.api(.GET, "/545/messages", token: token, headers: [("Range", reference)])
            #expect(r.status == .partialContent)
            guard let next = r.headers["Next-Range"] else { break }
            // ContentRange::fromString: "items START:END/*"; Next-Range reuses END.
            let contentRange = try #require(r.headers["Content-Range"])
            #expect(contentRange.hasSuffix("/*"))
            let end = contentRange.dropFirst("items ".count).dropLast(2).split(separator: ":")[1]
            #expect(next == "items=\(end):2")
            seen += r.json.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            reference = next
        }
        #expect(seen.count == 3)
        let a = try h.submit(token: token)
        let b = try h.submit(token: token)
        let later = h.api(.GET, "/545/messages", token: token, headers: [("Range", reference)])
        #expect(later.json.arrayValue?.compactMap { $0["id"]?.stringValue } == [a, b])
    }

    /// Events page newest first; events that appear meanwhile are newer, so paging on never repeats one.
    @Test func eventPagesAreDisjoint() throws {
        let clock = EmulatorClock(frozenAtMillis: 1_700_000_000_000)
        let h = try Harness(clock: clock)
        let token = try h.token()
        for i in 0..<5 { _ = try h.submit(token: token, to: "u\(i)@example.com") }
        clock.advance(bySeconds: 3)
        var range = "items=:4"
        var keys: [String] = []
        var pages = 0
        while true {
            let r = h.api(.GET, "/545/message_events", token: token, headers: [("Range", range)])
            guard let next = r.headers["Next-Range"] else { break }
            keys +=
                r.json.arrayValue?.map { "\($0["messageId"]?.stringValue ?? "")/\($0["type"]?.stringValue ?? "")" }
                ?? []
            if pages == 0 {
                _ = try h.submit(token: token)  // a newer message: its events sort before the current position
                clock.advance(bySeconds: 3)
            }
            pages += 1
            range = next
        }
        #expect(Set(keys).count == keys.count)
        #expect(keys.count == 5 * 3 + 8)  // 5 delivered messages + the 8 events of the fixture messages
    }

    /// Several threads submit while another follows `Next-Range` from `items=:N`; once the submitters are done
    /// the reader drains the rest. Every message must be seen exactly once (spec §3.2 keyset stability).
    /// The keyset fast path agrees with offset paging both ways, and a page's start ref reads backwards.
    @Test func keysetPagesMatchOffsetPages() throws {
        let h = try Harness(clock: EmulatorClock(frozenAtMillis: 1_700_000_000_000))
        let token = try h.token()
        for i in 0..<22 { _ = try h.submit(token: token, to: "r\(i)@example.com") }
        for order in ["ASC", "DESC"] {
            let all = h.api(.GET, "/545/messages?sortorder=\(order)", token: token, headers: [("Range", "items=0-100")])
            let expected = all.json.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            #expect(expected.count == 25)
            var got: [String] = []
            var range = "items=:4"
            var pages: [HTTPHeaders] = []
            while true {
                let r = h.api(.GET, "/545/messages?sortorder=\(order)", token: token, headers: [("Range", range)])
                guard let next = r.headers["Next-Range"] else { break }
                pages.append(r.headers)
                got += r.json.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
                range = next
            }
            #expect(got == expected, "\(order)")
            // Page 3's start reference, sent back with `<`, yields page 2.
            let contentRange = try #require(pages[2]["Content-Range"])
            let startRef = contentRange.dropFirst("items ".count).split(separator: ":")[0]
            let back = h.api(
                .GET,
                "/545/messages?sortorder=\(order)",
                token: token,
                headers: [("Range", "items=\(startRef):4")]
            )
            #expect(
                back.json.arrayValue?.compactMap { $0["id"]?.stringValue } == Array(expected[4..<8]),
                "\(order) backwards"
            )
        }
    }

    @Test func concurrentSubmitsAreSeenExactlyOnce() async throws {
        // A token for the whole test: the writers may start late on a busy machine (the cooperative pool
        // is shared with blocking tests), and one run saw every submit answered 401 after the default
        // 60-second lifetime had passed. Expiry has its own tests.
        let h = try Harness(options: .init(tokenLifetimeSeconds: 3600))
        let token = try h.token()
        let writers = 4
        let perWriter = 60
        let submitted = IDList()
        let seen = IDList()

        let lastRange = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<writers {
                group.addTask {
                    for _ in 0..<perWriter {
                        if let id = try? h.submit(token: token) { submitted.append([id]) }
                    }
                    return nil
                }
            }
            group.addTask {
                var range = "items=:7"
                for _ in 0..<200 {
                    if let next = Self.readPage(h, token, range, into: seen) { range = next }
                    await Task.yield()
                }
                return range
            }
            var last: String?
            for await value in group where value != nil { last = value }
            return last
        }
        // Drain: keep following Next-Range until an empty page.
        var range = try #require(lastRange)
        while let next = Self.readPage(h, token, range, into: seen) { range = next }

        let all = seen.ids
        let ids = submitted.ids
        #expect(ids.count == writers * perWriter)
        #expect(Set(all).count == all.count, "a message was returned twice")
        #expect(Set(all).isSuperset(of: ids), "a message was skipped")
        #expect(all.count == ids.count + 3)  // plus the three fixture messages
    }

    static func readPage(_ h: Harness, _ token: String, _ range: String, into seen: IDList) -> String? {
        let r = h.api(.GET, "/545/messages", token: token, headers: [("Range", range)])
        seen.append(r.json.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
        return r.headers["Next-Range"]
    }
}

/// A thread-safe list of ids shared between test tasks.
final class IDList: Sendable {
    private let list = Locked<[String]>([])
    func append(_ ids: [String]) { list.withLock { $0 += ids } }
    var ids: [String] { list.withLock { $0 } }
}
