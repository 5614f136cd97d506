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

    /// Issue 12: `1e999` parsed as infinity and was written back as `null`; out-of-range numbers are
    /// malformed JSON instead.
    @Test(arguments: ["1e999", "-1e999", "[1E400]", #"{"a":2e308}"#, "123456789e1000"])
    func rejectsNonFiniteNumbers(_ text: String) {
        #expect(throws: JSONError.self) { try JSON.parse(text) }
    }

    @Test func largeFiniteNumbersStillParse() throws {
        #expect(try JSON.parse("1.7976931348623157e308") == .double(1.7976931348623157e308))
        #expect(try JSON.parse("1e-999") == .double(0))
        #expect(try JSON.parse("123456789012345678901234567890").doubleValue == 1.2345678901234568e29)
    }

    /// Issue 12: every key was checked against all earlier ones (100,000 keys took 20 s in a release
    /// build, far longer in a debug one). Now they take about 2 s in a debug build on a busy machine.
    @Test func largeObjectsParseInLinearTime() throws {
        var text = "{"
        for i in 0..<100_000 { text += (i == 0 ? "" : ",") + "\"k\(i)\":\(i)" }
        text += "}"
        let started = ContinuousClock.now
        let value = try JSON.parse(text)
        let elapsed = ContinuousClock.now - started
        #expect(value.objectValue?.count == 100_000)
        #expect(value["k99999"] == 99_999)
        #expect(value.objectValue?.keys.prefix(3) == ["k0", "k1", "k2"])
        #expect(elapsed < .seconds(10), "\(elapsed)")
    }

    /// Duplicate keys: the last value wins at the first key's position, in small and large objects alike,
    /// and edits of a large object keep lookups right.
    @Test(arguments: [3, 40, 1_000])
    func duplicateKeysLastValueWinsInPlace(_ count: Int) throws {
        var text = "{"
        for i in 0..<count { text += "\"k\(i)\":\(i)," }
        text += #""k0":"again","k\#(count - 1)":"last"}"#
        var object = try #require(try JSON.parse(text).objectValue)
        #expect(object.count == count)
        #expect(object.keys.first == "k0")
        #expect(object["k0"] == "again")
        #expect(object["k\(count - 1)"] == "last")
        object["k1"] = nil
        #expect(object.count == count - 1)
        #expect(object["k1"] == nil)
        let third: JSON = count > 3 ? 2 : "last"
        #expect(object["k2"] == third)
        object["new"] = true
        object["k0"] = false
        #expect(object.keys.last == "new")
        #expect(object["k0"] == false)
        #expect(object.contains("new") && !object.contains("k1"))
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

    @Test func largeFiniteNumbersStillParseToo() throws {
        #expect(try JSON.parse("1e308").doubleValue == 1e308)
        #expect(try JSON.parse("1e-400").doubleValue == 0)
    }
}

extension String {
    func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}

@Suite struct JSONEscapingTests {
    @Test func escapesControlCharactersQuotesAndBackslashes() throws {
        let s = "a\"b\\c\nd\re\tf\u{08}g\u{0C}h\u{01}i/é"
        let text = JSON.string(s).text
        #expect(text == #""a\"b\\c\nd\re\tf\bg\fh\u0001i/é""#)
        #expect(try JSON.parse(text).stringValue == s)
    }
}
