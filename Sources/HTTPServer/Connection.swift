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
/// The lifecycle decisions (timeouts, drain, lingering close) are `lifecycle`'s; this class carries them out.
final class Connection {
    enum Codec {
        case detecting
        case http1(HTTP1Parser)
        case http2(HTTP2ServerSession)
    }

    /// A response slot of the HTTP/1.1 pipeline: responses leave strictly in request order.
    struct Slot {
        var serial: UInt64
        var bytes: [UInt8]?
        var closeAfter: Bool
        /// A streamed response (`Response.stream`): `bytes` is its head until sent, then nil while the stream
        /// is open, then its last chunk.
        var stream: StreamedResponse? = nil
        /// A fault to carry out when this slot's turn comes (`Response.connectionAction`).
        var action: ConnectionAction? = nil
    }

    /// An HTTP/1.1 body being written at a fixed rate (`ConnectionAction.slowBody`); its slot stays first in
    /// `slots` until the last byte is queued, so later answers wait behind it.
    struct PacedBody {
        var bytes: [UInt8]
        var offset = 0
        var bytesPerSecond: Int
    }

    let fd: Int32
    let id: UInt64
    unowned let loop: EventLoop
    let remoteAddress: String
    /// The address this connection was accepted on, copied into each request (fault rules match on it).
    let localAddress: String
    let tls: TLSConnection?
    var codec: Codec = .detecting
    var lifecycle: ConnectionStateMachine

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
    /// Set once this connection armed a loop timer, so that closing it cancels them (and only then scans).
    var hasArmedTimers = false
    /// Deferred responses with a deadline still owed on this connection: completed with a 499 that is never
    /// sent when the connection closes first, so whoever parked them (a long-poll waiter) is freed.
    var armedPromises: [ResponsePromise] = []
    /// A fault asked for a TCP reset: the next flush writes what it can, then closes with `SO_LINGER {1, 0}`.
    var abortRequested = false
    var pacedBody: PacedBody?
    /// Where this connection is counted among the loop's open connections (transport × protocol).
    var countedAs: LoopConnectionCounters.Slot

    init(fd: Int32, id: UInt64, loop: EventLoop, isTLS: Bool, remoteAddress: String, localAddress: String) {
        self.fd = fd
        self.id = id
        self.loop = loop
        self.remoteAddress = remoteAddress
        self.localAddress = localAddress
        let c = loop.core.configuration
        lifecycle = ConnectionStateMachine(
            timeouts: .init(headerRead: c.headerReadTimeout, keepAlive: c.keepAliveTimeout),
            now: loop.now
        )
        let counted = LoopConnectionCounters.Slot.pending(tls: isTLS)
        countedAs = counted
        loop.connectionCounters.opened(counted)
        if isTLS, let context = c.tls {
            tls = try? TLSConnection(context: context)
        } else {
            tls = nil
        }
        if isTLS && tls == nil { lifecycle.closeAfterFlush() }  // could not create SSL*: close at once
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
            if lifecycle.isClosed { return }
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
            guard lifecycle.bytesRead(now: loop.now) == .deliver else { continue }  // lingering: discard
            received(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            if lifecycle.isClosed { return }
            if n < buffer.count { break }
        }
        if lifecycle.isLingering { return }
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
                loop.connectionCounters.handshake(succeeded: false)
                loop.core.log("TLS handshake with \(remoteAddress) failed: \(error)")
                tls.drainEncrypted(into: &socketOut)  // the alert, if any
                lifecycle.closeAfterFlush()
                return
            case .complete:
                loop.connectionCounters.handshake(succeeded: true)
                codec = tls.negotiatedProtocol == "h2" ? makeHTTP2() : .http1(makeHTTP1Parser())
                lifecycle.protocolChosen()
                countProtocol()
                if case .http2 = codec { flushHTTP2Output() }
            }
        }
        while true {
            plainIn.removeAll(keepingCapacity: true)
            let result = tls.readPlaintext(into: &plainIn)
            if !plainIn.isEmpty {
                let chunk = plainIn
                chunk.withUnsafeBytes { receivedPlaintext($0) }
                if lifecycle.isClosed { return }
            }
            switch result {
            case .ok: continue
            case .wantRead: return
            case .closed:
                lifecycle.closeAfterFlush()
                return
            case .failed(let error):
                loop.core.log("TLS error with \(remoteAddress): \(error)")
                lifecycle.closeAfterFlush()
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
            lifecycle.protocolChosen()
            countProtocol()
            buffered.withUnsafeBytes { receivedPlaintext($0) }
        case .http1:
            receiveHTTP1(bytes)
        case .http2:
            receiveHTTP2(bytes)
        }
    }
}

extension Connection {
    /// Moves this connection from `pending` to the protocol just chosen in the loop's open-connection counts.
    func countProtocol() {
        var isH2 = false
        if case .http2 = codec { isH2 = true }
        let now = LoopConnectionCounters.Slot.chosen(tls: tls != nil, h2: isH2)
        loop.connectionCounters.moved(from: countedAs, to: now)
        countedAs = now
    }
}

@available(*, unavailable)
extension Connection: Sendable {}
