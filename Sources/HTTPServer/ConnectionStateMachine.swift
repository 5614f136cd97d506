// SPDX-License-Identifier: Apache-2.0

/// The lifecycle decisions of one connection, without sockets: which timeout runs, when a request head is late
/// (408), when an idle keep-alive connection ends, how a shutdown drains it, when it half-closes and lingers.
///
/// A value type: `Connection` (the I/O shell) reports events — bytes read, a request parsed, output flushed, a
/// timer sweep, shutdown begun — with the time passed in, and carries out the returned ``Action``. The codec facts
/// a decision needs (is the parser between requests, are responses still owed) come in as arguments.
struct ConnectionStateMachine {
    enum State: Equatable {
        /// TLS handshake or protocol detection under way: the header-read timeout runs from `since` (accept).
        case handshaking(since: Double)
        /// Between requests: the keep-alive timeout runs from the last activity.
        case idle
        /// A request head is arriving: the header-read timeout runs from `since`.
        case readingHead(since: Double)
        /// Output flushed, write side shut down; input is read and discarded until EOF or `until`, so that a
        /// client still sending a refused body gets our response instead of a reset (nginx's lingering close).
        case lingering(until: Double)
        case closed
    }

    /// What the shell does next.
    enum Action: Equatable {
        case none
        /// Hand the bytes read to TLS / the codec.
        case deliver
        /// Drop the bytes read (lingering).
        case discard
        /// Close the socket now.
        case close
        /// Queue a 408 and close after flushing (RFC 9110 §15.5.9).
        case answerRequestTimeout
        /// HTTP/2: send GOAWAY, close after flushing.
        case goAway
        /// HTTP/1.1: stop reading new requests, answer those in flight, then close.
        case finishInFlight
        /// Everything is written: shut the write side down; `linger` keeps reading (and discarding) a moment.
        case halfClose(linger: Bool)
    }

    /// Which codec runs: a shutdown treats each differently.
    enum Codec: Equatable {
        case undecided
        case http1(parserIdle: Bool)
        case http2
    }

    struct Timeouts: Equatable {
        var headerRead: Double
        var keepAlive: Double
        /// How long a lingering close reads and discards.
        var linger: Double = 2
    }

    let timeouts: Timeouts
    private(set) var state: State
    private(set) var lastActivity: Double
    /// A response that ends the connection is queued (or the server is draining): stop parsing, close once
    /// everything owed is written.
    private(set) var closeRequested = false
    /// Close by lingering rather than at once (after an error answer, the client may still be sending).
    private(set) var lingerOnClose = false

    init(timeouts: Timeouts, now: Double) {
        self.timeouts = timeouts
        state = .handshaking(since: now)
        lastActivity = now
    }

    var isClosed: Bool { state == .closed }
    var isLingering: Bool {
        if case .lingering = state { return true }
        return false
    }

    // MARK: Events

    /// The TLS handshake finished or the plain-port preface sniffing chose a codec.
    mutating func protocolChosen() {
        if case .handshaking = state { state = .idle }
    }

    /// Bytes arrived from the socket.
    mutating func bytesRead(now: Double) -> Action {
        switch state {
        case .closed: return .none
        case .lingering:
            lastActivity = now
            return .discard
        default:
            lastActivity = now
            return .deliver
        }
    }

    /// Something was answered (a deferred response completed): the connection is not idle.
    mutating func activity(now: Double) {
        lastActivity = now
    }

    /// HTTP/1.1: `count` bytes are about to go to the parser. A first byte after an idle parser starts the head's
    /// clock; a large read is a body or big head making progress, not a slow drip, and restarts it.
    mutating func http1BytesArrived(count: Int, parserIdle: Bool, now: Double) {
        if parserIdle && state == .idle { state = .readingHead(since: now) }
        if count >= 1024, case .readingHead = state { state = .readingHead(since: now) }
    }

    /// HTTP/1.1: the parser needs more bytes; when it is between requests, nothing is late.
    mutating func http1NeedsMoreData(parserIdle: Bool) {
        if parserIdle, case .readingHead = state { state = .idle }
    }

    /// HTTP/1.1: a request was parsed; bytes of the next one may already be buffered (pipelining).
    mutating func http1RequestParsed(moreBuffered: Bool, now: Double) {
        switch state {
        case .idle, .readingHead: state = moreBuffered ? .readingHead(since: now) : .idle
        default: break
        }
    }

    /// A response that ends the connection was queued; `linger` after an error answer.
    mutating func closeAfterFlush(linger: Bool = false) {
        closeRequested = true
        if linger {
            lingerOnClose = true
            if case .readingHead = state { state = .idle }  // answered: no longer late
        }
    }

    /// All output reached the socket. `responsesOwed`: HTTP/1.1 responses still being produced.
    mutating func outputFlushed(responsesOwed: Bool, now: Double) -> Action {
        guard closeRequested && !responsesOwed else { return .none }
        switch state {
        case .closed, .lingering: return .none
        default:
            if lingerOnClose {
                state = .lingering(until: now + timeouts.linger)
                return .halfClose(linger: true)
            }
            return .halfClose(linger: false)
        }
    }

    /// The periodic timeout check. `busy`: responses owed (HTTP/1.1) or streams open (HTTP/2).
    mutating func timerFired(now: Double, busy: Bool, isHTTP2: Bool) -> Action {
        switch state {
        case .closed:
            return .none
        case .lingering(let until):
            return now >= until ? .close : .none
        case .handshaking(let since):
            return now - since > timeouts.headerRead ? .close : .none
        case .readingHead(let since):
            guard !busy, now - since > timeouts.headerRead else { return .none }
            closeAfterFlush(linger: true)
            return .answerRequestTimeout
        case .idle:
            guard !busy, now - lastActivity > timeouts.keepAlive else { return .none }
            if !isHTTP2 { return .close }
            if closeRequested { return .none }  // GOAWAY already sent; waiting for it to be written
            closeRequested = true
            return .goAway
        }
    }

    /// The server began a graceful shutdown.
    mutating func shutdownBegun(codec: Codec, responsesOwed: Bool) -> Action {
        if state == .closed { return .none }
        switch codec {
        case .undecided:
            return .close
        case .http2:
            return .goAway
        case .http1(let parserIdle):
            closeRequested = true
            return !responsesOwed && parserIdle ? .close : .finishInFlight
        }
    }

    /// The socket is closed (peer hang-up, error, or a `.close` carried out).
    mutating func closed() {
        state = .closed
    }
}
