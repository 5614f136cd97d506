// SPDX-License-Identifier: Apache-2.0
import Glibc
public import HTTP1
public import HTTP2
public import HTTPCore
public import TLS

/// Everything the server needs, fixed at start-up.
public struct ServerConfiguration: Sendable {
    /// Addresses to listen on (IPv4 or IPv6 literals, or `localhost`). Every port listens on each of them.
    public var hosts: [String] = ["127.0.0.1"]
    /// The HTTPS port (TLS, ALPN h2 then http/1.1); 0 = pick a free port; nil = off.
    public var httpsPort: Int? = 8443
    /// The plain HTTP port (HTTP/1.1 and prior-knowledge h2c); 0 = pick a free port; nil = off.
    public var httpPort: Int? = 8080
    /// Event-loop threads, one per core by default.
    public var threads: Int = ServerConfiguration.coreCount()
    /// Required when `httpsPort` is set.
    public var tls: TLSContext?
    public var http1Limits = HTTP1Limits()
    public var http2Settings = HTTP2Settings()
    /// Seconds an idle keep-alive connection stays open.
    public var keepAliveTimeout: Double = 75
    /// Seconds a client may take to send a complete request head (and to finish a TLS handshake); a
    /// slow-drip (slowloris) client is cut off after this without blocking anyone else.
    public var headerReadTimeout: Double = 10
    /// Seconds in-flight requests get to finish after a shutdown starts.
    public var drainTimeout: Double = 10
    /// Requests one HTTP/1.1 connection may have in the pipeline before the server stops reading.
    public var maxPipelinedRequests: Int = 64
    /// Renders the answers the server gives itself, below any router: HTTP/1.1 parse errors and limits (400,
    /// 413, 417, 431, 501, 505), the header timeout (408) and the HTTP/2 session's rejections. The server keeps
    /// the context's status and adds `Connection: close` where it closes. Default: the generic JSON body.
    public var errorResponder: @Sendable (HTTPErrorContext) -> Response = HTTPErrorContext.generic
    /// Asked on every accepted connection with the address it was accepted on (`127.0.0.2:8443`): false closes
    /// it at once, before TLS or any byte (a fault rule's "this address is down"). Nil accepts everything.
    public var acceptFilter: (@Sendable (_ localAddress: String) -> Bool)?
    /// Where the server reports connection-level problems (never request data).
    public var log: @Sendable (String) -> Void = { _ in }

    public init() {}

    public static func coreCount() -> Int {
        let n = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return max(1, n)
    }
}
