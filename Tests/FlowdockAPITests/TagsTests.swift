// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import FlowdockAPI

@Suite struct TagsTests {
    func state() throws -> State { try FixtureLoader.load(Client.fixtures(), now: 0) }

    @Test func parseText() throws {
        let s = try state()
        #expect(Tags.parse("@Marty, there's a severe #bug", state: s) == ["bug", ":user:2", ":unread:2"])
        #expect(Tags.parse("mail otto@example.com about issue#5", state: s).isEmpty)  // not at a word start
        #expect(Tags.parse("Hey @all and @nobody, see www.example.com.", state: s) == [":user:everyone", ":url"])
        #expect(Tags.parse("@doc.", state: s) == [":user:4", ":unread:4"])
        #expect(Tags.parse("note to self @Doc", state: s, author: 4) == [":user:4"])
        #expect(Tags.parse("#ünïcode #a-b_c", state: s) == ["ünïcode", "a-b_c"])
    }

    @Test func normalizeGivenTags() throws {
        let s = try state()
        #expect(Tags.normalize("#cool", state: s) == "cool")
        #expect(Tags.normalize("@Mike", state: s) == nil)
        #expect(Tags.normalize("@marty", state: s) == ":user:2")
        #expect(Tags.normalize("@Everybody", state: s) == ":user:everyone")
        #expect(Tags.normalize(":user:12", state: s) == ":user:12")
        #expect(Tags.normalize(" # ", state: s) == nil)
        // The documented equivalence: ["@Mike", "#cool", "awesome"] and "#awesome,cool,@mike".
        let a = Set(Tags.build(given: ["@Marty", "#cool", "awesome"], text: nil, state: s))
        let b = Set(Tags.build(given: ["#awesome", "cool", "@marty"], text: nil, state: s))
        #expect(a == b)
        #expect(Tags.unique(["A", "a", "b"]) == ["A", "b"])
    }
}
