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
}
