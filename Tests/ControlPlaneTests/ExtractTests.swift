// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import ControlPlane

@Suite struct ExtractTests {
    @Test func linksInTextAndHTMLOnceEachWithoutTrailingPunctuation() {
        let links = Extract.links(in: [
            "Confirm at https://app.example/confirm?t=1. Or http://x.example/a, then",
            #"<a href="https://app.example/confirm?t=1">go</a> <a href='https://b.example/p?a=1&amp;b=2'>b</a>"#,
        ])
        #expect(links == ["https://app.example/confirm?t=1", "http://x.example/a", "https://b.example/p?a=1&b=2"])
        #expect(Extract.links(in: ["no links here, only https:// alone"]).isEmpty)
    }

    @Test func codesAreStandaloneDigitGroupsAndSplitSixes() {
        let codes = Extract.codes(in: ["Your code is 482913.", "Or use 123-456 or 789 012", "order A12345 and 2026x"])
        #expect(codes == ["482913", "123-456", "789 012"])
        #expect(Extract.codes(in: ["123 and 123456789 are not codes, 4321 is"]) == ["4321"])
    }
}
