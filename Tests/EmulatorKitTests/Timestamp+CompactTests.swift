// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Testing

@Suite struct TimestampCompactTests {
    @Test func formatsAndParsesBothWidths() {
        let t = Timestamp(millis: 1_640_869_391_123)  // 2021-12-30T13:03:11.123Z
        #expect(t.compact() == "20211230130311")
        #expect(t.compactMillis() == "20211230130311123")
        #expect(Timestamp(compact: Array("20211230130311123".utf8)) == t)
        #expect(Timestamp(compact: Array("20211230130311".utf8)) == Timestamp(millis: 1_640_869_391_000))
    }

    @Test func writesDigitsInPlace() {
        let t = Timestamp(millis: 951_782_400_007)  // 2000-02-29T00:00:00.007Z
        var out = [UInt8](repeating: UInt8(ascii: "x"), count: 19)
        let ok = out.withUnsafeMutableBufferPointer { t.writeCompactMillis(into: $0, at: 2) }
        #expect(ok)
        #expect(String(decoding: out, as: UTF8.self) == "xx20000229000000007")
        var short = [UInt8](repeating: 0, count: 10)
        #expect(!short.withUnsafeMutableBufferPointer { t.writeCompactMillis(into: $0, at: 0) })
        var wide = [UInt8](repeating: 0, count: 17)
        let farFuture = Timestamp(millis: 253_402_300_800_000)  // year 10000
        #expect(!wide.withUnsafeMutableBufferPointer { farFuture.writeCompactMillis(into: $0, at: 0) })
    }

    @Test(arguments: [
        "2021123013031", "202112301303111", "20211330130311", "20211200130311", "20211230240311",
        "20211230136011", "2021123013031a", "202112301303111234",
    ])
    func rejectsMalformedDigits(_ text: String) {
        #expect(Timestamp(compact: Array(text.utf8)) == nil)
    }

    @Test func roundTripsAcrossYears() {
        for millis in stride(from: Int64(0), to: 4_000_000_000_000, by: 98_765_432_109) {
            let t = Timestamp(millis: millis)
            #expect(Timestamp(compact: Array(t.compactMillis().utf8)) == t)
        }
    }
}
