// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@Suite struct UTF8ScanTests {
    /// The contiguous fast path answers as the generic UTF8View walk does, on strings and substrings,
    /// small (inline) and large, ASCII and not.
    @Test(arguments: [
        "", "a", "héllo wörld", "line\r\nbreak", String(repeating: "x", count: 100) + "\n", "é\u{0301}@b",
    ])
    func scansAgreeWithTheUTF8View(_ s: String) {
        let predicates: [(UInt8) -> Bool] = [
            { $0 == 0x0A }, { $0 >= 0x80 }, { $0 == UInt8(ascii: "@") }, { _ in true },
        ]
        for p in predicates {
            #expect(s.utf8Contains(where: p) == s.utf8.contains(where: p))
            #expect(s.utf8AllSatisfy(p) == s.utf8.allSatisfy(p))
            let sub = s.dropFirst()
            #expect(sub.utf8Contains(where: p) == sub.utf8.contains(where: p))
        }
        for byte in [UInt8(ascii: "x"), UInt8(ascii: "@"), 0x0A, 0xA9] {
            #expect(
                s.utf8FirstOffset(of: byte)
                    == s.utf8.firstIndex(of: byte).map { s.utf8.distance(from: s.utf8.startIndex, to: $0) }
            )
            #expect(
                s.utf8LastOffset(of: byte)
                    == s.utf8.lastIndex(of: byte).map { s.utf8.distance(from: s.utf8.startIndex, to: $0) }
            )
        }
    }
}
