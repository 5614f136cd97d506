// SPDX-License-Identifier: Apache-2.0

/// Limits and flow-control windows of one HTTP/2 server connection. The values we advertise go out in our
/// first SETTINGS frame (RFC 9113 §6.5.2); the body limit is enforced by the session itself.
public struct HTTP2Settings: Sendable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS. nghttp2 refuses streams beyond it with RST_STREAM(REFUSED_STREAM).
    public var maxConcurrentStreams: UInt32
    /// SETTINGS_INITIAL_WINDOW_SIZE for request bodies. 1 MiB lets a typical JSON or MIME upload arrive in one
    /// round trip instead of stalling on the 64 KiB protocol default.
    public var initialWindowSize: UInt32
    /// The connection-level receive window (RFC 9113 §6.9.2 says SETTINGS cannot change it; we send a
    /// WINDOW_UPDATE on stream 0). Shared by every stream, so it is a multiple of the stream window.
    public var connectionWindowSize: UInt32
    /// The largest request body accepted. A larger one (by `content-length` or by the bytes received) is
    /// answered with 413 on that stream only; the connection stays up.
    public var maxBodyBytes: Int
    /// SETTINGS_MAX_HEADER_LIST_SIZE, counted as RFC 9113 §6.5.2 does: name + value + 32 per field. A request
    /// whose header list is larger is answered with 431 on that stream (nghttp2 1.52 advertises but does
    /// not enforce this setting on received headers, so the session counts them itself).
    public var maxHeaderListSize: UInt32

    /// - Parameters:
    ///   - maxConcurrentStreams: advertised concurrent stream limit (default 128).
    ///   - initialWindowSize: per-stream receive window (default 1 MiB).
    ///   - connectionWindowSize: connection receive window (default 16 MiB).
    ///   - maxBodyBytes: request body limit (default 40 MiB, the emulated vendors' attachment limit).
    ///   - maxHeaderListSize: header list limit (default 16 KiB of fields plus 32 bytes of HPACK
    ///     accounting overhead for up to 64 fields, so the same headers that pass the HTTP/1.1 16 KiB limit
    ///     pass here).
    public init(
        maxConcurrentStreams: UInt32 = 128,
        initialWindowSize: UInt32 = 1 << 20,
        connectionWindowSize: UInt32 = 16 << 20,
        maxBodyBytes: Int = 41_943_040,
        maxHeaderListSize: UInt32 = 16_384 + 64 * 32
    ) {
        self.maxConcurrentStreams = maxConcurrentStreams
        self.initialWindowSize = initialWindowSize
        self.connectionWindowSize = connectionWindowSize
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderListSize = maxHeaderListSize
    }
}

/// A connection-level HTTP/2 failure: nghttp2 reported a fatal error (bad client preface, flooding, out of
/// memory) or a callback failed. The server flushes pending output (a GOAWAY, when nghttp2 queued one) and
/// closes the connection. Stream-level problems never surface as this error.
public struct HTTP2Error: Error, Sendable, CustomStringConvertible {
    /// The nghttp2 error code (`nghttp2_error`, negative), or 0 for an error raised by the Swift side.
    public var code: Int
    public var description: String

    public init(code: Int, description: String) {
        self.code = code
        self.description = description
    }
}
