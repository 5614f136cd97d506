// SPDX-License-Identifier: Apache-2.0
import Glibc
public import HTTPCore
public import TLS

/// Why an outbound request got no HTTP status.
public struct OutboundError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not an absolute http:// or https:// URL we can send to.
        case invalidURL
        /// A header field that would break the request head (CR, LF, NUL, or a bad name).
        case invalidRequest
        case resolve
        case connect
        case tls
        /// The timeout passed before a status line arrived.
        case timeout
        case io
        /// The peer answered something that is not an HTTP/1.x response.
        case badResponse
    }
    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}

/// A small blocking HTTP/1.1 client for the emulator's own outbound calls (webhook deliveries).
///
/// One request per connection (`Connection: close`), IPv4/IPv6 through getaddrinfo, TLS verified against
/// the system store and the given client context. Only the status is returned: the answer's fields and
/// body are read and dropped (within a cap) so that the server is not reset while still writing.
public enum OutboundHTTP {
    /// Largest response head accepted (like the server's own request-head limit).
    static let maxHeadBytes = 64 * 1024
    /// Response body bytes read and dropped at most, after which the connection is simply closed.
    static let maxDrainBytes = 1 << 20

    /// POSTs `body` to `url` and returns the response status.
    /// - Parameters:
    ///   - url: `http://host[:port]/path?query` or `https://…`; IPv6 literals in brackets.
    ///   - headers: fields to send; `Host`, `Content-Length` and `Connection` are set here and replace any given.
    ///     A `User-Agent` is added when none is given.
    ///   - body: the request body.
    ///   - timeoutSeconds: for the whole exchange, from connecting to the status line and the drained answer.
    ///   - tls: client context for https URLs (`TLSContext.makeClient(extraCAFiles:)`); nil uses one that
    ///     trusts the system store only.
    /// - Returns: the final status code (interim 1xx answers are skipped), or why there is none. Never traps on
    ///   bad URLs or unreachable hosts.
    public static func post(
        url: String,
        headers: HTTPHeaders,
        body: [UInt8],
        timeoutSeconds: Double,
        tls: TLSContext? = nil
    ) -> Result<Int, OutboundError> {
        send(method: "POST", url: url, headers: headers, body: body, timeoutSeconds: timeoutSeconds, tls: tls)
    }

    /// `post` with another method (`maildouble --healthcheck` GETs `/_emulator/readyz`).
    public static func send(
        method: String,
        url: String,
        headers: HTTPHeaders,
        body: [UInt8],
        timeoutSeconds: Double,
        tls: TLSContext? = nil
    ) -> Result<Int, OutboundError> {
        let target: OutboundURL
        switch OutboundURL.parse(url) {
        case .success(let parsed): target = parsed
        case .failure(let error): return .failure(error)
        }
        let head: [UInt8]
        switch requestHead(method, target, headers: headers, contentLength: body.count) {
        case .success(let bytes): head = bytes
        case .failure(let error): return .failure(error)
        }
        let deadline = monotonicSeconds() + max(0.001, timeoutSeconds.isFinite ? timeoutSeconds : 30)
        let socket: OutboundSocket
        switch OutboundSocket.connect(host: target.host, port: target.port, deadline: deadline) {
        case .success(let s): socket = s
        case .failure(let error): return .failure(error)
        }
        var session: TLSConnection?
        if target.isTLS {
            let context: TLSContext
            switch tls.map({ .success($0) }) ?? defaultClientContext {
            case .success(let c): context = c
            case .failure(let error): return .failure(OutboundError(.tls, error.description))
            }
            do throws(TLSError) {
                session = try TLSConnection(clientContext: context, serverName: target.host)
            } catch {
                return .failure(OutboundError(.tls, error.description))
            }
        }
        let connection = OutboundConnection(socket: socket, tls: session)
        defer { connection.close() }
        if let error = connection.handshake() { return .failure(error) }
        // One write for head and body: small webhook payloads then leave in a single segment.
        if let error = connection.write(head + body) { return .failure(error) }
        return readStatus(connection)
    }

    /// The host `post` would connect to (lower-cased, no IPv6 brackets), or nil for a URL it would refuse.
    public static func host(of url: String) -> String? {
        guard case .success(let parsed) = OutboundURL.parse(url) else { return nil }
        return parsed.host.lowercased()
    }

    /// `url` fit for a log line: the query (which may carry a token) dropped, control characters escaped.
    public static func printable(url: String) -> String { OutboundURL.printable(url) }

    /// The client context used when `post` gets none: system trust store only, built on first use.
    static let defaultClientContext: Result<TLSContext, TLSError> = Result { () throws(TLSError) in
        try TLSContext.makeClient()
    }

    /// `POST target HTTP/1.1` and the fields (RFC 9112 §3, §6.2 Content-Length, §9.6 Connection: close).
    static func requestHead(
        _ method: String,
        _ url: OutboundURL,
        headers: HTTPHeaders,
        contentLength: Int
    )
        -> Result<[UInt8], OutboundError>
    {
        var text = "\(method) \(url.target) HTTP/1.1\r\nHost: \(url.hostField)\r\n"
        var hasUserAgent = false
        for field in headers {
            // Framing and routing are ours to set; a caller's copy could contradict them (request smuggling).
            if ["host", "content-length", "connection", "transfer-encoding"].contains(field.name.lowercased()) {
                continue
            }
            guard isToken(field.name), field.value.utf8AllSatisfy({ $0 != 0x0D && $0 != 0x0A && $0 != 0 }) else {
                return .failure(OutboundError(.invalidRequest, "header field '\(field.name)' cannot be sent"))
            }
            hasUserAgent = hasUserAgent || HTTPHeaders.equalNames(field.name, "User-Agent")
            text += "\(field.name): \(field.value)\r\n"
        }
        if !hasUserAgent { text += "User-Agent: MailDouble\r\n" }
        text += "Content-Length: \(contentLength)\r\nConnection: close\r\n\r\n"
        return .success(Array(text.utf8))
    }

    /// RFC 9110 §5.6.2 token characters.
    static func isToken(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8AllSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                    || "!#$%&'*+-.^_`|~".utf8.contains(b)
            }
    }
}
