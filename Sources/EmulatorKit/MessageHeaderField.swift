// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// Checks for the custom header fields clients add to an e-mail (Flowmailer's `headers`, Postflare's
/// `headers`): a line break in a name or value would end the field and start another one in the stored
/// message (a hidden `Bcc:`), so such fields are refused rather than stored.
public enum MessageHeaderField {
    /// RFC 5322 §3.6.8: `field-name = 1*ftext`, printable US-ASCII except `:` (no space, no controls).
    public static func isValidName(_ name: String) -> Bool {
        !name.utf8.isEmpty && name.utf8AllSatisfy { $0 >= 33 && $0 <= 126 && $0 != UInt8(ascii: ":") }
    }

    /// RFC 5322 §3.2.5 unstructured text: no CR, LF or other control character except HTAB (non-ASCII is
    /// left to the encoder, RFC 6532).
    public static func isValidValue(_ value: String) -> Bool {
        value.utf8AllSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
    }

    /// `value` as one header line: every run of CR/LF (or other control characters but HTAB) becomes one space,
    /// as a mail client's header encoder leaves it (a bare line break would end the field). Most values have
    /// none and come back as they are.
    public static func singleLine(_ value: String) -> String {
        func isControl(_ b: UInt8) -> Bool { (b < 0x20 && b != 0x09) || b == 0x7F }
        guard value.utf8Contains(where: isControl) else { return value }
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        var inBreak = false
        for b in value.utf8 {
            if isControl(b) {
                if !inBreak { out.append(0x20) }
                inBreak = true
            } else {
                out.append(b)
                inBreak = false
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
