// SPDX-License-Identifier: Apache-2.0
internal import COpenSSL

extension TLSContext {
    /// Picks the first protocol of `preferences` (our order) that the client offered.
    ///
    /// Server preference, not client preference, decides (as nginx and nghttpd do): a client offering
    /// `["http/1.1", "h2"]` gets h2.
    /// - Parameters:
    ///   - preferences: our protocols, most preferred first.
    ///   - clientList: the ALPN extension body, a sequence of length-prefixed names (RFC 7301 §3.1).
    /// - Returns: the byte range of the chosen name inside `clientList`, or nil when nothing matches or the
    ///   list is malformed.
    static func selectALPN(preferences: [[UInt8]], clientList: UnsafeRawBufferPointer) -> Range<Int>? {
        var offered: [Range<Int>] = []
        var index = 0
        while index < clientList.count {
            let length = Int(clientList[index])
            let start = index + 1
            // A zero-length name or one running past the end makes the whole list invalid.
            guard length > 0, start + length <= clientList.count else { return nil }
            offered.append(start..<start + length)
            index = start + length
        }
        for wanted in preferences {
            for range in offered where range.count == wanted.count {
                if clientList[range].elementsEqual(wanted) {
                    return range
                }
            }
        }
        return nil
    }
}

/// `SSL_CTX_alpn_select_cb_func`. A nonisolated free function: OpenSSL calls it on whichever event-loop thread
/// runs the handshake (a closure in main.swift would be inferred @MainActor and trap there).
///
/// `arg` is the owning `TLSContext`, passed unretained: every `TLSConnection` keeps its context alive, so the
/// context outlives every handshake that can call this.
func tlsALPNSelectCallback(
    _ ssl: OpaquePointer?,
    _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    _ outlen: UnsafeMutablePointer<UInt8>?,
    _ input: UnsafePointer<UInt8>?,
    _ inputLength: UInt32,
    _ arg: UnsafeMutableRawPointer?
) -> Int32 {
    guard let out, let outlen, let input, let arg else { return SSL_TLSEXT_ERR_NOACK }
    let context = Unmanaged<TLSContext>.fromOpaque(arg).takeUnretainedValue()
    let clientList = UnsafeRawBufferPointer(start: input, count: Int(inputLength))
    guard let chosen = TLSContext.selectALPN(preferences: context.alpnPreferences, clientList: clientList) else {
        // NOACK rather than a fatal no_application_protocol alert: a client whose list we do not know
        // still gets HTTP/1.1, which is what every vendor API we emulate speaks.
        return SSL_TLSEXT_ERR_NOACK
    }
    // `out` must stay valid after we return; pointing into OpenSSL's copy of the client list does (it is what
    // SSL_select_next_proto does too).
    out.pointee = input + chosen.lowerBound
    outlen.pointee = UInt8(chosen.count)
    return SSL_TLSEXT_ERR_OK
}
