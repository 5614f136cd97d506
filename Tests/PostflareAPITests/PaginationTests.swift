// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@testable import PostflareAPI

@Suite struct PaginationTests {
    private func ids(_ r: Harness.Result) -> [String] {
        r.json["data"]?.arrayValue?.map { $0["id"]?.stringValue ?? "" } ?? []
    }

    /// Topics `t0…t5` created oldest first, on top of the fixture topics.
    private func topics(_ h: Harness) throws -> [String] {
        try (0..<6).map { i in
            try #require(h.call(.POST, "/topics", ["name": .string("t\(i)"), "default_subscription": "opt_in"]).id)
        }
    }

    @Test func cursorsWalkBothWaysAndHasMoreIsExact() throws {
        let h = try Harness()
        let t = try topics(h)
        let first = h.call(.GET, "/topics?limit=3")
        #expect(ids(first) == [t[5], t[4], t[3]])
        #expect(first.json["has_more"] == true)
        let second = h.call(.GET, "/topics?limit=3&after=\(t[3])")
        #expect(ids(second) == [t[2], t[1], t[0]])
        let before = h.call(.GET, "/topics?limit=2&before=\(t[1])")
        #expect(ids(before) == [t[3], t[2]])
        #expect(before.json["has_more"] == true)
        let top = h.call(.GET, "/topics?limit=2&before=\(t[3])")
        #expect(ids(top) == [t[5], t[4]])
        #expect(top.json["has_more"] == false)
    }

    @Test func withoutALimitTheLegacyListsReturnEverythingPastTheCursor() throws {
        let h = try Harness()
        let t = try topics(h)
        // `GET /contacts/{id}/topics`-style lists have no default limit; `/topics` itself defaults to 20.
        let all = ids(h.call(.GET, "/topics?limit=100"))
        #expect(Array(all.prefix(6)) == t.reversed())
        #expect(ids(h.call(.GET, "/webhooks")) == ids(h.call(.GET, "/webhooks?limit=100")))
        let beforeAll = h.call(.GET, "/topics?limit=100&before=\(t[0])")
        #expect(ids(beforeAll) == Array(t[1...].reversed()))
        #expect(beforeAll.json["has_more"] == false)
    }

    @Test func anUnknownCursorGivesAnEmptyPage() throws {
        let h = try Harness()
        _ = try topics(h)
        for cursor in ["after", "before"] {
            let r = h.call(.GET, "/topics?limit=2&\(cursor)=00000000-0000-4000-8000-000000000000")
            #expect(r.status == 200)
            #expect(ids(r).isEmpty)
            #expect(r.json["has_more"] == false)
        }
    }

    /// A filtered list pages the matching rows only; a cursor naming a row the filter drops is unknown.
    @Test func filteredListsPageTheMatchesOnly() throws {
        let h = try Harness()
        var manual: [String] = []
        for i in 0..<5 {
            manual.append(try #require(h.call(.POST, "/suppressions", ["email": .string("m\(i)@example.org")]).id))
        }
        let page = h.call(.GET, "/suppressions?origin=manual&limit=2")
        #expect(ids(page) == [manual[4], manual[3]])
        #expect(page.json["has_more"] == true)
        let last = h.call(.GET, "/suppressions?origin=manual&limit=2&after=\(manual[1])")
        #expect(ids(last) == [manual[0]])
        #expect(last.json["has_more"] == false)
        let other = h.call(.GET, "/suppressions?origin=bounce&limit=2&after=\(manual[1])")
        #expect(ids(other).isEmpty)
    }

    @Test func aDuplicateListsAsTheNewest() throws {
        let h = try Harness()
        let a = try #require(h.call(.POST, "/automations", AutomationsTests.welcomeFlow).id)
        let b = try #require(h.call(.POST, "/automations", AutomationsTests.welcomeFlow).id)
        let copy = try #require(h.call(.POST, "/automations/\(a)/duplicate").id)
        #expect(ids(h.call(.GET, "/automations")) == [copy, b, a])
        #expect(ids(h.call(.GET, "/automations?limit=1&after=\(copy)")) == [b])
    }
}
