// SPDX-License-Identifier: Apache-2.0
internal import COpenSSL

extension TLSContext {
    /// A client-side context for outbound connections (webhook deliveries): TLS 1.2+, peer verification on,
    /// trusting the system store plus `extraCAFiles` (the emulator's development CA, so that endpoints served
    /// with its certificates verify too).
    ///
    /// Sessions made from it with `TLSConnection(clientContext:serverName:)` check the server name as well.
    /// - Parameter extraCAFiles: PEM files of further CA certificates to trust.
    /// - Throws: `TLSError` when a CA file cannot be loaded.
    public static func makeClient(extraCAFiles: [String] = []) throws(TLSError) -> TLSContext {
        ERR_clear_error()
        guard let ctx = SSL_CTX_new(TLS_client_method()) else { throw TLSError.openSSL("SSL_CTX_new failed") }
        // Owned from here: deinit frees ctx if a later step throws.
        let context = TLSContext(owning: ctx)
        guard CShims_SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1 else {
            throw TLSError.openSSL("cannot set minimum TLS version 1.2")
        }
        _ = SSL_CTX_set_options(ctx, CShims_SSL_OP_NO_COMPRESSION() | CShims_SSL_OP_NO_RENEGOTIATION())
        // Without a verify callback, SSL_VERIFY_PEER makes the handshake fail on an untrusted chain or, with
        // SSL_set1_host, on a name mismatch (SSL_CTX_set_verify(3)).
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        // A machine without a CA bundle still gets a working context for the dev CA; verification against
        // public CAs then fails per connection with a clear "unable to get local issuer certificate".
        _ = SSL_CTX_set_default_verify_paths(ctx)
        ERR_clear_error()
        for file in extraCAFiles {
            guard SSL_CTX_load_verify_locations(ctx, file, nil) == 1 else {
                throw TLSError.openSSL("cannot load CA certificates from '\(file)'")
            }
        }
        // We speak HTTP/1.1 only; a server that would pick h2 without ALPN does not exist (RFC 7540 §3.3).
        let alpn: [UInt8] = [8] + Array("http/1.1".utf8)
        // Unusually, SSL_CTX_set_alpn_protos returns 0 on success.
        guard SSL_CTX_set_alpn_protos(ctx, alpn, UInt32(alpn.count)) == 0 else {
            throw TLSError.openSSL("cannot set client ALPN")
        }
        return context
    }
}
