// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@Suite struct JSONTests {
    @Test func roundTripKeepsOrderAndIntegers() throws {
        let text = #"{"z":1,"a":[true,false,null],"s":"é\n\"q\"","d":1.5,"big":9007199254740993}"#
        let v = try JSON.parse(text)
        #expect(v.text == text.replacingOccurrences(of: "é", with: "é"))
        #expect(v["big"]?.intValue == 9_007_199_254_740_993)
        #expect(v.objectValue?.keys == ["z", "a", "s", "d", "big"])
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "\"\\x\"", "tru", "1 2", "{\"a\":1}}"])
    func rejectsMalformed(_ text: String) {
        #expect(throws: JSONError.self) { try JSON.parse(text) }
    }

    @Test func surrogatePairs() throws {
        #expect(try JSON.parse(#""\ud83d\ude00""#).stringValue == "😀")
    }

    @Test func depthIsLimited() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONError.self) { try JSON.parse(deep) }
    }
}

extension String {
    func replacingOccurrences(of a: String, with b: String) -> String { split(separator: a, omittingEmptySubsequences: false).joined(separator: b) }
}

@Suite struct JSONEscapingTests {
    @Test func escapesControlCharactersQuotesAndBackslashes() throws {
        let s = "a\"b\\c\nd\re\tf\u{08}g\u{0C}h\u{01}i/é"
        let text = JSON.string(s).text
        #expect(text == #""a\"b\\c\nd\re\tf\bg\fh\u0001i/é""#)
        #expect(try JSON.parse(text).stringValue == s)
    }
}
