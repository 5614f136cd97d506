// SPDX-License-Identifier: Apache-2.0

/// One HTTP response. The server adds `Date`, `Content-Length` and `Connection`; handlers set the rest.
public struct Response: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// When set, the handler answers later: the server waits for the promise and sends what it completes
    /// with (from any thread). `status`, `headers` and `body` of this value are then ignored.
    public var deferred: ResponsePromise?
    /// When set, the body is written over time into this stream (Server-Sent Events): the server sends
    /// `status` and `headers` at once, then what the handler writes, until the handler finishes the stream,
    /// the client hangs up, or the server drains. `body` is ignored. HTTP/1.1 frames it with
    /// `Transfer-Encoding: chunked`, HTTP/2 with DATA frames. Honoured on a handler's direct answer only: a
    /// deferred answer's stream (and a HEAD request's) is cancelled at once.
    public var stream: ResponseStream?
    /// What the server does with the connection instead of (or while) sending this answer: an injected fault
    /// (drop, TCP reset, HTTP/2 RST_STREAM or GOAWAY, a paced body). Nil for every ordinary answer.
    public var connectionAction: ConnectionAction?
    /// The id of the fault rule that produced or altered this answer (`flt_3`), for logs and the request
    /// journal. Never serialized: the real vendor would send no such marker.
    public var faultID: String?

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        self.deferred = nil
        self.stream = nil
        self.connectionAction = nil
        self.faultID = nil
    }

    /// A streamed response: the head now, the body as `stream` is written.
    public static func streaming(_ stream: ResponseStream, status: HTTPStatus = .ok, headers: HTTPHeaders) -> Response {
        var r = Response(status: status, headers: headers)
        r.stream = stream
        return r
    }

    /// A JSON response. `contentType` defaults to `application/json; charset=utf-8`.
    public static func json(
        _ value: JSON,
        status: HTTPStatus = .ok,
        headers: HTTPHeaders = HTTPHeaders(),
        contentType: String = "application/json; charset=utf-8"
    ) -> Response {
        var h = headers
        if h["Content-Type"] == nil { h.add(name: "Content-Type", value: contentType) }
        return Response(status: status, headers: h, body: value.serialized())
    }

    /// A plain-text response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> Response {
        Response(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// A response completed later through `promise` (long-polling, injected latency).
    public static func later(_ promise: ResponsePromise) -> Response {
        var r = Response()
        r.deferred = promise
        return r
    }

    /// A response sent `milliseconds` from now, on the event loop's timers (no thread waits for it):
    /// `make` runs on the loop thread when the time is up, and never if the client hangs up first.
    /// - Parameters:
    ///   - milliseconds: the delay; 0 answers on the loop's next turn.
    ///   - make: builds the response when the timer fires.
    public static func after(milliseconds: Int, _ make: @escaping @Sendable () -> Response) -> Response {
        later(ResponsePromise(timeoutMilliseconds: milliseconds, onTimeout: make))
    }
}

/// A connection-level fault the server carries out for one response (see `Response.connectionAction`).
public enum ConnectionAction: Sendable, Equatable {
    /// Close the connection without sending this answer (HTTP/1.1: after the answers ahead of it in the
    /// pipeline; HTTP/2: the whole connection, after what is already queued). Later pipelined requests are not
    /// answered.
    case close
    /// TCP reset: `SO_LINGER {1, 0}` then close, without sending this answer.
    case reset
    /// HTTP/2: RST_STREAM with this error code instead of the answer (HTTP/1.1: like `reset`).
    case rstStream(code: UInt32)
    /// HTTP/2: GOAWAY with this error code naming the stream before this one as the last processed, then close
    /// (HTTP/1.1: like `close`).
    case goaway(code: UInt32)
    /// Send the answer's head at once and its body at this many bytes per second, on the loop's timers.
    case slowBody(bytesPerSecond: Int)

    /// The HTTP/2 error codes by name (RFC 9113 §7).
    public static let http2ErrorCodes: [String: UInt32] = [
        "NO_ERROR": 0x0, "PROTOCOL_ERROR": 0x1, "INTERNAL_ERROR": 0x2, "FLOW_CONTROL_ERROR": 0x3,
        "SETTINGS_TIMEOUT": 0x4, "STREAM_CLOSED": 0x5, "FRAME_SIZE_ERROR": 0x6, "REFUSED_STREAM": 0x7,
        "CANCEL": 0x8, "COMPRESSION_ERROR": 0x9, "CONNECT_ERROR": 0xa, "ENHANCE_YOUR_CALM": 0xb,
        "INADEQUATE_SECURITY": 0xc, "HTTP_1_1_REQUIRED": 0xd,
    ]
}

extension Response {
    /// This answer with `action` attached; a deferred answer gets it when its promise completes.
    public func with(connectionAction action: ConnectionAction?, faultID: String?) -> Response {
        transformed(shellFaultID: faultID) { r in
            r.connectionAction = action
            r.faultID = faultID
        }
    }

    /// This answer changed by `change`; a deferred answer is changed when its promise completes, and the
    /// deferred shell returned in its place carries `shellFaultID`.
    public func transformed(
        shellFaultID: String?,
        _ change: @escaping @Sendable (inout Response) -> Void
    ) -> Response {
        guard let inner = deferred else {
            var r = self
            change(&r)
            return r
        }
        // The server arms the deadline of the promise it is given: the outer one carries the inner's, completes
        // the inner on expiry (so its cleanup runs), and hands its own end (a hang-up's 499) back to it.
        let outer: ResponsePromise
        if let t = inner.timeout {
            outer = ResponsePromise(timeoutMilliseconds: t.milliseconds) {
                let r = t.onTimeout()
                inner.complete(r)
                return r
            }
        } else {
            outer = ResponsePromise()
        }
        inner.whenComplete { final in
            var r = final
            change(&r)
            outer.complete(r)
        }
        outer.whenComplete { inner.complete($0) }
        var r = Response.later(outer)
        r.faultID = shellFaultID
        return r
    }
}

/// A response that a handler completes later, possibly from another thread. Completing twice is ignored.
///
/// A promise may carry a deadline: the server arms it on the serving connection's event-loop timers and, when it
/// passes before anyone completed the promise, completes it with `onTimeout()` (run on the loop thread). A
/// client hang-up cancels the timer. Long-poll waits and injected latency use this instead of a thread.
public final class ResponsePromise: Sendable {
    private enum State {
        case pending([@Sendable (Response) -> Void])
        case completed(Response)
    }
    private let state = Locked<State>(.pending([]))

    /// The deadline the server arms, if any.
    public struct Timeout: Sendable {
        public var milliseconds: Int
        public var onTimeout: @Sendable () -> Response
    }
    public let timeout: Timeout?

    public init() { timeout = nil }

    /// A promise that the server completes with `onTimeout()` after `timeoutMilliseconds`, unless it was
    /// completed first. When the client hangs up before either, the server completes it with a 499 that is never
    /// sent, so that `whenComplete` cleanup always runs.
    public init(timeoutMilliseconds: Int, onTimeout: @escaping @Sendable () -> Response) {
        timeout = Timeout(milliseconds: max(0, timeoutMilliseconds), onTimeout: onTimeout)
    }

    /// Whether `complete` was called.
    public var isCompleted: Bool {
        state.withLock { state in
            if case .completed = state { return true }
            return false
        }
    }

    /// Completes the promise; the first call wins.
    public func complete(_ response: Response) {
        let callbacks: [@Sendable (Response) -> Void] = state.withLock { state in
            guard case .pending(let callbacks) = state else { return [] }
            state = .completed(response)
            return callbacks
        }
        for callback in callbacks { callback(response) }
    }

    /// Runs `callback` once the promise completes (at once, on this thread, if it already has).
    public func whenComplete(_ callback: @escaping @Sendable (Response) -> Void) {
        let done: Response? = state.withLock { state in
            switch state {
            case .pending(var callbacks):
                callbacks.append(callback)
                state = .pending(callbacks)
                return nil
            case .completed(let response):
                return response
            }
        }
        if let done { callback(done) }
    }

    /// Waits for the response (for router-level tests).
    public var value: Response {
        get async {
            await withCheckedContinuation { continuation in
                whenComplete { continuation.resume(returning: $0) }
            }
        }
    }
}

/// The body of a streamed response: a thread-safe sink a handler writes into from any thread, drained by the
/// event loop that owns the connection. Writes made between two turns of that loop leave in one batch (one
/// chunk, one DATA frame). Ends once: the handler's `finish()`, or the server's `cancel()` when the client
/// hangs up or the server drains; `onClose` callbacks run then, so whoever feeds the stream can stop.
public final class ResponseStream: Sendable {
    /// Bytes the server writes into the stream every `seconds` of real time while it is open, on the loop's
    /// timers (an SSE `: keep-alive` comment), so that proxies and clients see the connection is alive.
    public struct Heartbeat: Sendable {
        public var seconds: Double
        public var bytes: [UInt8]
        public init(seconds: Double, bytes: [UInt8]) {
            self.seconds = seconds
            self.bytes = bytes
        }
    }

    private struct State {
        var pending: [UInt8] = []
        var finished = false
        var cancelled = false
        var wake: (@Sendable () -> Void)?
        var wakeQueued = false
        var onClose: [@Sendable () -> Void] = []

        /// The wake-up to call now, if one is due: the server attached and none is queued.
        mutating func queueWake() -> (@Sendable () -> Void)? {
            guard let wake, !wakeQueued else { return nil }
            wakeQueued = true
            return wake
        }
    }
    private let state = Locked(State())
    public let heartbeat: Heartbeat?

    public init(heartbeat: Heartbeat? = nil) { self.heartbeat = heartbeat }

    /// Appends bytes to send; false (and nothing kept) once the stream has ended.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        let (accepted, wake): (Bool, (@Sendable () -> Void)?) = state.withLock { s in
            guard !s.finished && !s.cancelled else { return (false, nil) }
            s.pending.append(contentsOf: bytes)
            return (true, s.queueWake())
        }
        wake?()
        return accepted
    }

    /// Ends the stream after what was written so far.
    public func finish() {
        let (wake, callbacks): ((@Sendable () -> Void)?, [@Sendable () -> Void]) = state.withLock { s in
            guard !s.finished && !s.cancelled else { return (nil, []) }
            s.finished = true
            defer { s.onClose = [] }
            return (s.queueWake(), s.onClose)
        }
        wake?()
        for callback in callbacks { callback() }
    }

    /// Whether writes are still taken.
    public var isOpen: Bool { state.withLock { !$0.finished && !$0.cancelled } }

    /// Runs `callback` once when the stream ends (at once if it has).
    public func onClose(_ callback: @escaping @Sendable () -> Void) {
        let closed = state.withLock { s in
            if s.finished || s.cancelled { return true }
            s.onClose.append(callback)
            return false
        }
        if closed { callback() }
    }

    // MARK: The server's side

    /// The server: `wake` is called (from the writing thread) when bytes or the end wait to be taken and no
    /// wake-up is queued yet; the server then calls `take()` on its loop.
    public func attach(wake: @escaping @Sendable () -> Void) {
        state.withLock { $0.wake = wake }
    }

    /// The server, on its loop: what was written since the last call, and whether the handler finished.
    public func take() -> (bytes: [UInt8], finished: Bool) {
        state.withLock { s in
            s.wakeQueued = false
            defer { s.pending = [] }
            return (s.pending, s.finished)
        }
    }

    /// The server ends the stream (client gone, drain); pending bytes are dropped, `onClose` callbacks run.
    public func cancel() {
        let callbacks: [@Sendable () -> Void] = state.withLock { s in
            guard !s.cancelled else { return [] }
            s.cancelled = true
            s.pending = []
            s.wake = nil
            defer { s.onClose = [] }
            return s.onClose
        }
        for callback in callbacks { callback() }
    }
}
