// SPDX-License-Identifier: Apache-2.0
import COpenSSL
import Glibc

@testable import TLS

/// A unique directory under /tmp (mkdtemp), removed with its files when released.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/maildouble-tls-test-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        Self.remove(path)
    }

    private static func remove(_ path: String) {
        if let dir = opendir(path) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) {
                    String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
                }
                if name == "." || name == ".." { continue }
                let child = path + "/" + name
                if unlink(child) != 0 { remove(child) }
            }
            closedir(dir)
        }
        rmdir(path)
    }
}

/// A server context backed by freshly generated development certificates.
struct TestServer {
    let directory = TemporaryDirectory()
    let files: DevCertificates.Files
    let context: TLSContext

    init(alpn: [String] = ["h2", "http/1.1"]) throws {
        files = try DevCertificates.ensure(
            in: directory.path,
            dnsNames: DevCertificates.defaultDNSNames,
            ipAddresses: DevCertificates.defaultIPAddresses
        ).files
        context = try TLSContext(
            certificateChainFile: files.serverCertificate,
            privateKeyFile: files.serverKey,
            alpnProtocols: alpn
        )
    }
}

/// A verifying OpenSSL client over two memory BIOs, written directly against COpenSSL (independent of the code
/// under test).
final class TestClient {
    struct Options {
        var hostname: String? = "localhost"
        var ipAddress: String? = nil
        var alpn: [String]? = nil
        var maxVersion: Int32? = nil
        var session: OpaquePointer? = nil
        /// TLS 1.2 cipher list, most preferred first.
        var cipherList: String? = nil
        /// false: no RFC 5077 tickets, so TLS 1.2 resumption must use the server's session cache.
        var sessionTickets = true
    }

    let ctx: OpaquePointer
    let ssl: OpaquePointer
    let readBIO: OpaquePointer
    let writeBIO: OpaquePointer
    private(set) var failure: String?

    init(caFile: String, options: Options = Options()) {
        ctx = SSL_CTX_new(TLS_client_method())!
        precondition(SSL_CTX_load_verify_locations(ctx, caFile, nil) == 1)
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        if let maxVersion = options.maxVersion {
            _ = CShims_SSL_CTX_set_max_proto_version(ctx, maxVersion)
            // OpenSSL 3 allows TLS < 1.2 only at security level 0; without this the client would refuse to
            // send its hello at all and we would not be testing the server.
            _ = SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0")
        }
        if let cipherList = options.cipherList {
            precondition(SSL_CTX_set_cipher_list(ctx, cipherList) == 1)
        }
        if !options.sessionTickets {
            _ = SSL_CTX_set_options(ctx, CShims_SSL_OP_NO_TICKET())
        }
        ssl = SSL_new(ctx)!
        readBIO = BIO_new(BIO_s_mem())!
        writeBIO = BIO_new(BIO_s_mem())!
        SSL_set_bio(ssl, readBIO, writeBIO)
        SSL_set_connect_state(ssl)
        if let hostname = options.hostname {
            _ = CShims_SSL_set_tlsext_host_name(ssl, hostname)
            precondition(SSL_set1_host(ssl, hostname) == 1)
        }
        if let ip = options.ipAddress {
            precondition(X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), ip) == 1)
        }
        if let alpn = options.alpn {
            var wire: [UInt8] = []
            for proto in alpn {
                wire.append(UInt8(proto.utf8.count))
                wire += proto.utf8
            }
            precondition(SSL_set_alpn_protos(ssl, wire, UInt32(wire.count)) == 0)
        }
        if let session = options.session { precondition(SSL_set_session(ssl, session) == 1) }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(ctx)
    }

    var isHandshakeComplete: Bool { SSL_is_init_finished(ssl) == 1 }
    var verifyResult: Int { SSL_get_verify_result(ssl) }
    var negotiatedVersion: String { String(cString: SSL_get_version(ssl)) }

    /// One handshake step; records a fatal error.
    func stepHandshake() {
        guard failure == nil, !isHandshakeComplete else { return }
        ERR_clear_error()
        let rc = SSL_do_handshake(ssl)
        if rc != 1 {
            let code = SSL_get_error(ssl, rc)
            if code != SSL_ERROR_WANT_READ {
                failure = "client handshake error \(code): " + TLSError.drainErrorQueue().joined(separator: "; ")
            }
        }
    }

    func feed(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        precondition(BIO_write(readBIO, bytes, Int32(bytes.count)) == Int32(bytes.count))
    }

    func drain() -> [UInt8] {
        let count = Int(BIO_ctrl_pending(writeBIO))
        var bytes = [UInt8](repeating: 0, count: count)
        if count > 0 { _ = BIO_read(writeBIO, &bytes, Int32(count)) }
        return bytes
    }

    func write(_ bytes: [UInt8]) {
        var written = 0
        precondition(SSL_write_ex(ssl, bytes, bytes.count, &written) == 1 && written == bytes.count)
    }

    /// Reads all available plaintext; `closed` is true once close_notify arrived.
    func read() -> (bytes: [UInt8], closed: Bool) {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            var count = 0
            ERR_clear_error()
            let rc = SSL_read_ex(ssl, &chunk, chunk.count, &count)
            if rc == 1 {
                out += chunk[0..<count]
                continue
            }
            return (out, SSL_get_error(ssl, rc) == SSL_ERROR_ZERO_RETURN)
        }
    }
}

/// Moves bytes between `client` and `server`, advancing both handshakes, until neither has anything to send
/// (swift-nio-ssl's `interactInMemory`). Returns the server's last handshake result.
@discardableResult
func interactInMemory(client: TestClient, server: TLSConnection, chunkSize: Int = .max) -> TLSHandshakeResult? {
    var serverResult: TLSHandshakeResult? = nil
    for _ in 0..<100_000 {
        client.stepHandshake()
        let toServer = client.drain()
        var index = 0
        repeat {
            let end = min(index + chunkSize, toServer.count)
            toServer[index..<end].withUnsafeBytes { server.feed($0) }
            index = end
            if !server.isHandshakeComplete, serverResult.map({ if case .failed = $0 { false } else { true } }) ?? true {
                serverResult = server.handshake()
            }
        } while index < toServer.count
        var toClient: [UInt8] = []
        server.drainEncrypted(into: &toClient)
        client.feed(toClient)
        if toServer.isEmpty && toClient.isEmpty { break }
    }
    return serverResult
}

extension TLSHandshakeResult {
    var isComplete: Bool { if case .complete = self { true } else { false } }
    var failure: TLSError? { if case .failed(let error) = self { error } else { nil } }
}

extension TLSReadResult {
    var name: String {
        switch self {
        case .ok: "ok"
        case .wantRead: "wantRead"
        case .closed: "closed"
        case .failed(let error): "failed(\(error))"
        }
    }
}
