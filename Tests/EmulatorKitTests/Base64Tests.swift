// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Testing

@Suite struct Base64Tests {
    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")])
    func encodesRFC4648Vectors(_ plain: String, _ encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test func decodesWrappedURLSafeAndUnpadded() {
        #expect(Base64.decode("Zm9v\r\nYmFy") == Array("foobar".utf8))
        #expect(Base64.decode("Zm8") == Array("fo".utf8))
        #expect(Base64.decode("-_8=") == [0xFB, 0xFF])
    }

    @Test(arguments: ["a*b", "Zg==Zg", "Z", "Zg==="])
    func rejectsMalformed(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }

    /// `decodedCount` is `decode(…)?.count` without the bytes, on valid and invalid input alike.
    @Test(arguments: [
        "", "Zg==", "Zm8=", "Zm9v", "Zm9vYmFy", "Zm9v\r\nYmFy", "Zm8", "-_8=", "a*b", "Zg==Zg", "Z", "Zg===", "!!!",
        "aGVsbG8=!", "héllo", "aGVs=bG8=", " Zm 9v ",
    ])
    func decodedCountMatchesDecode(_ text: String) {
        #expect(Base64.decodedCount(text) == Base64.decode(text)?.count)
    }
}
