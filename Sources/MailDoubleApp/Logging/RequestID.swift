// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// The id of one request, in its log line and its response's `X-Request-Id`.
///
/// An incoming `X-Request-Id` is echoed when it is 1 to 128 visible ASCII characters (0x21–0x7E: no spaces,
/// no control characters, nothing a log line or a header could be split with); otherwise, and when there is
/// none, the emulator makes one: 15 lowercase hex digits (60 bits) from the serving thread's generator (no lock;
/// 15 bytes is the longest string Swift stores inline, so making one allocates nothing).
enum RequestID {
    static let header = "X-Request-Id"
    static let maxLength = 128
    /// Digits of a made id.
    static let length = 15

    /// The request's id: its own when valid, else a new one drawn from `random`.
    @inline(__always)
    static func of(_ request: Request, random: inout FastRandom) -> String {
        // Most requests have none: compare names only where the length matches (cheaper than the subscript).
        for field in request.headers.fields where field.name.utf8.count == 12 {
            if HTTPHeaders.equalNames(field.name, header), isValid(field.value) { return field.value }
        }
        return make(&random)
    }

    static func isValid(_ id: String) -> Bool {
        let utf8 = id.utf8
        return !utf8.isEmpty && utf8.count <= maxLength && utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
    }

    static func make(_ random: inout FastRandom) -> String {
        var value = random.next()
        let digits = FastRandom.hexDigits
        return String(unsafeUninitializedCapacity: length) { buffer in
            for i in (0..<length).reversed() {
                buffer[i] = digits[Int(value & 0xF)]
                value >>= 4
            }
            return length
        }
    }
}
