// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import MailDoubleTesting
import Testing

/// §5: filters, exclusive since/until, sort toggling which end is taken, answers always ascending.
@Suite struct MessageListTests {
    /// acme/another-flow starts empty: messages 1…40, every fifth a `status`, tags alternate.
    func seeded() throws -> Client {
        let c = try Client()
        seed(c)
        return c
    }

    /// Runs `body` on a seeded client reached through `mode`.
    func withSeeded(_ mode: TestMode, _ body: (Client) throws -> Void) throws {
        try Client.with(mode) { c in
            seed(c)
            try body(c)
        }
    }

    func seed(_ c: Client) {
        for i in 1...40 {
            let event = i % 5 == 0 ? "status" : "message"
            let tags: JSON = i % 2 == 0 ? ["even"] : ["odd", "#Blue"]
            let content = i == 7 ? "lucky seven apples" : i == 8 ? "apples and pears" : "message \(i)"
            let r = c.send(
                .POST,
                "/flows/acme/another-flow/messages",
                json: ["event": .string(event), "content": .string(content), "tags": tags]
            )
            #expect(r.json["id"]?.intValue == i)
        }
    }

    func ids(_ c: Client, _ query: String) -> [Int] {
        (c.send(.GET, "/flows/acme/another-flow/messages" + query).json.arrayValue ?? []).compactMap {
            $0["id"]?.intValue
        }
    }

    @Test(arguments: TestMode.allCases)
    func defaultIsTheLatestThirtyAscending(_ mode: TestMode) throws {
        try withSeeded(mode) { c in
            #expect(ids(c, "") == Array(11...40))
        }
    }

    @Test(arguments: TestMode.allCases)
    func limitIsClampedToOneThroughHundred(_ mode: TestMode) throws {
        try withSeeded(mode) { c in
            #expect(ids(c, "?limit=3") == [38, 39, 40])
            #expect(ids(c, "?limit=0") == [40])
            #expect(ids(c, "?limit=500").count == 40)
            let bad = c.send(.GET, "/flows/acme/another-flow/messages?limit=abc")
            #expect(bad.status == 400)
            #expect(bad.json["errors"]?["limit"] != nil)
        }
    }

    @Test func sinceAndUntilAreExclusive() throws {
        let c = try seeded()
        #expect(ids(c, "?until_id=10&limit=3") == [7, 8, 9])
        #expect(ids(c, "?since_id=35") == [36, 37, 38, 39, 40])
        // Default sort takes the newest after since_id; sort=asc the oldest (polling).
        #expect(ids(c, "?since_id=10&limit=3") == [38, 39, 40])
        #expect(ids(c, "?since_id=10&limit=3&sort=asc") == [11, 12, 13])
        #expect(ids(c, "?since_id=10&until_id=14") == [11, 12, 13])
    }

    @Test func sortAscTakesTheOldest() throws {
        let c = try seeded()
        #expect(ids(c, "?sort=asc&limit=4") == [1, 2, 3, 4])
        #expect(ids(c, "?sort=desc&limit=2") == [39, 40])
    }

    @Test func eventFilterAcceptsAList() throws {
        let c = try seeded()
        #expect(ids(c, "?event=status") == [5, 10, 15, 20, 25, 30, 35, 40])
        #expect(ids(c, "?event=status,message&limit=2") == [39, 40])
        #expect(ids(c, "?event=comment").isEmpty)
    }

    @Test func tagsAndTagMode() throws {
        let c = try seeded()
        #expect(ids(c, "?tags=odd,blue&limit=3") == [35, 37, 39])
        #expect(ids(c, "?tags=odd,even&limit=100").isEmpty)
        #expect(ids(c, "?tags=odd,even&tag_mode=or&limit=100").count == 40)
        #expect(ids(c, "?tags=%23BLUE&limit=1") == [39])  // "#" optional, case-insensitive
    }

    @Test func userTagsFilterByMentionOrId() throws {
        let c = try Client()
        #expect(ids(c, "").isEmpty)
        let all = c.send(.GET, "/flows/acme/my-flow/messages?tags=@Marty").json.arrayValue ?? []
        let byID = c.send(.GET, "/flows/acme/my-flow/messages?tags=:user:2").json.arrayValue ?? []
        #expect(all.count == 1)
        #expect(all == byID)
    }

    @Test(arguments: TestMode.allCases)
    func searchIgnoresSinceUntilAndPagesWithSkip(_ mode: TestMode) throws {
        try withSeeded(mode) { c in
            #expect(ids(c, "?search=apples") == [7, 8])
            #expect(ids(c, "?search=apples+lucky") == [7])
            #expect(ids(c, "?search=apples&until_id=2") == [7, 8])
            #expect(ids(c, "?search=apples&limit=1") == [8])
            #expect(ids(c, "?search=apples&limit=1&skip=1") == [7])
            #expect(ids(c, "?search=message&sort=asc&limit=2&skip=2") == [3, 4])
        }
    }

    @Test func appFilter() throws {
        let c = try Client()
        let inbox = c.send(.GET, "/flows/acme/my-flow/messages?app=influx").json.arrayValue ?? []
        #expect(inbox.map { $0["event"] } == ["activity"])
    }
}
