// SPDX-License-Identifier: Apache-2.0
import COpenSSL
import Testing

@testable import TLS

@Suite struct TLSConnectionTests {
    @Test(arguments: ["localhost", "api.resend.com", "api.flowmailer.net", "login.flowmailer.net"])
    func handshakeVerifiesHostname(_ hostname: String) throws {
        let server = try TestServer()
        let client = TestClient(caFile: server.files.caCertificate, options: .init(hostname: hostname))
        let connection = try TLSConnection(context: server.context)
        let result = interactInMemory(client: client, server: connection)
        #expect(result?.isComplete == true)
        #expect(client.failure == nil)
        #expect(client.isHandshakeComplete)
        #expect(connection.isHandshakeComplete)
        #expect(client.verifyResult == Int(X509_V_OK))
        #expect(client.negotiatedVersion == "TLSv1.3")
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func handshakeVerifiesIPAddress(_ address: String) throws {
        let server = try TestServer()
        let client = TestClient(
            caFile: server.files.caCertificate,
            options: .init(hostname: nil, ipAddress: address)
        )
        let connection = try TLSConnection(context: server.context)
        #expect(interactInMemory(client: client, server: connection)?.isComplete == true)
        #expect(client.failure == nil)
        #expect(client.verifyResult == Int(X509_V_OK))
    }

    @Test func wrongHostnameFailsClientVerification() throws {
        let server = try TestServer()
        let client = TestClient(caFile: server.files.caCertificate, options: .init(hostname: "example.com"))
        let connection = try TLSConnection(context: server.context)
        interactInMemory(client: client, server: connection)
        #expect(client.failure?.contains("certificate verify failed") == true)
        #expect(client.verifyResult == Int(X509_V_ERR_HOSTNAME_MISMATCH))
    }

    @Test func tls12HandshakeUsesModernCipher() throws {
        let server = try TestServer()
        let client = TestClient(
            caFile: server.files.caCertificate,
            options: .init(maxVersion: TLS1_2_VERSION)
        )
        let connection = try TLSConnection(context: server.context)
        #expect(interactInMemory(client: client, server: connection)?.isComplete == true)
        #expect(client.negotiatedVersion == "TLSv1.2")
        let cipher = String(cString: SSL_CIPHER_get_name(SSL_get_current_cipher(client.ssl)))
        #expect(cipher.hasPrefix("ECDHE-ECDSA-"))
    }

    @Test func tls12ServerCipherPreferenceWins() throws {
        let server = try TestServer()
        let client = TestClient(
            caFile: server.files.caCertificate,
            options: .init(
                maxVersion: TLS1_2_VERSION,
                cipherList: "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256"
            )
        )
        let connection = try TLSConnection(context: server.context)
        #expect(interactInMemory(client: client, server: connection)?.isComplete == true)
        let cipher = String(cString: SSL_CIPHER_get_name(SSL_get_current_cipher(client.ssl)))
        #expect(cipher == "ECDHE-ECDSA-AES128-GCM-SHA256")
    }

    @Test func tls12LegacyCiphersAreRefused() throws {
        let server = try TestServer()
        let client = TestClient(
            caFile: server.files.caCertificate,
            options: .init(maxVersion: TLS1_2_VERSION, cipherList: "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384")
        )
        let connection = try TLSConnection(context: server.context)
        let error = try #require(interactInMemory(client: client, server: connection)?.failure)
        #expect(error.description.contains("no shared cipher"))
    }

    @Test func tls11ClientIsRejected() throws {
        let server = try TestServer()
        let client = TestClient(
            caFile: server.files.caCertificate,
            options: .init(maxVersion: TLS1_1_VERSION)
        )
        let connection = try TLSConnection(context: server.context)
        let result = interactInMemory(client: client, server: connection)
        let error = try #require(result?.failure)
        #expect(error.description.contains("unsupported protocol"))
        #expect(client.failure != nil)
        #expect(!connection.isHandshakeComplete)
        // Still failed (and no crash) when called again.
        #expect(connection.handshake().failure != nil)
    }

    @Test func handshakeSurvivesOneByteFeeds() throws {
        let server = try TestServer()
        let client = TestClient(caFile: server.files.caCertificate)
        let connection = try TLSConnection(context: server.context)
        #expect(interactInMemory(client: client, server: connection, chunkSize: 1)?.isComplete == true)
        #expect(client.isHandshakeComplete)
    }

    @Test func garbageBeforeHandshakeFails() throws {
        let server = try TestServer()
        let connection = try TLSConnection(context: server.context)
        let garbage = Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
        garbage.withUnsafeBytes { connection.feed($0) }
        let error = try #require(connection.handshake().failure)
        #expect(error.description.contains("TLS handshake failed"))
        var buffer: [UInt8] = []
        #expect(connection.readPlaintext(into: &buffer).name.hasPrefix("failed"))
        #expect(throws: TLSError.self) {
            try ([1, 2, 3] as [UInt8]).withUnsafeBytes { try connection.writePlaintext($0) }
        }
    }

    @Test func writeBeforeHandshakeThrows() throws {
        let server = try TestServer()
        let connection = try TLSConnection(context: server.context)
        #expect(throws: TLSError.self) { try ([1] as [UInt8]).withUnsafeBytes { try connection.writePlaintext($0) } }
    }

    @Test func emptyInputWantsRead() throws {
        let server = try TestServer()
        let connection = try TLSConnection(context: server.context)
        #expect(connection.handshake().isComplete == false)
        if case .wantRead = connection.handshake() {} else { Issue.record("expected wantRead") }
        #expect(!connection.hasEncryptedOutput)
        var buffer: [UInt8] = []
        connection.drainEncrypted(into: &buffer)
        #expect(buffer.isEmpty)
    }

    /// With tickets the session lives in the ticket; without, in the server-side cache (RFC 5246 session IDs).
    @Test(arguments: [true, false])
    func tls12SessionsResume(withTickets tickets: Bool) throws {
        let server = try TestServer()
        let options = TestClient.Options(maxVersion: TLS1_2_VERSION, sessionTickets: tickets)
        let first = TestClient(caFile: server.files.caCertificate, options: options)
        let firstConnection = try TLSConnection(context: server.context)
        #expect(interactInMemory(client: first, server: firstConnection)?.isComplete == true)
        // A session whose connection was freed without close_notify is dropped from the cache (RFC 5246 §7.2.1).
        firstConnection.shutdown()
        let session = try #require(SSL_get1_session(first.ssl))
        defer { SSL_SESSION_free(session) }
        var resumed = options
        resumed.session = session
        let second = TestClient(caFile: server.files.caCertificate, options: resumed)
        let connection = try TLSConnection(context: server.context)
        #expect(interactInMemory(client: second, server: connection)?.isComplete == true)
        #expect(SSL_session_reused(second.ssl) == 1)
        #expect(CShims_SSL_CTX_sess_number(server.context.ctx) == (tickets ? 0 : 1))
        #expect(CShims_SSL_CTX_sess_get_cache_size(server.context.ctx) == TLSContext.sessionCacheSize)
    }
}
