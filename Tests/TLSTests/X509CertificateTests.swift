// SPDX-License-Identifier: Apache-2.0
import COpenSSL
import Testing

@testable import TLS

/// Checks the generated certificates the way strict clients do: `X509_verify_cert` with X509_STRICT (what
/// Python 3.13's default context sets), the SSL-server purpose, and host/IP checks.
@Suite struct X509CertificateTests {
    private let directory = TemporaryDirectory()
    private let files: DevCertificates.Files

    init() throws {
        files = try DevCertificates.ensure(
            in: directory.path,
            dnsNames: DevCertificates.defaultDNSNames,
            ipAddresses: DevCertificates.defaultIPAddresses
        ).files
    }

    /// Verifies the leaf of server.pem against ca.pem; returns the X509_V_* result.
    private func verify(host: String? = nil, ip: String? = nil) throws -> Int32 {
        let ca = try #require(X509Certificate.load(pemFile: files.caCertificate))
        let leaf = try #require(X509Certificate.load(pemFile: files.serverCertificate))
        let store = try #require(X509_STORE_new())
        defer { X509_STORE_free(store) }
        #expect(X509_STORE_add_cert(store, ca.pointer) == 1)
        let context = try #require(X509_STORE_CTX_new())
        defer { X509_STORE_CTX_free(context) }
        #expect(X509_STORE_CTX_init(context, store, leaf.pointer, nil) == 1)
        #expect(X509_STORE_CTX_set_purpose(context, X509_PURPOSE_SSL_SERVER) == 1)
        let parameters = X509_STORE_CTX_get0_param(context)
        X509_VERIFY_PARAM_set_flags(parameters, UInt(X509_V_FLAG_X509_STRICT))
        if let host { #expect(X509_VERIFY_PARAM_set1_host(parameters, host, 0) == 1) }
        if let ip { #expect(X509_VERIFY_PARAM_set1_ip_asc(parameters, ip) == 1) }
        _ = X509_verify_cert(context)
        return X509_STORE_CTX_get_error(context)
    }

    @Test(arguments: DevCertificates.defaultDNSNames)
    func leafVerifiesStrictlyForEveryDefaultName(_ host: String) throws {
        #expect(try verify(host: host) == X509_V_OK)
    }

    @Test(arguments: DevCertificates.defaultIPAddresses)
    func leafVerifiesForLoopbackAddresses(_ ip: String) throws {
        #expect(try verify(ip: ip) == X509_V_OK)
    }

    @Test func otherNamesDoNotVerify() throws {
        #expect(try verify(host: "example.com") == X509_V_ERR_HOSTNAME_MISMATCH)
        #expect(try verify(ip: "10.0.0.1") == X509_V_ERR_IP_ADDRESS_MISMATCH)
    }

    @Test func caHasTheRequestedShape() throws {
        let ca = try #require(X509Certificate.load(pemFile: files.caCertificate))
        #expect(X509_check_ca(ca.pointer) == 1)
        let subject = try #require(X509_NAME_oneline(X509_get_subject_name(ca.pointer), nil, 0))
        defer { CRYPTO_free(subject, nil, 0) }
        #expect(String(cString: subject) == "/O=MailDouble/CN=MailDouble Development CA")
        #expect(X509_get_pathlen(ca.pointer) == 0)
        #expect(X509_get0_subject_key_id(ca.pointer) != nil)
        #expect(X509_get_key_usage(ca.pointer) == UInt32(KU_KEY_CERT_SIGN | KU_CRL_SIGN))
        #expect(ca.isValid(forAtLeast: 3640 * 24 * 3600))
        #expect(X509_get_signature_nid(ca.pointer) == NID_ecdsa_with_SHA256)
    }

    @Test func leafHasTheRequestedShape() throws {
        let leaf = try #require(X509Certificate.load(pemFile: files.serverCertificate))
        #expect(X509_check_ca(leaf.pointer) == 0)
        #expect(X509_get0_authority_key_id(leaf.pointer) != nil)
        #expect(X509_get0_subject_key_id(leaf.pointer) != nil)
        #expect(X509_get_key_usage(leaf.pointer) == UInt32(KU_DIGITAL_SIGNATURE))
        #expect(X509_get_extended_key_usage(leaf.pointer) == UInt32(XKU_SSL_SERVER))
        #expect(leaf.isValid(forAtLeast: 396 * 24 * 3600))
        #expect(!leaf.isValid(forAtLeast: 398 * 24 * 3600))
        #expect(X509_get_signature_nid(leaf.pointer) == NID_ecdsa_with_SHA256)
        let serial = try #require(ASN1_INTEGER_to_BN(X509_get0_serialNumber(leaf.pointer), nil))
        defer { BN_free(serial) }
        #expect(BN_num_bits(serial) > 100)
        #expect(BN_is_negative(serial) == 0)
    }

    @Test func serverFileHoldsLeafThenCA() throws {
        let bio = try #require(BIO_new_file(files.serverCertificate, "r"))
        defer { BIO_free(bio) }
        var subjects: [String] = []
        while let x509 = PEM_read_bio_X509(bio, nil, nil, nil) {
            let certificate = X509Certificate(taking: x509)
            let name = X509_NAME_oneline(X509_get_subject_name(certificate.pointer), nil, 0)!
            subjects.append(String(cString: name))
            CRYPTO_free(name, nil, 0)
        }
        ERR_clear_error()
        #expect(subjects == ["/CN=localhost", "/O=MailDouble/CN=MailDouble Development CA"])
    }
}
