// SPDX-License-Identifier: Apache-2.0
internal import COpenSSL

#if canImport(Glibc)
import Glibc
#endif

/// Server-side TLS configuration (one `SSL_CTX`), built once at start-up and shared by every event-loop thread.
///
/// `@unchecked Sendable` is sound because the `SSL_CTX` is fully configured in `init` and never mutated
/// afterwards; OpenSSL 3 locks the parts that `SSL_new` touches concurrently (reference count, session cache).
public final class TLSContext: @unchecked Sendable {
    /// The underlying `SSL_CTX`; owned, freed in `deinit`.
    let ctx: OpaquePointer
    /// ALPN protocols in our preference order, as raw bytes for the select callback.
    let alpnPreferences: [[UInt8]]

    /// TLS 1.2 suites: forward-secret ECDHE with AEAD ciphers only (Mozilla "intermediate" minus DHE).
    /// TLS 1.3 suites keep OpenSSL's defaults, which are all AEAD.
    static let tls12CipherList =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

    /// Upper bound on cached TLS 1.2 sessions.
    static let sessionCacheSize = 2048

    /// Loads a PEM certificate chain (leaf first, then intermediates) and its private key.
    /// - Parameters:
    ///   - certificateChainFile: PEM file with the server certificate followed by its chain.
    ///   - privateKeyFile: PEM file with the private key matching the leaf certificate.
    ///   - alpnProtocols: protocols to negotiate, most preferred first. A client that offers none of them
    ///     (or no ALPN at all) gets no ALPN answer and should be served HTTP/1.1.
    /// - Throws: `TLSError` naming the file and the OpenSSL reason when anything is missing or inconsistent.
    public init(
        certificateChainFile: String,
        privateKeyFile: String,
        alpnProtocols: [String] = ["h2", "http/1.1"]
    ) throws(TLSError) {
        var preferences: [[UInt8]] = []
        for proto in alpnProtocols {
            let bytes = Array(proto.utf8)
            // RFC 7301 §3.1: a protocol name is 1...255 bytes (one length byte on the wire).
            guard (1...255).contains(bytes.count) else {
                throw TLSError("invalid ALPN protocol name '\(proto)': must be 1 to 255 bytes")
            }
            preferences.append(bytes)
        }
        try Self.checkReadable(certificateChainFile, what: "TLS certificate chain file")
        try Self.checkReadable(privateKeyFile, what: "TLS private key file")

        ERR_clear_error()
        guard let ctx = SSL_CTX_new(TLS_server_method()) else {
            throw TLSError.openSSL("SSL_CTX_new failed")
        }
        self.ctx = ctx
        self.alpnPreferences = preferences
        // From here on `deinit` frees `ctx` if a later step throws.
        try configureProtocol()
        try loadCredentials(chain: certificateChainFile, key: privateKeyFile)
        if !preferences.isEmpty {
            SSL_CTX_set_alpn_select_cb(ctx, tlsALPNSelectCallback, Unmanaged.passUnretained(self).toOpaque())
        }
    }

    /// Takes ownership of an `SSL_CTX` configured elsewhere (the client contexts of `TLSContext+Client.swift`).
    init(owning ctx: OpaquePointer) {
        self.ctx = ctx
        self.alpnPreferences = []
    }

    deinit {
        SSL_CTX_free(ctx)
    }

    /// Protocol versions, ciphers, options and the session cache.
    private func configureProtocol() throws(TLSError) {
        // TLS 1.0/1.1 are deprecated (RFC 8996); no maximum, so TLS 1.3 is negotiated when offered.
        guard CShims_SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1 else {
            throw TLSError.openSSL("cannot set minimum TLS version 1.2")
        }
        guard SSL_CTX_set_cipher_list(ctx, Self.tls12CipherList) == 1 else {
            throw TLSError.openSSL("cannot set TLS 1.2 cipher list")
        }
        // No compression (CRIME), no renegotiation (a DoS vector and pointless for an API server), and our cipher
        // order rather than the client's so AES-GCM/ChaCha20 win.
        _ = SSL_CTX_set_options(
            ctx,
            CShims_SSL_OP_NO_COMPRESSION() | CShims_SSL_OP_NO_RENEGOTIATION()
                | CShims_SSL_OP_CIPHER_SERVER_PREFERENCE()
        )
        // RELEASE_BUFFERS frees the ~34 KiB of record buffers of an idle connection: with 1000 idle keep-alive
        // connections that is the difference between ~40 MB and a few MB of RSS.
        _ = CShims_SSL_CTX_set_mode(ctx, Int(SSL_MODE_RELEASE_BUFFERS))
        // Server-side cache for TLS 1.2 session-id resumption; TLS 1.3 uses stateless tickets by default.
        _ = CShims_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_SERVER))
        // OpenSSL's default bound is 20480 sessions (~1 KB each); a local emulator needs far fewer, and the
        // cache counts toward idle RSS.
        _ = CShims_SSL_CTX_sess_set_cache_size(ctx, Self.sessionCacheSize)
        let sessionContext: [UInt8] = Array("maildouble".utf8)
        _ = SSL_CTX_set_session_id_context(ctx, sessionContext, UInt32(sessionContext.count))
    }

    /// Certificate chain, private key, and the check that they belong together.
    private func loadCredentials(chain: String, key: String) throws(TLSError) {
        ERR_clear_error()
        guard SSL_CTX_use_certificate_chain_file(ctx, chain) == 1 else {
            throw TLSError.openSSL("cannot load TLS certificate chain from '\(chain)'")
        }
        ERR_clear_error()
        guard SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1 else {
            // OpenSSL already compares the key with the loaded leaf here; name that case plainly.
            if ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH {
                throw TLSError.openSSL("TLS private key '\(key)' does not match the certificate in '\(chain)'")
            }
            throw TLSError.openSSL("cannot load TLS private key from '\(key)'")
        }
        ERR_clear_error()
        guard SSL_CTX_check_private_key(ctx) == 1 else {
            throw TLSError.openSSL("TLS private key '\(key)' does not match the certificate in '\(chain)'")
        }
    }

    /// Fails early with a clear message: OpenSSL's own "No such file" is buried in the error queue.
    private static func checkReadable(_ path: String, what: String) throws(TLSError) {
        guard !path.isEmpty else { throw TLSError("\(what): empty path") }
        if access(path, R_OK) != 0 {
            let reason = String(cString: strerror(errno))
            throw TLSError("\(what) '\(path)' cannot be read: \(reason)")
        }
    }
}
