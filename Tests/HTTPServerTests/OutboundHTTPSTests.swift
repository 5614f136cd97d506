// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTPCore
import HTTPServer
import TLS
import Testing

/// `OutboundHTTP.post` over TLS against the emulator's own HTTPS server, with a development CA made for the
/// test: the chain and the name (DNS or IP) are verified, and a failed check says why.
@Suite struct OutboundHTTPSTests {
    final class Server {
        let server: HTTPServer
        let caFile: String
        let seen = Locked<[String]>([])

        init(dnsNames: [String] = ["localhost"], ipAddresses: [String] = ["127.0.0.1"]) throws {
            var template = Array("/tmp/maildouble-outbound-XXXXXX".utf8CString)
            let dir = String(cString: template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }!)
            let (files, _) = try DevCertificates.ensure(in: dir, dnsNames: dnsNames, ipAddresses: ipAddresses)
            caFile = files.caCertificate
            var c = ServerConfiguration()
            c.httpsPort = 0
            c.httpPort = nil
            c.threads = 1
            c.tls = try TLSContext(certificateChainFile: files.serverCertificate, privateKeyFile: files.serverKey)
            let seen = self.seen
            server = HTTPServer(configuration: c) { request in
                seen.withLock {
                    $0.append("\(request.method) \(request.target) \(String(decoding: request.body, as: UTF8.self))")
                }
                return Response(status: .accepted, headers: ["Content-Type": "text/plain"], body: Array("queued".utf8))
            }
            try server.start()
        }

        var port: Int { server.httpsPort! }

        deinit {
            server.shutdown(drainTimeout: 1)
            server.wait()
        }
    }

    @Test func verifiesTheChainAndTheNameByDNSAndByIP() throws {
        let server = try Server()
        let client = try TLSContext.makeClient(extraCAFiles: [server.caFile])
        for host in ["localhost", "127.0.0.1"] {
            let result = OutboundHTTP.post(
                url: "https://\(host):\(server.port)/hook",
                headers: ["content-type": "application/json"],
                body: Array("{}".utf8),
                timeoutSeconds: 10,
                tls: client
            )
            #expect(result == .success(202), "\(host)")
        }
        #expect(server.seen.withLock { $0 } == ["POST /hook {}", "POST /hook {}"])
    }

    @Test func untrustedCertificateFailsWithTheReason() throws {
        let server = try Server()
        // The default context trusts the system store only, which does not hold the test CA.
        let result = OutboundHTTP.post(
            url: "https://localhost:\(server.port)/",
            headers: [:],
            body: [],
            timeoutSeconds: 10
        )
        guard case .failure(let error) = result else {
            Issue.record("expected an error, got \(result)")
            return
        }
        #expect(error.kind == .tls)
        #expect(error.description.contains("certificate verify failed"))
        #expect(server.seen.withLock { $0.isEmpty })
    }

    @Test func nameMismatchFailsForDNSAndIP() throws {
        let server = try Server(dnsNames: ["other.example"], ipAddresses: ["10.9.8.7"])
        let client = try TLSContext.makeClient(extraCAFiles: [server.caFile])
        for (host, reason) in [("localhost", "hostname mismatch"), ("127.0.0.1", "IP address mismatch")] {
            let result = OutboundHTTP.post(
                url: "https://\(host):\(server.port)/",
                headers: [:],
                body: [],
                timeoutSeconds: 10,
                tls: client
            )
            guard case .failure(let error) = result else {
                Issue.record("expected an error for \(host)")
                continue
            }
            #expect(error.kind == .tls)
            #expect(error.description.contains(reason), "\(error)")
        }
    }

    @Test func plainHTTPAnswerToTLSIsAnErrorNotAHang() throws {
        let listener = try RecordingListener(
            answers: ["HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"],
            waitForRequest: false
        )
        let result = OutboundHTTP.post(
            url: "https://127.0.0.1:\(listener.port)/",
            headers: [:],
            body: [],
            timeoutSeconds: 10
        )
        guard case .failure(let error) = result else {
            Issue.record("expected an error, got \(result)")
            return
        }
        #expect(error.kind == .tls)
    }

    @Test func missingCAFileIsAClearError() {
        #expect(throws: TLSError.self) { try TLSContext.makeClient(extraCAFiles: ["/nonexistent/ca.pem"]) }
    }
}
