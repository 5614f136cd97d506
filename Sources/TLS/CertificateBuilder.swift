// SPDX-License-Identifier: Apache-2.0
internal import COpenSSL

/// A certificate with its private key: the CA when it signs.
struct SigningIdentity {
    let certificate: X509Certificate
    let key: PrivateKey
}

/// Builds and signs one X.509 v3 certificate with the OpenSSL C API (no `openssl` CLI, no config file).
struct CertificateBuilder {
    /// Subject name entries in order, e.g. `[("O", "MailDouble"), ("CN", "MailDouble Development CA")]`.
    var subject: [(field: String, value: String)]
    var validityDays: Int
    /// Extensions as `X509V3_EXT_conf_nid` values, applied in order (subjectKeyIdentifier must precede
    /// authorityKeyIdentifier for a self-signed certificate, whose issuer is itself).
    var extensions: [(nid: Int32, value: String)]

    /// Signs a certificate for `key`, issued by `issuer` (nil: self-signed with `key`).
    func sign(key: PrivateKey, issuer: SigningIdentity?) throws(TLSError) -> X509Certificate {
        ERR_clear_error()
        guard let x509 = X509_new() else { throw TLSError.openSSL("X509_new failed") }
        let certificate = X509Certificate(taking: x509)
        guard X509_set_version(x509, Int(X509_VERSION_3)) == 1 else {
            throw TLSError.openSSL("cannot set certificate version")
        }
        try setRandomSerial(x509)
        // Backdate by an hour so a client whose clock lags a little does not see "not yet valid".
        guard X509_gmtime_adj(X509_getm_notBefore(x509), -3600) != nil,
            X509_time_adj_ex(X509_getm_notAfter(x509), Int32(validityDays), 0, nil) != nil,
            X509_set_pubkey(x509, key.pointer) == 1
        else {
            throw TLSError.openSSL("cannot set certificate validity or public key")
        }
        try setSubject(x509)
        let issuerName = X509_get_subject_name(issuer?.certificate.pointer ?? x509)
        guard X509_set_issuer_name(x509, issuerName) == 1 else {
            throw TLSError.openSSL("cannot set issuer name")
        }
        try addExtensions(x509, issuer: issuer?.certificate.pointer ?? x509)
        guard X509_sign(x509, (issuer?.key ?? key).pointer, EVP_sha256()) > 0 else {
            throw TLSError.openSSL("cannot sign certificate")
        }
        return certificate
    }

    /// RFC 5280 §4.1.2.2: positive, unique per CA, at most 20 octets; CA/B Forum wants ≥ 64 random bits.
    /// 16 random bytes with the top bit cleared stay positive.
    private func setRandomSerial(_ x509: OpaquePointer) throws(TLSError) {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else { throw TLSError.openSSL("RAND_bytes failed") }
        bytes[0] &= 0x7f
        guard let serial = BN_bin2bn(bytes, Int32(bytes.count), nil) else {
            throw TLSError.openSSL("BN_bin2bn failed")
        }
        defer { BN_free(serial) }
        guard BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x509)) != nil else {
            throw TLSError.openSSL("cannot set serial number")
        }
    }

    private func setSubject(_ x509: OpaquePointer) throws(TLSError) {
        guard let name = X509_NAME_new() else { throw TLSError.openSSL("X509_NAME_new failed") }
        defer { X509_NAME_free(name) }
        for (field, value) in subject {
            let bytes = Array(value.utf8)
            guard X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, bytes, Int32(bytes.count), -1, 0) == 1
            else {
                throw TLSError.openSSL("cannot add subject \(field)=\(value)")
            }
        }
        // X509_set_subject_name copies the name.
        guard X509_set_subject_name(x509, name) == 1 else { throw TLSError.openSSL("cannot set subject name") }
    }

    private func addExtensions(_ x509: OpaquePointer, issuer: OpaquePointer) throws(TLSError) {
        var v3 = X509V3_CTX()
        X509V3_set_ctx(&v3, issuer, x509, nil, nil, 0)
        CShims_X509V3_set_ctx_nodb(&v3)
        for (nid, value) in extensions {
            guard let extensionPointer = X509V3_EXT_conf_nid(nil, &v3, nid, value) else {
                throw TLSError.openSSL("invalid certificate extension \(value)")
            }
            defer { X509_EXTENSION_free(extensionPointer) }
            guard X509_add_ext(x509, extensionPointer, -1) == 1 else {
                throw TLSError.openSSL("cannot add certificate extension \(value)")
            }
        }
    }
}
