// SPDX-License-Identifier: Apache-2.0
import COpenSSL
import Testing

@testable import TLS

@Suite struct TLSContextTests {
    @Test func missingCertificateFileIsNamed() throws {
        let server = try TestServer()
        let missing = server.directory.path + "/nope.pem"
        let error = #expect(throws: TLSError.self) {
            try TLSContext(certificateChainFile: missing, privateKeyFile: server.files.serverKey)
        }
        #expect(error?.description.contains("TLS certificate chain file '\(missing)' cannot be read") == true)
        #expect(error?.description.contains("No such file") == true)
    }

    @Test func missingKeyFileIsNamed() throws {
        let server = try TestServer()
        let error = #expect(throws: TLSError.self) {
            try TLSContext(certificateChainFile: server.files.serverCertificate, privateKeyFile: "/nonexistent/key.pem")
        }
        #expect(error?.description.contains("TLS private key file '/nonexistent/key.pem'") == true)
    }

    @Test func mismatchedKeyIsRejected() throws {
        let server = try TestServer()
        // The CA key is a valid key, but not the server certificate's.
        let error = #expect(throws: TLSError.self) {
            try TLSContext(certificateChainFile: server.files.serverCertificate, privateKeyFile: server.files.caKey)
        }
        #expect(error?.description.contains("does not match") == true)
    }

    @Test func nonPEMCertificateIsRejectedWithReason() throws {
        let server = try TestServer()
        let error = #expect(throws: TLSError.self) {
            try TLSContext(certificateChainFile: "/etc/hostname", privateKeyFile: server.files.serverKey)
        }
        #expect(error?.description.contains("cannot load TLS certificate chain from '/etc/hostname'") == true)
        #expect(error?.description.contains("error:") == true)
    }

    @Test func invalidALPNNameIsRejected() throws {
        let server = try TestServer()
        #expect(throws: TLSError.self) {
            try TLSContext(
                certificateChainFile: server.files.serverCertificate,
                privateKeyFile: server.files.serverKey,
                alpnProtocols: [""]
            )
        }
    }

    @Test(
        arguments: [
            (["http/1.1", "h2"], "h2"),
            (["h2", "http/1.1"], "h2"),
            (["http/1.1"], "http/1.1"),
            (["h2"], "h2"),
            (["h3", "spdy/3"], nil),
            (nil, nil),
        ] as [([String]?, String?)]
    )
    func alpnFollowsServerPreference(offered: [String]?, expected: String?) throws {
        let server = try TestServer()
        let client = TestClient(caFile: server.files.caCertificate, options: .init(alpn: offered))
        let connection = try TLSConnection(context: server.context)
        #expect(interactInMemory(client: client, server: connection)?.isComplete == true)
        #expect(connection.negotiatedProtocol == expected)
    }

    @Test func contextWithoutALPNNegotiatesNothing() throws {
        let server = try TestServer(alpn: [])
        let client = TestClient(caFile: server.files.caCertificate, options: .init(alpn: ["h2"]))
        let connection = try TLSConnection(context: server.context)
        #expect(interactInMemory(client: client, server: connection)?.isComplete == true)
        #expect(connection.negotiatedProtocol == nil)
    }

    @Test func selectALPNParsesWireFormat() {
        let preferences = [Array("h2".utf8), Array("http/1.1".utf8)]
        let list: [UInt8] = [8] + Array("http/1.1".utf8) + [2] + Array("h2".utf8)
        let range = list.withUnsafeBytes { TLSContext.selectALPN(preferences: preferences, clientList: $0) }
        #expect(range == 10..<12)
        // A length byte running past the end invalidates the list.
        let truncated: [UInt8] = [2] + Array("h2".utf8) + [9, 1]
        #expect(truncated.withUnsafeBytes { TLSContext.selectALPN(preferences: preferences, clientList: $0) } == nil)
        let zeroLength: [UInt8] = [0, 2] + Array("h2".utf8)
        #expect(zeroLength.withUnsafeBytes { TLSContext.selectALPN(preferences: preferences, clientList: $0) } == nil)
        #expect([UInt8]().withUnsafeBytes { TLSContext.selectALPN(preferences: preferences, clientList: $0) } == nil)
    }
}
