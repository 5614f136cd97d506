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

    /// Escape-free strings take a fast path (ASCII decoded without validation): non-ASCII must still be
    /// validated there, with the same error and offset as the escaped path.
    @Test func stringFastPathValidatesNonASCII() throws {
        #expect(try JSON.parse(Array(#"["plain","é ü","mixed é\n"]"#.utf8)) == ["plain", "é ü", "mixed é\n"])
        let invalid: [UInt8] = Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        do {
            _ = try JSON.parse(invalid)
            Issue.record("invalid UTF-8 was accepted")
        } catch {
            #expect(error.message == "Invalid UTF-8 in string")
            #expect(error.offset == 8)
        }
        let truncated: [UInt8] = [0x22, 0x61, 0xE2, 0x82, 0x22]  // "a + half of € + "
        #expect(throws: JSONError.self) { try JSON.parse(truncated) }
    }

    @Test func surrogatePairs() throws {
        #expect(try JSON.parse(#""\ud83d\ude00""#).stringValue == "😀")
    }

    @Test func depthIsLimited() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONError.self) { try JSON.parse(deep) }
    }

    /// Found by the `json` fuzz target: `1e999` parsed as infinity and was written back as `null`.
    @Test(arguments: ["1e999", "-1e999", "[1E400]", #"{"a":-12e99999}"#])
    func numbersBeyondDoubleAreRejected(text: String) {
        #expect(throws: JSONError.self) { try JSON.parse(text) }
    }

    @Test func largeFiniteNumbersStillParse() throws {
        #expect(try JSON.parse("1e308").doubleValue == 1e308)
        #expect(try JSON.parse("1e-400").doubleValue == 0)
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
