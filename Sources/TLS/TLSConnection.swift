// SPDX-License-Identifier: Apache-2.0
internal import COpenSSL

/// Outcome of one `TLSConnection.handshake()` step.
public enum TLSHandshakeResult: Sendable {
    /// The handshake finished; application data may flow.
    case complete
    /// Feed more bytes from the socket, then call `handshake()` again. Drain encrypted output first.
    case wantRead
    /// The handshake failed. Drain encrypted output (it may hold an alert for the peer), then close.
    case failed(TLSError)
}

/// Outcome of `TLSConnection.readPlaintext(into:)`.
public enum TLSReadResult: Sendable {
    /// Plaintext was appended.
    case ok
    /// No plaintext is available until more encrypted bytes are fed.
    case wantRead
    /// The peer sent close_notify: no more data will come (we may still write).
    case closed
    /// A fatal TLS error; the connection must be closed (after draining any alert).
    case failed(TLSError)
}

/// One server-side TLS session over two memory BIOs (sans-IO): the owner feeds bytes read from the socket
/// with `feed(_:)` and writes whatever `drainEncrypted(into:)` hands back. Nothing here touches a file descriptor.
///
/// After every `handshake()`, `readPlaintext(into:)`, `writePlaintext(_:)` and `shutdown()` call, drain the
/// encrypted output: each of them can queue records (handshake flights, TLS 1.3 session tickets, KeyUpdate
/// replies, alerts).
///
/// Not Sendable: the event-loop thread that accepted the socket owns the connection for its whole life.
public final class TLSConnection {
    /// Retained so the `SSL_CTX` (and the ALPN callback's unretained pointer to it) outlive this session.
    private let context: TLSContext
    /// Owned `SSL`; `SSL_free` also frees both BIOs (`SSL_set_bio` / `SSL_set0_*bio` transferred them).
    let ssl: OpaquePointer
    /// Network → OpenSSL: ciphertext we fed.
    var readBIO: OpaquePointer
    /// OpenSSL → network: ciphertext to send.
    var writeBIO: OpaquePointer
    /// Set when the read BIO once held more than `bioShrinkThreshold` bytes (its buffer never shrinks).
    var readBIOGrew = false
    /// First fatal outcome (or close_notify), repeated on every later read: after `SSL_ERROR_SSL` the `SSL`
    /// must not be used again and the ERR queue would no longer explain why.
    var terminal: TLSReadResult?

    /// A memory BIO's buffer only grows. Once a burst has pushed one past this size, the drained BIO is
    /// replaced by a fresh one, so a connection that once moved a large body does not keep that much memory
    /// while idle (1000 idle connections must fit in a few MB).
    static let bioShrinkThreshold = 16 * 1024 + 1024

    /// Creates a server session in accept state.
    /// - Parameter context: the shared server configuration.
    public init(context: TLSContext) throws(TLSError) {
        ERR_clear_error()
        guard let ssl = SSL_new(context.ctx) else { throw TLSError.openSSL("SSL_new failed") }
        let readBIO = BIO_new(BIO_s_mem())
        let writeBIO = BIO_new(BIO_s_mem())
        guard let readBIO, let writeBIO else {
            // Not attached to the SSL yet, so SSL_free would not free them (BIO_free accepts NULL).
            BIO_free(readBIO)
            BIO_free(writeBIO)
            SSL_free(ssl)
            throw TLSError.openSSL("BIO_new failed")
        }
        // An empty memory BIO reports "retry" (eof_return -1 by default), which OpenSSL maps to WANT_READ:
        // exactly "no bytes from the socket yet", never a fake EOF.
        SSL_set_bio(ssl, readBIO, writeBIO)
        SSL_set_accept_state(ssl)
        self.context = context
        self.ssl = ssl
        self.readBIO = readBIO
        self.writeBIO = writeBIO
    }

    deinit {
        SSL_free(ssl)
    }

    /// Encrypted bytes just read from the socket.
    /// - Parameter bytes: ciphertext, in order; any split is fine.
    public func feed(_ bytes: UnsafeRawBufferPointer) {
        guard var base = bytes.baseAddress, terminal == nil else { return }
        var remaining = bytes.count
        while remaining > 0 {
            // A memory BIO write only fails when malloc does.
            let written = BIO_write(readBIO, base, Int32(clamping: remaining))
            guard written > 0 else {
                terminal = .failed(TLSError.openSSL("out of memory buffering TLS input"))
                return
            }
            base += Int(written)
            remaining -= Int(written)
        }
        if BIO_ctrl_pending(readBIO) > Self.bioShrinkThreshold {
            readBIOGrew = true
        }
    }

    /// Advances the handshake with the bytes fed so far.
    public func handshake() -> TLSHandshakeResult {
        if case .failed(let error)? = terminal { return .failed(error) }
        ERR_clear_error()
        let rc = SSL_do_handshake(ssl)
        if rc == 1 { return .complete }
        switch classify(rc) {
        case .wantIO:
            return .wantRead
        case .closed:
            // nginx: "peer closed connection in SSL handshake".
            let error = TLSError("peer closed the connection during the TLS handshake")
            terminal = .failed(error)
            return .failed(error)
        case .failed(let reason):
            let error = TLSError("TLS handshake failed: \(reason)")
            terminal = .failed(error)
            return .failed(error)
        }
    }

    /// True once the handshake has finished.
    public var isHandshakeComplete: Bool {
        SSL_is_init_finished(ssl) == 1
    }

    /// ALPN result after the handshake: "h2", "http/1.1" or nil (the client sent no ALPN or nothing matched;
    /// serve HTTP/1.1 then).
    public var negotiatedProtocol: String? {
        var data: UnsafePointer<UInt8>? = nil
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// Whether ciphertext is waiting in the write BIO.
    public var hasEncryptedOutput: Bool {
        BIO_ctrl_pending(writeBIO) > 0
    }

    /// Queues close_notify (RFC 8446 §6.1). Drain and send it, then close the socket; like every HTTP server we
    /// do not wait for the peer's reply.
    ///
    /// Call it on every clean close (idle timeout, `Connection: close`, GOAWAY, server shutdown): OpenSSL drops
    /// the cached TLS 1.2 session of a connection freed without close_notify, so the client could not resume.
    public func shutdown() {
        // After a fatal error the SSL must not be used again; after the peer's close_notify we still answer.
        if case .failed? = terminal { return }
        ERR_clear_error()
        // Before the handshake has finished SSL_shutdown fails ("shutdown while in init"); nothing to say then.
        if SSL_is_init_finished(ssl) == 1 {
            _ = SSL_shutdown(ssl)
        }
        ERR_clear_error()
    }

    /// What one `SSL_get_error` outcome means for a memory-BIO session; mapped once here.
    enum Status {
        /// WANT_READ or WANT_WRITE: the write BIO never fills, so both just mean "feed more input".
        case wantIO
        /// ZERO_RETURN: close_notify received.
        case closed
        /// The drained ERR queue (or what happened, when it is empty).
        case failed(String)
    }

    /// Maps the return code of the `SSL_*` call just made. Must run before any other OpenSSL call on this thread.
    func classify(_ rc: Int32) -> Status {
        let code = SSL_get_error(ssl, rc)
        switch code {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .wantIO
        case SSL_ERROR_ZERO_RETURN:
            return .closed
        default:
            let reasons = TLSError.drainErrorQueue()
            if !reasons.isEmpty { return .failed(reasons.joined(separator: "; ")) }
            // SSL_ERROR_SYSCALL with an empty queue: no syscall happens with memory BIOs, so the stream ended
            // mid-record.
            return .failed(code == SSL_ERROR_SYSCALL ? "unexpected end of TLS stream" : "SSL_get_error \(code)")
        }
    }
}

@available(*, unavailable)
extension TLSConnection: Sendable {}
