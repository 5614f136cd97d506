// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTPCore
import TLS

/// One blocking TCP connection to 127.0.0.1 with a client TLS session over memory BIOs (the TLS module's
/// sans-IO `TLSConnection`), for `LiveTestClient`.
///
/// Not Sendable: `LiveTestClient` only touches it under its lock.
final class LiveConnection {
    private let fd: Int32
    private let tls: TLSConnection
    /// Decrypted bytes not consumed yet (the start of a next response, in theory).
    private var plaintext: [UInt8] = []
    private var closed = false

    init(port: Int, context: TLSContext, serverName: String, timeoutSeconds: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestClientError("socket failed: errno \(errno)") }
        do {
            // Timeouts turn a server that never answers into a failed test rather than a hung run.
            var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            // Without it, a request written after the handshake's last flight waits for a delayed ACK.
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
            let rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard rc == 0 else { throw TestClientError("connect to 127.0.0.1:\(port) failed: errno \(errno)") }
            tls = try TLSConnection(clientContext: context, serverName: serverName)
        } catch {
            Glibc.close(fd)
            throw error
        }
        self.fd = fd
        do {
            try handshake()
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    /// Sends one request and reads its response.
    /// - Returns: the response, and whether the connection may carry another request.
    func exchange(_ request: [UInt8], isHead: Bool) throws -> (TestResponse, keepAlive: Bool) {
        // A typed-throws closure here crashed the 6.3.1 compiler (IRGen); the Result keeps it untyped outside.
        let written: Result<Void, TLSError> = request.withUnsafeBytes { bytes in
            do throws(TLSError) {
                try tls.writePlaintext(bytes)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        if case .failure(let error) = written { throw TestClientError("TLS write failed: \(error)") }
        try flush()
        while true {
            if let head = try LiveTestClient.parseHead(plaintext) {
                // Interim answers (100 Continue) precede the final one (RFC 9110 §15.2).
                if (100..<200).contains(head.status.code) {
                    plaintext.removeFirst(head.bodyStart)
                    continue
                }
                let length = try LiveTestClient.bodyLength(head, isHead: isHead)
                if let length {
                    while plaintext.count < head.bodyStart + length { try readMore(eofIsError: true) }
                } else {
                    while try readMore(eofIsError: false) {}
                }
                let end = length.map { head.bodyStart + $0 } ?? plaintext.count
                let body = Array(plaintext[head.bodyStart..<end])
                plaintext.removeFirst(end)
                let keepAlive = length != nil && head.headers["Connection"]?.lowercased() != "close"
                return (TestResponse(status: head.status, headers: head.headers, body: body), keepAlive)
            }
            try readMore(eofIsError: true)
        }
    }

    /// Sends close_notify and closes the socket; idempotent.
    func close() {
        guard !closed else { return }
        closed = true
        tls.shutdown()
        try? flush()
        Glibc.close(fd)
    }

    private func handshake() throws {
        while true {
            let result = tls.handshake()
            try flush()
            switch result {
            case .complete:
                return
            case .wantRead:
                try receive()
            case .failed(let error):
                let why = tls.verificationFailure.map { " (\($0))" } ?? ""
                throw TestClientError("TLS handshake with the test server failed: \(error)\(why)")
            }
        }
    }

    /// Decrypts what arrives next. Returns false at the end of the stream when `eofIsError` is false.
    @discardableResult
    private func readMore(eofIsError: Bool) throws -> Bool {
        while true {
            switch tls.readPlaintext(into: &plaintext) {
            case .ok:
                return true
            case .wantRead:
                guard try receive(eofIsError: eofIsError) else { return false }
            case .closed:
                if eofIsError { throw TestClientError("the server closed the connection before a full response") }
                return false
            case .failed(let error):
                throw TestClientError("TLS read failed: \(error)")
            }
        }
    }

    /// Reads ciphertext from the socket into the TLS session. Returns false on EOF when `eofIsError` is false.
    @discardableResult
    private func receive(eofIsError: Bool = true) throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                chunk.withUnsafeBytes { tls.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                return true
            }
            if n == 0 {
                if eofIsError { throw TestClientError("the server closed the connection before a full response") }
                return false
            }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw TestClientError("timed out waiting for the server") }
            throw TestClientError("recv failed: errno \(errno)")
        }
    }

    /// Writes all pending ciphertext to the socket.
    private func flush() throws {
        var out: [UInt8] = []
        tls.drainEncrypted(into: &out)
        var sent = 0
        while sent < out.count {
            let n = out.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                sent += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            throw TestClientError("send failed: errno \(errno)")
        }
    }
}
