// SPDX-License-Identifier: Apache-2.0
internal import COpenSSL

#if canImport(Glibc)
import Glibc
#endif

/// A development certificate authority and a server certificate it signs, kept in the emulator's state
/// directory so clients trust them once (`ca.pem`) across restarts.
public enum DevCertificates {
    /// Paths of the four PEM files.
    public struct Files: Sendable {
        /// The development CA certificate: what clients must trust.
        public var caCertificate: String
        /// The server certificate followed by the CA certificate (the chain to serve).
        public var serverCertificate: String
        /// The server's private key (mode 0600).
        public var serverKey: String
        /// The CA's private key (mode 0600); needed again only to re-issue the server certificate.
        public var caKey: String

        public init(caCertificate: String, serverCertificate: String, serverKey: String, caKey: String) {
            self.caCertificate = caCertificate
            self.serverCertificate = serverCertificate
            self.serverKey = serverKey
            self.caKey = caKey
        }

        /// The standard file names inside `directory`.
        init(directory: String) {
            let base = directory.hasSuffix("/") ? directory : directory + "/"
            self.init(
                caCertificate: base + "ca.pem",
                serverCertificate: base + "server.pem",
                serverKey: base + "server-key.pem",
                caKey: base + "ca-key.pem"
            )
        }
    }

    /// Hostnames of the vendor APIs we emulate (point them at 127.0.0.1 in /etc/hosts), plus localhost.
    public static let defaultDNSNames: [String] = [
        "localhost", "api.flowmailer.net", "login.flowmailer.net", "api.postflare.app", "api.resend.com",
        "api.flowdock.com", "stream.flowdock.com",
    ]
    /// Loopback in both address families.
    public static let defaultIPAddresses: [String] = ["127.0.0.1", "::1"]

    /// CA lifetime: long, so the CA that users installed in their trust stores keeps working.
    static let caValidityDays = 3650
    /// Server lifetime: 397 days, the CA/Browser Forum and Apple maximum for TLS server certificates.
    static let serverValidityDays = 397
    /// Re-issue when less than this is left, so a long-running emulator does not cross the expiry.
    static let renewalMargin = 7 * 24 * 3600

    /// Makes sure a usable development CA and server certificate exist in `stateDirectory`.
    ///
    /// On the first call this generates a CA (`ca.pem`, `ca-key.pem`) and a server certificate signed by it
    /// (`server.pem` = leaf + CA, `server-key.pem`). Later calls reuse the files when they parse, keys match and
    /// nothing expires within 7 days. The server certificate alone is re-issued when its subjectAltNames differ
    /// from `dnsNames` + `ipAddresses`, so changing hostnames never invalidates the CA users already trust.
    /// - Parameters:
    ///   - stateDirectory: directory for the files; created (mode 0700, like `mkdir -p`) when missing.
    ///   - dnsNames: DNS names for the server certificate (letters, digits, `-`, `.`, leading `*.`).
    ///   - ipAddresses: IPv4 or IPv6 literals for the server certificate.
    /// - Returns: the file paths, and whether any file was (re)written.
    public static func ensure(
        in stateDirectory: String,
        dnsNames: [String],
        ipAddresses: [String]
    ) throws(TLSError) -> (files: Files, created: Bool) {
        let wanted = try wantedNames(dnsNames: dnsNames, ipAddresses: ipAddresses)
        try FileSystem.makeDirectories(stateDirectory)
        let files = Files(directory: stateDirectory)

        var created = false
        let ca: SigningIdentity
        if let existing = loadValidCA(files) {
            ca = existing
        } else {
            ca = try issueCA()
            try FileSystem.writeAtomically(files.caKey, ca.key.pem(), mode: 0o600)
            try FileSystem.writeAtomically(files.caCertificate, ca.certificate.pem(), mode: 0o644)
            created = true
        }
        if created || !canReuseServerCertificate(files, ca: ca.certificate, names: wanted.names) {
            let key = try PrivateKey.generateP256()
            let leaf = try issueServer(key: key, san: wanted.extensionValue, ca: ca)
            try FileSystem.writeAtomically(files.serverKey, key.pem(), mode: 0o600)
            try FileSystem.writeAtomically(
                files.serverCertificate,
                leaf.pem() + ca.certificate.pem(),
                mode: 0o644
            )
            created = true
        }
        return (files, created)
    }

    /// The CA from disk when both files parse, belong together and the CA is not about to expire.
    private static func loadValidCA(_ files: Files) -> SigningIdentity? {
        guard let certificate = X509Certificate.load(pemFile: files.caCertificate),
            let key = PrivateKey.load(pemFile: files.caKey),
            certificate.matches(key), certificate.isValid(forAtLeast: renewalMargin)
        else { return nil }
        return SigningIdentity(certificate: certificate, key: key)
    }

    private static func canReuseServerCertificate(_ files: Files, ca: X509Certificate, names: SubjectAltNames) -> Bool {
        guard let leaf = X509Certificate.load(pemFile: files.serverCertificate),
            let key = PrivateKey.load(pemFile: files.serverKey)
        else { return false }
        return leaf.matches(key) && leaf.isIssued(by: ca) && leaf.isValid(forAtLeast: renewalMargin)
            && leaf.subjectAltNames() == names
    }

    private static func issueCA() throws(TLSError) -> SigningIdentity {
        let key = try PrivateKey.generateP256()
        let builder = CertificateBuilder(
            subject: [("O", "MailDouble"), ("CN", "MailDouble Development CA")],
            validityDays: caValidityDays,
            extensions: [
                // pathlen:0: this CA signs leaf certificates only, never another CA.
                (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
                (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash"),
            ]
        )
        return SigningIdentity(certificate: try builder.sign(key: key, issuer: nil), key: key)
    }

    private static func issueServer(
        key: PrivateKey,
        san: String,
        ca: SigningIdentity
    ) throws(TLSError) -> X509Certificate {
        let builder = CertificateBuilder(
            subject: [("CN", "localhost")],
            validityDays: serverValidityDays,
            extensions: [
                (NID_basic_constraints, "critical,CA:FALSE"),
                // ECDSA keys only sign (ECDHE); keyEncipherment is for RSA key transport.
                (NID_key_usage, "critical,digitalSignature"),
                (NID_ext_key_usage, "serverAuth"),
                (NID_subject_key_identifier, "hash"),
                // Python 3.13 sets VERIFY_X509_STRICT by default, which rejects a leaf without AKI.
                (NID_authority_key_identifier, "keyid:always"),
                (NID_subject_alt_name, san),
            ]
        )
        return try builder.sign(key: key, issuer: ca)
    }
}
