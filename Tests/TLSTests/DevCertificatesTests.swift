// SPDX-License-Identifier: Apache-2.0
import COpenSSL
import Glibc
import Testing

@testable import TLS

@Suite struct DevCertificatesTests {
    private func ensureDefaults(
        in directory: TemporaryDirectory
    ) throws -> (files: DevCertificates.Files, created: Bool) {
        try DevCertificates.ensure(
            in: directory.path,
            dnsNames: DevCertificates.defaultDNSNames,
            ipAddresses: DevCertificates.defaultIPAddresses
        )
    }

    private func contents(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    private func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : 0
    }

    @Test func firstCallCreatesSecondReuses() throws {
        let directory = TemporaryDirectory()
        let first = try ensureDefaults(in: directory)
        #expect(first.created)
        #expect(first.files.caCertificate == directory.path + "/ca.pem")
        #expect(first.files.serverKey == directory.path + "/server-key.pem")
        #expect(mode(first.files.caKey) == 0o600)
        #expect(mode(first.files.serverKey) == 0o600)
        #expect(mode(first.files.caCertificate) == 0o644)
        let paths = [
            first.files.caCertificate, first.files.caKey, first.files.serverCertificate, first.files.serverKey,
        ]
        let before = paths.map(contents)

        let second = try ensureDefaults(in: directory)
        #expect(!second.created)
        #expect(second.files.serverCertificate == first.files.serverCertificate)
        #expect(paths.map(contents) == before)
    }

    @Test func createsMissingStateDirectories() throws {
        let directory = TemporaryDirectory()
        let nested = directory.path + "/a/b"
        let result = try DevCertificates.ensure(in: nested, dnsNames: ["localhost"], ipAddresses: [])
        #expect(result.created)
        #expect(mode(nested) == 0o700)
        #expect(contents(result.files.caCertificate)?.isEmpty == false)
        // Cleanup of the nested files for TemporaryDirectory's recursive remove is exercised too.
    }

    @Test func changedNamesReissueOnlyTheServerCertificate() throws {
        let directory = TemporaryDirectory()
        let first = try ensureDefaults(in: directory)
        let caBefore = contents(first.files.caCertificate)
        let leafBefore = contents(first.files.serverCertificate)

        let changed = try DevCertificates.ensure(
            in: directory.path,
            dnsNames: ["localhost", "mail.test"],
            ipAddresses: ["127.0.0.1"]
        )
        #expect(changed.created)
        #expect(contents(changed.files.caCertificate) == caBefore)
        #expect(contents(changed.files.serverCertificate) != leafBefore)
        let leaf = try #require(X509Certificate.load(pemFile: changed.files.serverCertificate))
        #expect(leaf.subjectAltNames().dnsNames == ["localhost", "mail.test"])
        #expect(leaf.subjectAltNames().ipAddresses == [[127, 0, 0, 1]])
        // Same names in another order and case: reused.
        let again = try DevCertificates.ensure(
            in: directory.path,
            dnsNames: ["MAIL.test", "localhost"],
            ipAddresses: ["127.0.0.1"]
        )
        #expect(!again.created)
    }

    @Test func expiringServerCertificateIsReissued() throws {
        let directory = TemporaryDirectory()
        let files = try ensureDefaults(in: directory).files
        // Replace the leaf with one valid for only 2 days, signed by the same CA.
        let ca = SigningIdentity(
            certificate: try #require(X509Certificate.load(pemFile: files.caCertificate)),
            key: try #require(PrivateKey.load(pemFile: files.caKey))
        )
        let key = try #require(PrivateKey.load(pemFile: files.serverKey))
        let sans = try DevCertificates.wantedNames(
            dnsNames: DevCertificates.defaultDNSNames,
            ipAddresses: DevCertificates.defaultIPAddresses
        )
        let short = try CertificateBuilder(
            subject: [("CN", "localhost")],
            validityDays: 2,
            extensions: [(NID_subject_alt_name, sans.extensionValue)]
        ).sign(key: key, issuer: ca)
        try FileSystem.writeAtomically(files.serverCertificate, short.pem() + ca.certificate.pem(), mode: 0o644)
        #expect(!short.isValid(forAtLeast: DevCertificates.renewalMargin))

        let result = try ensureDefaults(in: directory)
        #expect(result.created)
        let renewed = try #require(X509Certificate.load(pemFile: files.serverCertificate))
        #expect(renewed.isValid(forAtLeast: 390 * 24 * 3600))
    }

    @Test func corruptFilesAreRegenerated() throws {
        let directory = TemporaryDirectory()
        let files = try ensureDefaults(in: directory).files
        try FileSystem.writeAtomically(files.serverKey, Array("not a key".utf8), mode: 0o600)
        #expect(try ensureDefaults(in: directory).created)
        try FileSystem.writeAtomically(files.caCertificate, [], mode: 0o644)
        #expect(try ensureDefaults(in: directory).created)
        // The new CA re-issued the leaf: the pair still loads into a server context.
        _ = try TLSContext(certificateChainFile: files.serverCertificate, privateKeyFile: files.serverKey)
        #expect(!(try ensureDefaults(in: directory).created))
    }

    @Test(arguments: ["", "bad name", "a,DNS:evil.com", "-x.com", "x..com", "*", "ü.com"])
    func invalidDNSNamesAreRejected(_ name: String) {
        let directory = TemporaryDirectory()
        #expect(throws: TLSError.self) {
            try DevCertificates.ensure(in: directory.path, dnsNames: [name], ipAddresses: [])
        }
    }

    @Test func invalidIPAndEmptyNamesAreRejected() {
        let directory = TemporaryDirectory()
        #expect(throws: TLSError.self) {
            try DevCertificates.ensure(in: directory.path, dnsNames: ["localhost"], ipAddresses: ["300.1.1.1"])
        }
        #expect(throws: TLSError.self) {
            try DevCertificates.ensure(in: directory.path, dnsNames: [], ipAddresses: [])
        }
    }

    @Test func wildcardNamesAreAccepted() {
        #expect(DevCertificates.isValidDNSName("*.example.test"))
        #expect(!DevCertificates.isValidDNSName("*.test"))
        #expect(!DevCertificates.isValidDNSName("a.*.test"))
    }

    @Test func unwritableStateDirectoryGivesClearError() {
        let error = #expect(throws: TLSError.self) {
            try DevCertificates.ensure(in: "/proc/maildouble-nope", dnsNames: ["localhost"], ipAddresses: [])
        }
        #expect(error?.description.contains("/proc/maildouble-nope") == true)
    }

    @Test func generationIsFast() throws {
        let directory = TemporaryDirectory()
        var start = timespec()
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        _ = try ensureDefaults(in: directory)
        clock_gettime(CLOCK_MONOTONIC, &end)
        let milliseconds = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1_000_000
        // EC P-256: a few ms in release; a generous bound keeps debug builds on a busy machine green.
        #expect(milliseconds < 250)
    }
}
