// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@testable import FlowdockAPI

/// `search=` matches whole words, case-insensitively, every keyword somewhere in the message (Flowdock's
/// `_keywords` search, see `SearchWords`), and `skip` pages the matches like the unsearched list pages.
@Suite struct SearchTests {
    static let contents = [
        "Deploy finished for r1@acme.io, see the dashboard", "deployment started", "DASHBOARD is red",
        "flux-capacitor broken", "the dashboard_v2 works", "Café ouvert, Dashboard ok", "nothing to see",
    ]

    /// acme/another-flow (empty in the fixtures): 70 messages cycling through `contents`, ids 1…70.
    func seeded() throws -> Client {
        let c = try Client()
        for i in 0..<70 {
            let r = c.send(
                .POST,
                "/flows/acme/another-flow/messages",
                json: ["event": "message", "content": .string(Self.contents[i % Self.contents.count])]
            )
            #expect(r.status == 201)
        }
        return c
    }

    func ids(_ c: Client, _ query: String) -> [Int] {
        (c.send(.GET, "/flows/acme/another-flow/messages?" + query).json.arrayValue ?? []).compactMap {
            $0["id"]?.intValue
        }
    }

    /// The ids whose content is one of `hits` (indexes into `contents`).
    func expected(_ hits: Set<Int>) -> [Int] { (1...70).filter { hits.contains(($0 - 1) % Self.contents.count) } }

    @Test func keywordsMatchWholeWordsCaseInsensitively() throws {
        let c = try seeded()
        #expect(ids(c, "search=dashboard&limit=100") == expected([0, 2, 5]))
        #expect(ids(c, "search=DEPLOY&limit=100") == expected([0]))
        #expect(ids(c, "search=deploy+dashboard&limit=100") == expected([0]))
        #expect(ids(c, "search=dashboard+red&limit=100") == expected([2]))
        // The query is split into words as the messages are: both halves must be words of the message.
        #expect(ids(c, "search=flux-capacitor&limit=100") == expected([3]))
        #expect(ids(c, "search=capacitor&limit=100") == expected([3]))
        #expect(ids(c, "search=dashboard_v2&limit=100") == expected([4]))
        #expect(ids(c, "search=caf%C3%89&limit=100") == expected([5]))
        #expect(ids(c, "search=r1%40acme.io&limit=100") == expected([0]))
        // Parts of words do not match.
        #expect(ids(c, "search=dash&limit=100").isEmpty)
        #expect(ids(c, "search=deploym&limit=100").isEmpty)
        // No words at all is no search: the newest 30, `until_id` honoured.
        #expect(ids(c, "search=%2C%2C&until_id=11") == Array(1...10))
    }

    /// Every `skip`/`limit`/`sort` page is the slice of the whole match list that the unsearched walk takes.
    @Test func skipPagesTheMatchesFromEitherEnd() throws {
        let c = try seeded()
        let all = expected([0, 2, 5])
        for limit in [1, 7, 30] {
            for skip in [0, 1, 5, 29, 30, all.count - 1, all.count, 100] {
                let newest = ids(c, "search=dashboard&limit=\(limit)&skip=\(skip)")
                let fromTop = Array(all.reversed().dropFirst(skip).prefix(limit).reversed())
                #expect(newest == fromTop, "limit \(limit) skip \(skip)")
                let oldest = ids(c, "search=dashboard&sort=asc&limit=\(limit)&skip=\(skip)")
                #expect(oldest == Array(all.dropFirst(skip).prefix(limit)), "asc limit \(limit) skip \(skip)")
            }
        }
    }

    @Test func queryWordsAreLowerCasedAndDeduplicated() {
        let q = SearchWords("Deploy,  deploy DASHBOARD!")
        #expect(q.words == [Array("deploy".utf8), Array("dashboard".utf8)])
        #expect(SearchWords(" ,.; ").isEmpty)
        #expect(SearchWords.contains("A Dashboard.", word: Array("dashboard".utf8)))
        #expect(!SearchWords.contains("dashboards", word: Array("dashboard".utf8)))
    }
}
