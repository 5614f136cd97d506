// SPDX-License-Identifier: Apache-2.0
import Glibc
public import TLS

/// One development CA and server certificate per test process, generated into a temporary directory on first
/// use (key generation is the slow part of a live test) and removed when the process exits.
public struct TestCertificates: Sendable {
    /// The generated PEM files (`caCertificate` is what a client must trust).
    public let files: DevCertificates.Files
    /// The server context serving `files` (ALPN h2 and http/1.1).
    public let server: TLSContext
    /// A client context that trusts the development CA, verifying peers and host names.
    public let client: TLSContext

    /// The process-wide set; throws what generating it threw, on every call.
    public static func shared() throws -> TestCertificates { try once.get() }

    private static let once: Result<TestCertificates, any Error> = Result { try make() }

    private static func make() throws -> TestCertificates {
        var template = Array("/tmp/maildouble-testing-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw TestClientError("mkdtemp failed: errno \(errno)")
        }
        let directory = String(cString: made)
        let (files, _) = try DevCertificates.ensure(
            in: directory,
            dnsNames: DevCertificates.defaultDNSNames,
            ipAddresses: DevCertificates.defaultIPAddresses
        )
        let certificates = TestCertificates(
            files: files,
            server: try TLSContext(certificateChainFile: files.serverCertificate, privateKeyFile: files.serverKey),
            client: try TLSContext.makeClient(extraCAFiles: [files.caCertificate])
        )
        atexit(removeTestCertificates)
        return certificates
    }

    /// Deletes the four files and their directory.
    fileprivate func remove() {
        for path in [files.caCertificate, files.serverCertificate, files.serverKey, files.caKey] { unlink(path) }
        var directory = files.caCertificate
        if let slash = directory.lastIndex(of: "/") { directory = String(directory[..<slash]) }
        rmdir(directory)
    }

    fileprivate static var generated: TestCertificates? { try? once.get() }
}

/// The `atexit` hook: a free function, as C calls it (registered only once the files exist).
private func removeTestCertificates() {
    TestCertificates.generated?.remove()
}
