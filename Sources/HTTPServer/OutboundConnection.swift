// SPDX-License-Identifier: Apache-2.0
import TLS

/// One outbound byte stream, plain or TLS: the HTTP code above it never sees which (the client-side twin
/// of the server's connection split).
final class OutboundConnection {
    private let socket: OutboundSocket
    private let tls: TLSConnection?
    /// Ciphertext going out, reused between writes.
    private var wire: [UInt8] = []

    init(socket: OutboundSocket, tls: TLSConnection?) {
        self.socket = socket
        self.tls = tls
    }

    /// Runs the TLS handshake (nothing for plain TCP); a failed certificate check names its reason.
    func handshake() -> OutboundError? {
        guard let tls else { return nil }
        while true {
            let result = tls.handshake()
            // The ClientHello, and later the Finished flight, wait in the write BIO.
            if let error = flush() { return error }
            switch result {
            case .complete:
                return nil
            case .failed(let error):
                let why = tls.verificationFailure.map { "\(error.description) (\($0))" } ?? error.description
                return OutboundError(.tls, why)
            case .wantRead:
                var input: [UInt8] = []
                switch socket.receive(into: &input) {
                case .failure(let error): return error
                case .success(0):
                    return OutboundError(.tls, "the server closed the connection during the TLS handshake")
                case .success: input.withUnsafeBytes { tls.feed($0) }
                }
            }
        }
    }

    /// Writes all of `bytes`.
    func write(_ bytes: [UInt8]) -> OutboundError? {
        guard let tls else { return socket.sendAll(bytes) }
        let failure: TLSError? = bytes.withUnsafeBytes { p in
            do throws(TLSError) {
                try tls.writePlaintext(p)
                return nil
            } catch {
                return error
            }
        }
        if let failure { return OutboundError(.tls, failure.description) }
        return flush()
    }

    /// Appends the next plaintext bytes to `buffer`; 0 means the peer ended the stream.
    func read(into buffer: inout [UInt8]) -> Result<Int, OutboundError> {
        guard let tls else { return socket.receive(into: &buffer) }
        while true {
            let before = buffer.count
            let result = tls.readPlaintext(into: &buffer)
            // Reading can queue records for the peer (a KeyUpdate reply); sending them is best effort.
            _ = flush()
            switch result {
            case .ok: return .success(buffer.count - before)
            case .closed: return .success(0)
            case .failed(let error): return .failure(OutboundError(.tls, error.description))
            case .wantRead:
                var input: [UInt8] = []
                switch socket.receive(into: &input) {
                case .failure(let error): return .failure(error)
                // A TCP close without close_notify: the HTTP framing, not TLS, decides whether that truncated
                // anything (RFC 8446 §6.1 allows servers to skip close_notify), so report a plain end.
                case .success(0): return .success(0)
                case .success: input.withUnsafeBytes { tls.feed($0) }
                }
            }
        }
    }

    /// Sends close_notify (best effort); the socket closes when this object goes away.
    func close() {
        guard let tls, tls.isHandshakeComplete else { return }
        tls.shutdown()
        _ = flush()
    }

    private func flush() -> OutboundError? {
        guard let tls else { return nil }
        wire.removeAll(keepingCapacity: true)
        tls.drainEncrypted(into: &wire)
        return wire.isEmpty ? nil : socket.sendAll(wire)
    }
}
