// SPDX-License-Identifier: Apache-2.0
import COpenSSL
import Testing

@testable import TLS

@Suite struct TLSConnectionDataTests {
    /// A completed handshake with a verifying TLS 1.3 client.
    private func connected() throws -> (server: TestServer, client: TestClient, connection: TLSConnection) {
        let server = try TestServer()
        let client = TestClient(caFile: server.files.caCertificate)
        let connection = try TLSConnection(context: server.context)
        try #require(interactInMemory(client: client, server: connection)?.isComplete == true)
        return (server, client, connection)
    }

    /// Reads on the server until it reports something other than `.ok`.
    private func readAll(_ connection: TLSConnection) -> (bytes: [UInt8], last: TLSReadResult) {
        var buffer: [UInt8] = []
        while true {
            let result = connection.readPlaintext(into: &buffer)
            if case .ok = result { continue }
            return (buffer, result)
        }
    }

    @Test(arguments: [5, 1 << 20])
    func plaintextRoundTripsBothWays(size: Int) throws {
        let (_, client, connection) = try connected()
        let request = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        client.write(request)
        interactInMemory(client: client, server: connection)
        let received = readAll(connection)
        #expect(received.bytes == request)
        #expect(received.last.name == "wantRead")

        let response = request.reversed() as [UInt8]
        try response.withUnsafeBytes { try connection.writePlaintext($0) }
        #expect(connection.hasEncryptedOutput)
        interactInMemory(client: client, server: connection)
        #expect(!connection.hasEncryptedOutput)
        #expect(client.read().bytes == response)
    }

    @Test func largeBurstsReplaceTheGrownBIOs() throws {
        let (_, client, connection) = try connected()
        let (readBefore, writeBefore) = (connection.readBIO, connection.writeBIO)
        let big = [UInt8](repeating: 7, count: 256 * 1024)
        client.write(big)
        interactInMemory(client: client, server: connection)
        #expect(readAll(connection).bytes == big)
        try big.withUnsafeBytes { try connection.writePlaintext($0) }
        interactInMemory(client: client, server: connection)
        #expect(client.read().bytes == big)
        #expect(connection.readBIO != readBefore)
        #expect(connection.writeBIO != writeBefore)
        // The fresh BIOs carry on the same session.
        client.write([1, 2, 3])
        interactInMemory(client: client, server: connection)
        #expect(readAll(connection).bytes == [1, 2, 3])
        try ([4, 5] as [UInt8]).withUnsafeBytes { try connection.writePlaintext($0) }
        interactInMemory(client: client, server: connection)
        #expect(client.read().bytes == [4, 5])
    }

    @Test func smallExchangesKeepTheirBIOs() throws {
        let (_, client, connection) = try connected()
        let (readBefore, writeBefore) = (connection.readBIO, connection.writeBIO)
        client.write(Array(repeating: 1, count: 1000))
        interactInMemory(client: client, server: connection)
        #expect(readAll(connection).bytes.count == 1000)
        #expect(connection.readBIO == readBefore)
        #expect(connection.writeBIO == writeBefore)
    }

    @Test func readWithNothingFedWantsRead() throws {
        let (_, _, connection) = try connected()
        var buffer: [UInt8] = [9]
        #expect(connection.readPlaintext(into: &buffer).name == "wantRead")
        #expect(buffer == [9])
    }

    @Test func drainAppendsToExistingBytes() throws {
        let (_, _, connection) = try connected()
        try ([1, 2, 3] as [UInt8]).withUnsafeBytes { try connection.writePlaintext($0) }
        var buffer: [UInt8] = [0xAA]
        connection.drainEncrypted(into: &buffer)
        // 0xAA, then a TLS 1.3 application_data record header (type 23, legacy version 3.3).
        #expect(buffer.count > 6)
        #expect(Array(buffer[0..<4]) == [0xAA, 23, 3, 3])
        #expect(!connection.hasEncryptedOutput)
    }

    @Test func closeNotifyAfterDataDeliversDataThenClosed() throws {
        let (_, client, connection) = try connected()
        client.write(Array("bye".utf8))
        #expect(SSL_shutdown(client.ssl) == 0)
        interactInMemory(client: client, server: connection)
        var buffer: [UInt8] = []
        #expect(connection.readPlaintext(into: &buffer).name == "ok")
        #expect(buffer == Array("bye".utf8))
        #expect(connection.readPlaintext(into: &buffer).name == "closed")
        #expect(connection.readPlaintext(into: &buffer).name == "closed")
    }

    @Test func serverMayStillAnswerAfterPeerCloseNotify() throws {
        let (_, client, connection) = try connected()
        #expect(SSL_shutdown(client.ssl) == 0)
        interactInMemory(client: client, server: connection)
        var buffer: [UInt8] = []
        #expect(connection.readPlaintext(into: &buffer).name == "closed")
        try ([42] as [UInt8]).withUnsafeBytes { try connection.writePlaintext($0) }
        connection.shutdown()
        interactInMemory(client: client, server: connection)
        let read = client.read()
        #expect(read.bytes == [42])
        #expect(read.closed)
    }

    @Test func writeAfterOwnShutdownThrows() throws {
        let (_, _, connection) = try connected()
        connection.shutdown()
        #expect(throws: TLSError.self) { try ([1] as [UInt8]).withUnsafeBytes { try connection.writePlaintext($0) } }
    }

    @Test func serverShutdownSendsCloseNotify() throws {
        let (_, client, connection) = try connected()
        connection.shutdown()
        #expect(connection.hasEncryptedOutput)
        interactInMemory(client: client, server: connection)
        #expect(client.read().closed)
    }

    @Test func garbageAfterHandshakeFailsWithoutCrashing() throws {
        let (_, _, connection) = try connected()
        // A well-formed application_data record header followed by bytes that cannot authenticate.
        let garbage: [UInt8] = [23, 3, 3, 0, 40] + Array(repeating: 0x5A, count: 40)
        garbage.withUnsafeBytes { connection.feed($0) }
        var buffer: [UInt8] = []
        let first = connection.readPlaintext(into: &buffer)
        #expect(first.name.hasPrefix("failed"))
        #expect(first.name.contains("TLS read failed: "))
        #expect(first.name.contains("bad record mac") || first.name.contains("decrypt"))
        #expect(buffer.isEmpty)
        // Sticky: later calls report the same failure instead of touching the broken SSL.
        #expect(connection.readPlaintext(into: &buffer).name == first.name)
        #expect(throws: TLSError.self) { try ([1] as [UInt8]).withUnsafeBytes { try connection.writePlaintext($0) } }
        // The alert for the peer is queued; shutdown after a failure is a no-op, not a crash.
        connection.shutdown()
    }

    @Test func randomNoiseAfterHandshakeFails() throws {
        let (_, _, connection) = try connected()
        var noise = [UInt8](repeating: 0, count: 4096)
        #expect(RAND_bytes(&noise, Int32(noise.count)) == 1)
        noise.withUnsafeBytes { connection.feed($0) }
        var buffer: [UInt8] = []
        #expect(connection.readPlaintext(into: &buffer).name.hasPrefix("failed"))
    }
}
