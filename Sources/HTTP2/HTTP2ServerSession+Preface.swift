// SPDX-License-Identifier: Apache-2.0

extension HTTP2ServerSession {
    /// The client connection preface, `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n` (RFC 9113 §3.4). A cleartext client
    /// with prior knowledge of HTTP/2 (h2c, RFC 9113 §3.3) starts with it; no HTTP/1.1 request line can.
    public static let clientPreface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// Sniffs the first bytes of a cleartext connection to choose the codec.
    /// - Parameter bytes: the bytes received so far (not consumed: feed them to the chosen codec).
    /// - Returns: true when they start with the whole client preface, false as soon as a byte differs,
    ///   nil while they are an incomplete prefix of it (read more, then ask again).
    public static func looksLikePreface(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        for (index, expected) in clientPreface.enumerated() {
            guard index < bytes.count else { return nil }
            if bytes[index] != expected { return false }
        }
        return true
    }
}
