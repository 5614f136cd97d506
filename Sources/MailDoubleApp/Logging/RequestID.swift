// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// The id of one request, in its log line and its response's `X-Request-Id`.
///
/// An incoming `X-Request-Id` is echoed when it is 1 to 128 visible ASCII characters (0x21–0x7E: no spaces,
/// no control characters, nothing a log line or a header could be split with); otherwise, and when there is
/// none, the emulator makes one: 16 lowercase hex digits from the serving thread's generator (no lock).
enum RequestID {
    static let header = "X-Request-Id"
    static let maxLength = 128

    /// The request's id: its own when valid, else a new one drawn from `random`.
    @inline(__always)
    static func of(_ request: Request, random: inout FastRandom) -> String {
        if let given = request.headers[header], isValid(given) { return given }
        return make(&random)
    }

    static func isValid(_ id: String) -> Bool {
        let utf8 = id.utf8
        return !utf8.isEmpty && utf8.count <= maxLength && utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
    }

    static func make(_ random: inout FastRandom) -> String {
        var value = random.next()
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for i in (0..<16).reversed() {
                buffer[i] = FastRandom.hexDigits[Int(value & 0xF)]
                value >>= 4
            }
            return 16
        }
    }
}
