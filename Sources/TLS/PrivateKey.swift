// SPDX-License-Identifier: Apache-2.0
internal import COpenSSL

/// An owned `EVP_PKEY*`.
final class PrivateKey {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// A fresh EC P-256 key: generated in well under a millisecond, unlike RSA-2048 (~50–100 ms), which matters
    /// because certificates may be generated on the start-up path.
    static func generateP256() throws(TLSError) -> PrivateKey {
        ERR_clear_error()
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw TLSError.openSSL("cannot create EC key context")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_keygen_init(ctx) == 1, EVP_PKEY_CTX_set_group_name(ctx, "P-256") == 1,
            EVP_PKEY_generate(ctx, &key) == 1, let key
        else {
            throw TLSError.openSSL("cannot generate EC P-256 key")
        }
        return PrivateKey(taking: key)
    }

    /// The key of a PEM file (unencrypted), or nil if missing or unparsable.
    static func load(pemFile path: String) -> PrivateKey? {
        ERR_clear_error()
        guard let bio = BIO_new_file(path, "r") else {
            ERR_clear_error()
            return nil
        }
        defer { BIO_free(bio) }
        guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
            ERR_clear_error()
            return nil
        }
        return PrivateKey(taking: key)
    }

    /// Unencrypted PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), the form every TLS stack reads.
    func pem() throws(TLSError) -> [UInt8] {
        try MemoryBIO.collect { bio in PEM_write_bio_PrivateKey(bio, pointer, nil, nil, 0, nil, nil) == 1 }
    }
}
