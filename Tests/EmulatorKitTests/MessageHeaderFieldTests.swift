// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Testing

@Suite struct MessageHeaderFieldTests {
    @Test func namesArePrintableASCIIWithoutColon() {
        for name in ["X-Entity-Ref-ID", "List-Unsubscribe", "x", "X_~!#"] {
            #expect(MessageHeaderField.isValidName(name))
        }
        for name in ["", "X A", "X-A:", "X-A\r\nBcc", "X\tA", "Ünï", "X\u{7F}"] {
            #expect(!MessageHeaderField.isValidName(name))
        }
    }

    @Test func singleLineFoldsEveryLineBreakRunIntoOneSpace() {
        #expect(MessageHeaderField.singleLine("plain") == "plain")
        #expect(MessageHeaderField.singleLine("a\r\nb") == "a b")
        #expect(MessageHeaderField.singleLine("a\r\n\r\nBcc: x") == "a Bcc: x")
        #expect(MessageHeaderField.singleLine("\na\rb\n") == " a b ")
        #expect(MessageHeaderField.singleLine("Grüße\n") == "Grüße ")
        #expect(MessageHeaderField.singleLine("a\u{0}b\u{1B}c\td") == "a b c\td")
    }

    @Test func valuesHaveNoLineBreaksOrControls() {
        for value in ["", "a b\tc", "Grüße", "<id@example.org>"] { #expect(MessageHeaderField.isValidValue(value)) }
        for value in ["a\r\nBcc: v@example.org", "a\nb", "a\rb", "a\u{0}b", "a\u{7F}b", "\u{1B}[0m"] {
            #expect(!MessageHeaderField.isValidValue(value))
        }
    }
}
