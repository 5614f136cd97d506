// SPDX-License-Identifier: Apache-2.0
import CLinux
import Glibc
import HTTP1
import HTTP2
import HTTPCore
import TLS

/// One accepted socket, owned by one event loop. Bytes flow socket → (TLS) → codec → handler, and back
/// through one gathered write per wake-up. HTTP/1.1 and HTTP/2 produce the same `Request` for the handler;
/// TLS is a byte stream under them, chosen by ALPN (or, on the plain port, by sniffing the h2 preface).
final class Connection {
    enum Codec {
        case detecting
        case http1(HTTP1Parser)
        case http2(HTTP2ServerSession)
    }

    enum Phase {
        case open
        /// Output flushed, write side shut down; reading and discarding until EOF or the deadline, so that a
        /// client still sending a body gets our final response instead of a reset (nginx's lingering close).
        case lingering(deadline: Double)
        case closed
    }

    /// A response slot of the HTTP/1.1 pipeline: responses leave strictly in request order.
    struct Slot {
        var serial: UInt64
        var bytes: [UInt8]?
        var closeAfter: Bool
    }

    let fd: Int32
    let id: UInt64
    unowned let loop: EventLoop
    let remoteAddress: String
    let tls: TLSConnection?
    var codec: Codec = .detecting
    var phase: Phase = .open

    /// Plaintext received but not yet consumed by a codec (preface sniffing) or decrypted by TLS.
    var plainIn: [UInt8] = []
    /// Plaintext produced by codecs, encrypted (if TLS) and moved to `socketOut` on flush.
    var plainOut: [UInt8] = []
    var socketOut: [UInt8] = []
    var socketOutOffset = 0
    var wantsWrite = false
    /// Reading stops while this much output waits for a client that does not read (pipelining without
    /// reading would otherwise grow the buffer without bound); it resumes once the output has drained.
    static let outputHighWater = 1 << 20
    var readPaused = false

    var slots: [Slot] = []
    var nextSerial: UInt64 = 0
    /// Set once a response that ends the connection is queued: stop parsing, close after flushing.
    var closeAfterFlush = false
    /// After an error response the client may still be sending (a refused body): read and discard for a
    /// moment before closing, or the kernel answers the unread data with a reset that can destroy our
    /// response before the client reads it (nginx's lingering close).
    var lingerOnClose = false

    /// Set once this connection armed a loop timer, so that closing it cancels them (and only then scans).
    var hasArmedTimers = false

    let acceptedAt: Double
    var lastActivity: Double
    /// When the request now being received began (nil between requests): the header-read timeout.
    var requestStartedAt: Double?

    init(fd: Int32, id: UInt64, loop: EventLoop, isTLS: Bool, remoteAddress: String) {
        self.fd = fd
        self.id = id
        self.loop = loop
        self.remoteAddress = remoteAddress
        acceptedAt = loop.now
        lastActivity = loop.now
        if isTLS, let context = loop.core.configuration.tls {
            tls = try? TLSConnection(context: context)
        } else {
            tls = nil
        }
        if isTLS && tls == nil { closeAfterFlush = true }  // could not create SSL*: close at once
    }

    var isSecure: Bool { tls != nil }
    var configuration: ServerConfiguration { loop.core.configuration }

    // MARK: Events

    func handle(events: UInt32) {
        if events & (EPOLLERR.rawValue) != 0 {
            closeNow()
            return
        }
        if events & EPOLLOUT.rawValue != 0 {
            flush()
            if case .closed = phase { return }
        }
        if events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLRDHUP.rawValue) != 0 {
            readAvailable()
        }
    }

    private func readAvailable() {
        // A few reads per wake-up, then give other connections their turn (level-triggered epoll calls back).
        let buffer = loop.readBuffer
        for _ in 0..<4 {
            let n: Int
            do {
                guard case .processed(let count) = try syscall("read", { read(fd, buffer.baseAddress, buffer.count) })
                else { break }
                n = count
            } catch {
                closeNow()  // ECONNRESET and the like
                return
            }
            if n == 0 {
                closeNow()  // the peer closed; whatever it pipelined without waiting is abandoned by it
                return
            }
            lastActivity = loop.now
            if case .lingering = phase { continue }  // discard
            received(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            if case .closed = phase { return }
            if n < buffer.count { break }
        }
        if case .lingering = phase { return }
        flush()
    }

    /// Bytes from the socket.
    private func received(_ bytes: UnsafeRawBufferPointer) {
        guard let tls else {
            receivedPlaintext(bytes)
            return
        }
        tls.feed(bytes)
        if !tls.isHandshakeComplete {
            switch tls.handshake() {
            case .wantRead:
                return
            case .failed(let error):
                loop.core.log("TLS handshake with \(remoteAddress) failed: \(error)")
                tls.drainEncrypted(into: &socketOut)  // the alert, if any
                closeAfterFlush = true
                return
            case .complete:
                codec = tls.negotiatedProtocol == "h2" ? makeHTTP2() : .http1(makeHTTP1Parser())
                if case .http2 = codec { flushHTTP2Output() }
            }
        }
        while true {
            plainIn.removeAll(keepingCapacity: true)
            let result = tls.readPlaintext(into: &plainIn)
            if !plainIn.isEmpty {
                let chunk = plainIn
                chunk.withUnsafeBytes { receivedPlaintext($0) }
                if case .closed = phase { return }
            }
            switch result {
            case .ok: continue
            case .wantRead: return
            case .closed:
                closeAfterFlush = true
                return
            case .failed(let error):
                loop.core.log("TLS error with \(remoteAddress): \(error)")
                closeAfterFlush = true
                return
            }
        }
    }

    /// Decrypted (or plain) bytes for the codec.
    private func receivedPlaintext(_ bytes: UnsafeRawBufferPointer) {
        switch codec {
        case .detecting:
            // Plain port: HTTP/2 with prior knowledge starts with the client preface (RFC 9113 §3.3).
            plainIn.append(contentsOf: bytes)
            let decision = plainIn.withUnsafeBytes { HTTP2ServerSession.looksLikePreface($0) }
            guard let isH2 = decision else { return }
            let buffered = plainIn
            plainIn = []
            codec = isH2 ? makeHTTP2() : .http1(makeHTTP1Parser())
            buffered.withUnsafeBytes { receivedPlaintext($0) }
        case .http1:
            receiveHTTP1(bytes)
        case .http2:
            receiveHTTP2(bytes)
        }
    }

    // MARK: Output

    /// Encrypts pending plaintext and writes as much as the socket takes in one system call.
    func flush() {
        if case .closed = phase { return }
        if !plainOut.isEmpty {
            if let tls {
                let failure: String? = plainOut.withUnsafeBytes { p -> String? in
                    do {
                        try tls.writePlaintext(p)
                        return nil
                    } catch {
                        return "\(error)"
                    }
                }
                if let failure {
                    loop.core.log("TLS write to \(remoteAddress) failed: \(failure)")
                    closeNow()
                    return
                }
                plainOut.removeAll(keepingCapacity: plainOut.capacity <= 256 * 1024)
            } else if socketOut.isEmpty {
                swap(&socketOut, &plainOut)
                socketOutOffset = 0
            } else {
                socketOut.append(contentsOf: plainOut)
                plainOut.removeAll(keepingCapacity: plainOut.capacity <= 256 * 1024)
            }
        }
        if let tls, tls.hasEncryptedOutput { tls.drainEncrypted(into: &socketOut) }
        while socketOutOffset < socketOut.count {
            let offset = socketOutOffset
            do {
                let sent = try socketOut.withUnsafeBytes { p throws(IOError) in
                    try syscall("send") { send(fd, p.baseAddress! + offset, p.count - offset, Int32(MSG_NOSIGNAL)) }
                }
                guard case .processed(let n) = sent else { break }
                socketOutOffset += n
            } catch {
                closeNow()  // EPIPE, ECONNRESET
                return
            }
        }
        if socketOutOffset == socketOut.count {
            // Keep small buffers for the next response; give big ones back (idle memory matters).
            socketOut.removeAll(keepingCapacity: socketOut.capacity <= 256 * 1024)
            socketOutOffset = 0
            updateInterest(write: false, pauseReading: false)
            if closeAfterFlush && slots.isEmpty {
                finishAfterFlush()
            } else if case .http1(let parser) = codec, parser.hasBufferedBytes, !closeAfterFlush {
                // Parsing stopped at the output high-water mark with requests still buffered: serve them
                // now that the output has drained, rather than when the client sends more (it may not).
                driveHTTP1()
                if !plainOut.isEmpty { flush() }
            }
        } else {
            updateInterest(write: true, pauseReading: socketOut.count - socketOutOffset > Connection.outputHighWater)
        }
    }

    /// Sets the epoll interest: EPOLLOUT while output is pending, EPOLLIN unless reading is paused.
    private func updateInterest(write: Bool, pauseReading: Bool) {
        guard write != wantsWrite || pauseReading != readPaused else { return }
        wantsWrite = write
        readPaused = pauseReading
        let events = (pauseReading ? 0 : EPOLLIN.rawValue) | (write ? EPOLLOUT.rawValue : 0)
        loop.modify(fd, events: events, data: UInt64(UInt32(bitPattern: fd)))
    }

    // MARK: Closing

    /// Everything has been written and the connection should end: half-close and linger briefly.
    private func finishAfterFlush() {
        if case .open = phase {
            if let tls {
                tls.shutdown()
                tls.drainEncrypted(into: &socketOut)
                socketOut.withUnsafeBytes { p in _ = send(fd, p.baseAddress, p.count, Int32(MSG_NOSIGNAL)) }
                socketOut.removeAll()
            }
            Glibc.shutdown(fd, Int32(SHUT_WR))
            if lingerOnClose {
                phase = .lingering(deadline: loop.now + 2)
            } else {
                closeNow()
            }
        }
    }

    func closeNow() {
        if case .closed = phase { return }
        phase = .closed
        loop.unregister(fd)
        close(fd)
        if hasArmedTimers { loop.cancelTimers(owner: id) }
        loop.forget(self)
    }

    /// Server shutdown: finish in-flight work, then close.
    func beginGracefulClose() {
        switch codec {
        case .http2(let session):
            session.beginGracefulShutdown()
            flushHTTP2Output()
            flush()
        case .http1(let parser):
            closeAfterFlush = true
            if slots.isEmpty && parser.isIdle { closeNow() } else { flush() }
        case .detecting:
            closeNow()
        }
    }

    /// Arms the promise's deadline, if it has one, on the loop's timers: when it passes first, the loop completes
    /// the promise with its timeout response (the completion then travels the usual deferred path).
    func armDeadline(of promise: ResponsePromise) {
        guard let timeout = promise.timeout else { return }
        hasArmedTimers = true
        loop.schedule(after: Double(timeout.milliseconds) / 1000, owner: id) {
            if !promise.isCompleted { promise.complete(timeout.onTimeout()) }
        }
    }

    func checkTimeouts(now: Double) {
        switch phase {
        case .closed:
            return
        case .lingering(let deadline):
            if now >= deadline { closeNow() }
            return
        case .open:
            break
        }
        let c = configuration
        if let tls, !tls.isHandshakeComplete {
            if now - acceptedAt > c.headerReadTimeout { closeNow() }
            return
        }
        switch codec {
        case .detecting:
            if now - acceptedAt > c.headerReadTimeout { closeNow() }
        case .http1:
            if let started = requestStartedAt, slots.isEmpty, now - started > c.headerReadTimeout {
                // Slow drip: answer 408 (RFC 9110 §15.5.9) and close; the loop was never blocked meanwhile.
                queueErrorAndClose(.requestTimeout)
                flush()
            } else if requestStartedAt == nil && slots.isEmpty && now - lastActivity > c.keepAliveTimeout {
                closeNow()
            }
        case .http2(let session):
            if session.openStreamCount == 0 && now - lastActivity > c.keepAliveTimeout {
                session.beginGracefulShutdown()
                flushHTTP2Output()
                closeAfterFlush = true
                flush()
            }
        }
    }
}

@available(*, unavailable)
extension Connection: Sendable {}
