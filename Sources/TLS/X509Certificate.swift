// SPDX-License-Identifier: Apache-2.0
internal import COpenSSL

#if canImport(Glibc)
import Glibc
#endif

/// An owned `X509*` with the few questions `DevCertificates` asks of an existing certificate.
final class X509Certificate {
    let pointer: OpaquePointer

    /// Takes ownership of `pointer`.
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        X509_free(pointer)
    }

    /// The first certificate of a PEM file (the leaf of a chain file), or nil if missing or unparsable.
    static func load(pemFile path: String) -> X509Certificate? {
        ERR_clear_error()
        guard let bio = BIO_new_file(path, "r") else {
            ERR_clear_error()
            return nil
        }
        defer { BIO_free(bio) }
        guard let x509 = PEM_read_bio_X509(bio, nil, nil, nil) else {
            ERR_clear_error()
            return nil
        }
        return X509Certificate(taking: x509)
    }

    /// PEM text ("-----BEGIN CERTIFICATE-----…").
    func pem() throws(TLSError) -> [UInt8] {
        try MemoryBIO.collect { bio in PEM_write_bio_X509(bio, pointer) == 1 }
    }

    /// True when the certificate is already valid and stays valid for at least `margin` more seconds.
    func isValid(forAtLeast margin: Int) -> Bool {
        var now = time(nil)
        var horizon = now + margin
        // X509_cmp_time: -1 when the certificate time is earlier than (or equal to) the given time, 0 on error.
        return X509_cmp_time(X509_get0_notBefore(pointer), &now) == -1
            && X509_cmp_time(X509_get0_notAfter(pointer), &horizon) == 1
    }

    /// Whether `key` is the private half of this certificate's public key.
    func matches(_ key: PrivateKey) -> Bool {
        defer { ERR_clear_error() }
        return X509_check_private_key(pointer, key.pointer) == 1
    }

    /// Whether `issuer` signed this certificate (names chain and the signature verifies).
    func isIssued(by issuer: X509Certificate) -> Bool {
        defer { ERR_clear_error() }
        guard X509_check_issued(issuer.pointer, pointer) == X509_V_OK else { return false }
        guard let issuerKey = X509_get0_pubkey(issuer.pointer) else { return false }
        return X509_verify(pointer, issuerKey) == 1
    }

    /// The subjectAltName entries: DNS names lowercased, IP addresses as raw network-order bytes.
    func subjectAltNames() -> SubjectAltNames {
        var names = SubjectAltNames()
        guard let raw = X509_get_ext_d2i(pointer, NID_subject_alt_name, nil, nil) else {
            ERR_clear_error()
            return names
        }
        let list = OpaquePointer(raw)
        defer { GENERAL_NAMES_free(list) }
        for index in 0..<CShims_sk_GENERAL_NAME_num(list) {
            guard let entry = CShims_sk_GENERAL_NAME_value(list, index) else { continue }
            switch entry.pointee.type {
            case GEN_DNS:
                if let bytes = Self.bytes(of: entry.pointee.d.dNSName) {
                    names.dnsNames.insert(String(decoding: bytes, as: UTF8.self).lowercased())
                }
            case GEN_IPADD:
                if let bytes = Self.bytes(of: entry.pointee.d.iPAddress) {
                    names.ipAddresses.insert(bytes)
                }
            default:
                continue
            }
        }
        return names
    }

    private static func bytes(of string: UnsafeMutablePointer<ASN1_STRING>?) -> [UInt8]? {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return nil }
        return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
    }
}

/// The subjectAltName set a certificate carries or should carry, compared ignoring order and DNS case.
struct SubjectAltNames: Equatable {
    var dnsNames: Set<String> = []
    /// 4 bytes for IPv4, 16 for IPv6 (the form the certificate stores).
    var ipAddresses: Set<[UInt8]> = []
}
