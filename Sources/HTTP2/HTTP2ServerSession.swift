// SPDX-License-Identifier: Apache-2.0
internal import CNghttp2
import Glibc
public import HTTPCore

/// The server side of one HTTP/2 connection, sans-IO: the connection feeds it the bytes it read (after TLS)
/// and writes out what `drainOutput` produces. It wraps one `nghttp2_session` in pull mode
/// (`nghttp2_session_mem_recv` / `nghttp2_session_mem_send`, libnghttp2 1.52 API).
///
/// Not thread-safe: the event-loop thread that owns the connection owns the session. Typical wake-up:
/// `receive` → dispatch the returned requests → `respond` (now or on a later wake-up) → `drainOutput` into
/// the connection's write buffer → one write; close once `isFinished` and the buffer is flushed.
///
/// Stream-level problems are answered on the stream itself and never reach the server: a header list over
/// `maxHeaderListSize` gets 431, a body over `maxBodyBytes` gets 413, CONNECT or a request without `:path`
/// gets 400; a body still coming after that answer is discarded (RST_STREAM(NO_ERROR) only if the client
/// goes on sending more than `maxBodyBytes`, RFC 9113 §8.1). Other
/// malformed requests (RFC 9113 §8.1.1: missing `:method`/`:scheme`, neither `:authority` nor `host`,
/// uppercase names, connection-specific fields, content-length mismatch) are reset with PROTOCOL_ERROR by
/// nghttp2's own HTTP messaging checks. Floods (RST_STREAM rapid reset, CONTINUATION, SETTINGS/PING) are
/// rate-limited by libnghttp2 itself (Debian's 1.52 carries the backported limits) and end in GOAWAY.
public final class HTTP2ServerSession {
    /// The nghttp2 session. Implicitly unwrapped because the user-data pointer (`self`) must exist before
    /// `nghttp2_session_server_new` can be called; it is set at the end of `init` and freed in `deinit`.
    var session: OpaquePointer!
    let settings: HTTP2Settings
    let isSecure: Bool
    let remoteAddress: String
    /// Builds the session's own 4xx answers (a body over the limit, headers too large, a malformed request).
    let errorResponder: @Sendable (HTTPErrorContext) -> Response

    /// Live streams by id. Entries are removed in `on_stream_close`, so a missing entry means "reset or done".
    var streams: [Int32: HTTP2Stream] = [:]
    /// Requests completed during the current `receive` call.
    var completed: [(streamID: Int32, request: Request)] = []
    /// The caller's output buffer while `drainOutput` runs (swapped in, so the zero-copy DATA callback can
    /// append response bodies straight into it).
    var output: [UInt8] = []
    /// The Swift error behind an NGHTTP2_ERR_CALLBACK_FAILURE, rethrown once the C call returns.
    var richerError: HTTP2Error?
    /// The last `date` given to `respond`, reused for the session's own 4xx answers.
    var lastDate: String?
    /// Streams handed to the server and not answered yet.
    var dispatchedCount = 0
    /// Streams whose response is streamed (`Response.stream`) and still open.
    var streamingIDs: Set<Int32> = []
    private var shutdownStarted = false

    /// Scratch space for response header blocks, reused across responses.
    var headerBlock = HTTP2HeaderBlock()

    /// Creates the session and queues our SETTINGS frame and connection WINDOW_UPDATE (sent by the first
    /// `drainOutput`; RFC 9113 §3.4: the server preface is a SETTINGS frame).
    /// - Parameters:
    ///   - settings: limits and windows to advertise and enforce.
    ///   - isSecure: whether the connection runs over TLS (copied into each `Request`).
    ///   - remoteAddress: the peer's address as text (copied into each `Request`).
    ///   - errorResponder: renders the requests the session rejects itself (the status is kept).
    public init(
        settings: HTTP2Settings = HTTP2Settings(),
        isSecure: Bool,
        remoteAddress: String,
        errorResponder: @escaping @Sendable (HTTPErrorContext) -> Response = HTTPErrorContext.generic
    ) throws(HTTP2Error) {
        self.settings = settings
        self.isSecure = isSecure
        self.remoteAddress = remoteAddress
        self.errorResponder = errorResponder

        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else {
            throw HTTP2Error(code: Int(NGHTTP2_ERR_NOMEM.rawValue), description: "nghttp2_session_callbacks_new failed")
        }
        defer { nghttp2_session_callbacks_del(callbacks) }
        Self.installCallbacks(callbacks)

        var session: OpaquePointer?
        // passUnretained: `self` owns the nghttp2 session and deletes it in deinit, so the session never
        // outlives the object its user data points to.
        let rv = nghttp2_session_server_new(&session, callbacks, Unmanaged.passUnretained(self).toOpaque())
        guard rv == 0, let session else { throw HTTP2Error(nghttp2: rv, during: "nghttp2_session_server_new") }
        self.session = session

        var entries = [
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                value: settings.maxConcurrentStreams
            ),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                value: settings.initialWindowSize
            ),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                value: settings.maxHeaderListSize
            ),
        ]
        let settingsRV = nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &entries, entries.count)
        guard settingsRV == 0 else { throw HTTP2Error(nghttp2: settingsRV, during: "nghttp2_submit_settings") }
        // The connection window starts at 65,535 whatever SETTINGS say (RFC 9113 §6.9.2); raise it so several
        // concurrent uploads are not throttled by the connection-level window.
        let window = Int32(clamping: settings.connectionWindowSize)
        if window > CNghttp2_initialConnectionWindowSize {
            let windowRV = nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, window)
            guard windowRV == 0 else { throw HTTP2Error(nghttp2: windowRV, during: "set_local_window_size") }
        }
    }

    deinit {
        // nghttp2_session_del frees the streams without invoking callbacks.
        if let session { nghttp2_session_del(session) }
    }

    /// Feeds bytes read from the connection (after TLS). nghttp2 may queue frames in reply (SETTINGS ACK,
    /// WINDOW_UPDATE, PING ACK, RST_STREAM, GOAWAY): call `drainOutput` afterwards.
    /// - Parameter bytes: the bytes just read; they are fully consumed.
    /// - Returns: the requests completed by these bytes (END_STREAM seen), in order of completion.
    /// - Throws: `HTTP2Error` when nghttp2 reports a fatal error (bad client preface, flooding). The server
    ///   then drains and flushes what is queued and closes the connection.
    public func receive(_ bytes: UnsafeRawBufferPointer) throws(HTTP2Error) -> [(streamID: Int32, request: Request)] {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return [] }
        let rv = nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        if rv < 0 {
            completed.removeAll()
            throw takeRicherError() ?? HTTP2Error(nghttp2: Int32(truncatingIfNeeded: rv), during: "receive")
        }
        if completed.isEmpty { return [] }
        defer { completed = [] }
        return completed
    }

    /// Submits the response for a stream: HEADERS (`:status`, the handler's headers lower-cased without
    /// connection-specific fields, `date`, `content-length`) then DATA. Ignores streams that were reset or
    /// closed meanwhile, and streams already answered.
    /// - Parameters:
    ///   - streamID: the id `receive` returned with the request.
    ///   - response: the handler's response (`deferred` must already be resolved by the caller).
    ///   - isHEAD: answer a HEAD request: HEADERS only, with the content-length of `response.body`.
    ///   - date: the IMF-fixdate for the `date` field (RFC 9110 §6.6.1), unless the handler set one.
    ///   - releasedBodyBytes: when set, only this many body bytes may go until `releaseBody` allows more (a
    ///     paced body); nil sends it all.
    public func respond(
        streamID: Int32,
        response: Response,
        isHEAD: Bool,
        date: String,
        releasedBodyBytes: Int? = nil
    ) {
        lastDate = date
        guard let stream = streams[streamID], stream.phase == .dispatched else {
            response.stream?.cancel()  // nobody will read it
            return
        }
        stream.phase = .responded
        dispatchedCount -= 1
        stream.responseLimit = releasedBodyBytes
        submitResponse(on: stream, response, isHEAD: isHEAD, date: date)
    }

    /// Lets a paced body (`respond(…releasedBodyBytes:)`) send up to `bytes` bytes in all.
    /// - Returns: whether more of the body remains held back (false once it is all released or the stream is gone).
    public func releaseBody(streamID: Int32, upTo bytes: Int) -> Bool {
        guard let stream = streams[streamID], stream.responseLimit != nil, !stream.responseBody.isEmpty else {
            return false
        }
        stream.responseLimit = bytes
        _ = nghttp2_session_resume_data(session, streamID)
        return bytes < stream.responseBody.count
    }

    /// Resets a dispatched stream with `code` (RFC 9113 §6.4) instead of answering it.
    public func resetStream(streamID: Int32, code: UInt32) {
        guard let stream = streams[streamID], stream.phase == .dispatched else { return }
        stream.phase = .responded
        dispatchedCount -= 1
        stream.resetSent = true
        _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, code)
    }

    /// Gives up on answering a dispatched stream (the connection is about to close).
    public func abandon(streamID: Int32) {
        guard let stream = streams[streamID], stream.phase == .dispatched else { return }
        stream.phase = .responded
        dispatchedCount -= 1
    }

    /// Queues GOAWAY with `code` naming `lastStreamID` as the last stream processed (RFC 9113 §6.8); the caller
    /// closes the connection once it is written.
    public func goAway(lastStreamID: Int32, code: UInt32) {
        shutdownStarted = true
        _ = nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), lastStreamID, code, nil, 0)
    }

    /// Appends everything nghttp2 wants to send to `buffer` (loops `nghttp2_session_mem_send` until it
    /// returns 0), so the connection can flush all of it with one write.
    /// - Throws: `HTTP2Error` on a fatal nghttp2 error; close the connection.
    public func drainOutput(into buffer: inout [UInt8]) throws(HTTP2Error) {
        swap(&output, &buffer)
        defer { swap(&output, &buffer) }
        while true {
            var chunk: UnsafePointer<UInt8>?
            let n = nghttp2_session_mem_send(session, &chunk)
            if n < 0 { throw takeRicherError() ?? HTTP2Error(nghttp2: Int32(truncatingIfNeeded: n), during: "send") }
            guard n > 0, let chunk else { return }
            output.append(contentsOf: UnsafeBufferPointer(start: chunk, count: n))
        }
    }

    /// True when nghttp2 wants neither to read nor to write (GOAWAY exchanged and no active stream, or a
    /// connection error was signalled): close the connection once the output is flushed.
    public var isFinished: Bool {
        nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0
    }

    /// Starts a graceful shutdown: queues GOAWAY(NO_ERROR) naming the last stream we processed. Streams up
    /// to it still complete; later ones are ignored by nghttp2 and safe for the client to retry (RFC 9113
    /// §6.8). A single GOAWAY rather than the two-step notice keeps shutdown independent of the peer's RTT.
    public func beginGracefulShutdown() {
        guard !shutdownStarted else { return }
        shutdownStarted = true
        let last = nghttp2_session_get_last_proc_stream_id(session)
        _ = nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), last, NGHTTP2_NO_ERROR.rawValue, nil, 0)
    }

    /// Streams whose request was returned by `receive` and not yet answered with `respond`.
    public var openStreamCount: Int { dispatchedCount }

    private func takeRicherError() -> HTTP2Error? {
        defer { richerError = nil }
        return richerError
    }
}

extension HTTP2Error {
    /// An error for nghttp2 return code `code` (an `nghttp2_error`), described with `nghttp2_strerror`.
    init(nghttp2 code: Int32, during operation: String) {
        self.init(
            code: Int(code),
            description: "HTTP/2 \(operation) failed: \(String(cString: nghttp2_strerror(code)))"
        )
    }
}

@available(*, unavailable)
extension HTTP2ServerSession: Sendable {}
