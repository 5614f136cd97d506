// SPDX-License-Identifier: Apache-2.0
import COpenSSL
import Glibc

/// A blocking TLS 1.2+/HTTP/1.1 client for tests: verifies the server chain against `caFile` and the
/// host name, offers ALPN, and reads Content-Length framed responses.
final class TLSTestClient {
    enum Failure: Error {
        case connect
        case handshake(String)
        case io
    }

    let fd: Int32
    let ctx: OpaquePointer
    let conn: OpaquePointer
    var buffer: [UInt8] = []

    init(port: Int, caFile: String, host: String = "localhost", alpn: [String] = ["http/1.1"]) throws {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &a.sin_addr)
        let rc = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(sock, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        fd = sock
        ctx = SSL_CTX_new(TLS_client_method())!
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        let loaded = SSL_CTX_load_verify_locations(ctx, caFile, nil)
        conn = SSL_new(ctx)!
        guard rc == 0 else { throw Failure.connect }
        guard loaded == 1 else { throw Failure.handshake("cannot load CA \(caFile)") }
        SSL_set1_host(conn, host)
        var wire: [UInt8] = []
        for p in alpn {
            wire.append(UInt8(p.utf8.count))
            wire.append(contentsOf: p.utf8)
        }
        if !wire.isEmpty { SSL_set_alpn_protos(conn, wire, UInt32(wire.count)) }
        SSL_set_fd(conn, sock)
        if SSL_connect(conn) != 1 {
            throw Failure.handshake("SSL_connect failed, verify result \(SSL_get_verify_result(conn))")
        }
    }

    deinit {
        SSL_free(conn)
        SSL_CTX_free(ctx)
        close(fd)
    }

    var negotiatedProtocol: String? {
        var data: UnsafePointer<UInt8>?
        var len: UInt32 = 0
        SSL_get0_alpn_selected(conn, &data, &len)
        guard let data, len > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(len)), as: UTF8.self)
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = SSL_write(conn, bytes, Int32(bytes.count))
    }

    /// Reads one response; returns (status, body).
    func readResponse() throws -> (status: Int, body: String, head: String) {
        while true {
            if let end = headEnd() {
                let head = String(decoding: buffer[0..<end], as: UTF8.self)
                let status = Int(head.split(separator: " ")[1]) ?? 0
                var length = 0
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    length = Int(line.split(separator: ":")[1].trimmingCharacters()) ?? 0
                }
                while buffer.count < end + 4 + length { try fill() }
                let body = String(decoding: buffer[(end + 4)..<(end + 4 + length)], as: UTF8.self)
                buffer.removeFirst(end + 4 + length)
                return (status, body, head)
            }
            try fill()
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let n = SSL_read(conn, &chunk, 16384)
        guard n > 0 else { throw Failure.io }
        buffer.append(contentsOf: chunk[0..<Int(n)])
    }

    private func headEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4)
        where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
