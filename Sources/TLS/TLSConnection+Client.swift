// SPDX-License-Identifier: Apache-2.0
internal import COpenSSL

#if canImport(Glibc)
import Glibc
#endif

extension TLSConnection {
    /// Creates a client session in connect state for `serverName`, over the same memory BIOs as a server
    /// session: call `handshake()`, send what `drainEncrypted(into:)` hands back, feed the answer, repeat.
    ///
    /// A DNS name is sent as SNI and checked against the certificate's DNS names; an IP literal is checked
    /// against its IP addresses and not sent as SNI (RFC 6066 §3 forbids literal addresses there).
    /// - Parameters:
    ///   - clientContext: a context from `TLSContext.makeClient(extraCAFiles:)`.
    ///   - serverName: the URL's host, without IPv6 brackets.
    public convenience init(clientContext: TLSContext, serverName: String) throws(TLSError) {
        try self.init(context: clientContext)
        SSL_set_connect_state(ssl)
        ERR_clear_error()
        if Self.isIPLiteral(serverName) {
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName) == 1 else {
                throw TLSError.openSSL("cannot set the expected IP address '\(serverName)'")
            }
        } else {
            guard CShims_SSL_set_tlsext_host_name(ssl, serverName) == 1 else {
                throw TLSError.openSSL("cannot set SNI '\(serverName)'")
            }
            // "*.example.org" matches "a.example.org" but never "a*.example.org" (RFC 6125 §6.4.3, as curl).
            SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            guard SSL_set1_host(ssl, serverName) == 1 else {
                throw TLSError.openSSL("cannot set the expected host name '\(serverName)'")
            }
        }
    }

    /// Why the peer's certificate was rejected (`certificate has expired`, `hostname mismatch`, …), or nil
    /// when it verified or was not checked yet. The handshake error alone only says "certificate verify failed".
    public var verificationFailure: String? {
        let result = SSL_get_verify_result(ssl)
        guard result != X509_V_OK else { return nil }
        return String(cString: X509_verify_cert_error_string(result))
    }

    static func isIPLiteral(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
