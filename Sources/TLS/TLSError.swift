// SPDX-License-Identifier: Apache-2.0
internal import COpenSSL

/// A TLS or certificate failure. `description` says what we were doing and carries the drained OpenSSL error
/// queue, e.g. `TLS handshake failed: error:0A000102:SSL routines::unsupported protocol`.
public struct TLSError: Error, Sendable, CustomStringConvertible {
    public var description: String

    /// Creates an error with a plain message (no OpenSSL queue).
    public init(_ description: String) {
        self.description = description
    }

    /// An error for `operation` that also drains OpenSSL's thread-local error queue, so the next `SSL_*`
    /// call on this thread starts clean and the reasons are not lost (swift-nio-ssl `buildErrorStack`).
    static func openSSL(_ operation: String) -> TLSError {
        let reasons = drainErrorQueue()
        if reasons.isEmpty {
            return TLSError(operation)
        }
        return TLSError("\(operation): \(reasons.joined(separator: "; "))")
    }

    /// Every queued OpenSSL error as `error:CODE:LIB:FUNC:REASON[:data]`, oldest first.
    static func drainErrorQueue() -> [String] {
        var reasons: [String] = []
        // The queue is bounded (ERR_NUM_ERRORS = 16 per thread), so this loop is too.
        while true {
            var data: UnsafePointer<CChar>? = nil
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 { break }
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            var reason = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let data, (flags & ERR_TXT_STRING) != 0, data.pointee != 0 {
                reason += " (\(String(cString: data)))"
            }
            reasons.append(reason)
        }
        return reasons
    }
}
