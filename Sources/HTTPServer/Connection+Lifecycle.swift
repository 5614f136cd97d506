// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTP1
import HTTP2
import HTTPCore
import TLS

extension Connection {
    /// Carries out what the lifecycle state machine decided.
    func perform(_ action: ConnectionStateMachine.Action) {
        switch action {
        case .none, .deliver, .discard:
            return
        case .close:
            closeNow()
        case .answerRequestTimeout:
            // Slow drip: answer 408 (RFC 9110 §15.5.9) and close; the loop was never blocked meanwhile.
            queueErrorAndClose(requestTimeoutContext())
            flush()
        case .goAway:
            guard case .http2(let session) = codec else { return }
            session.beginGracefulShutdown()
            flushHTTP2Output()
            flush()
        case .finishInFlight:
            flush()
        case .halfClose(let linger):
            if let tls {
                tls.shutdown()
                tls.drainEncrypted(into: &socketOut)
                socketOut.withUnsafeBytes { p in _ = send(fd, p.baseAddress, p.count, Int32(MSG_NOSIGNAL)) }
                socketOut.removeAll()
            }
            Glibc.shutdown(fd, Int32(SHUT_WR))
            if !linger { closeNow() }
        }
    }

    /// The 408's context: what the parser has of the request so far (nothing before the codec is known).
    private func requestTimeoutContext() -> HTTPErrorContext {
        let status = HTTPStatus.requestTimeout
        let reason = "request head not received in time"
        if case .http1(let parser) = codec {
            return parser.errorContext(status: status, reason: reason, message: Connection.explain(status))
        }
        return HTTPErrorContext(
            status: status,
            reason: reason,
            message: Connection.explain(status),
            isSecure: isSecure
        )
    }

    func closeNow() {
        if lifecycle.isClosed { return }
        lifecycle.closed()
        loop.connectionCounters.closed(countedAs)
        loop.unregister(fd)
        close(fd)
        if hasArmedTimers { loop.cancelTimers(owner: id) }
        let owed = armedPromises
        armedPromises = []
        // nginx's 499 "client closed request": never sent, it only tells the parker that nobody waits any more.
        for promise in owed where !promise.isCompleted { promise.complete(Response(status: HTTPStatus(499))) }
        cancelStreams()
        loop.forget(self)
    }

    /// Server shutdown: finish in-flight work, then close.
    func beginGracefulClose() {
        let streamsEnded = endStreamsForDrain()
        let state: ConnectionStateMachine.Codec
        switch codec {
        case .detecting: state = .undecided
        case .http1(let parser): state = .http1(parserIdle: parser.isIdle)
        case .http2: state = .http2
        }
        perform(lifecycle.shutdownBegun(codec: state, responsesOwed: !slots.isEmpty || streamsEnded))
    }

    /// The loop's periodic sweep.
    func checkTimeouts(now: Double) {
        let busy: Bool
        let isHTTP2: Bool
        switch codec {
        case .http2(let session):
            busy = session.openStreamCount > 0 || session.streamingCount > 0
            isHTTP2 = true
        default:
            busy = !slots.isEmpty
            isHTTP2 = false
        }
        perform(lifecycle.timerFired(now: now, busy: busy, isHTTP2: isHTTP2))
    }

    /// Arms the promise's deadline, if it has one, on the loop's timers: when it passes first, the loop completes
    /// the promise with its timeout response (the completion then travels the usual deferred path).
    func armDeadline(of promise: ResponsePromise) {
        guard let timeout = promise.timeout else { return }
        hasArmedTimers = true
        if armedPromises.count >= 8 { armedPromises.removeAll { $0.isCompleted } }
        armedPromises.append(promise)
        loop.schedule(after: Double(timeout.milliseconds) / 1000, owner: id) {
            if !promise.isCompleted { promise.complete(timeout.onTimeout()) }
        }
    }
}
