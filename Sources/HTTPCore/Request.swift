// SPDX-License-Identifier: Apache-2.0

/// One HTTP request, whichever protocol carried it. HTTP/1.1 and HTTP/2 codecs both produce this value and
/// hand it to the same router, so handlers never know the protocol.
public struct Request: Sendable {
    public var method: HTTPMethod
    /// The request-target as received (origin-form: path plus optional `?query`), still percent-encoded.
    public var target: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var version: HTTPVersion
    /// True when the request came over TLS.
    public var isSecure: Bool
    /// The peer's address as text (`127.0.0.1:53124`, `[::1]:53124`), or empty when unknown (router tests).
    public var remoteAddress: String
    /// The address the connection was accepted on (`127.0.0.2:8443`, `[::1]:8080`), as `remoteAddress` is
    /// written; empty when unknown (router tests). Fault rules match on it to fail one listener of several.
    public var localAddress: String = ""

    /// The raw path part of `target` (before `?`), still percent-encoded and with matrix parameters.
    public let rawPath: String
    /// The raw query part of `target` (after `?`), or nil.
    public let rawQuery: String?
    /// Decoded query items in order (`+` is a space in a query, RFC 1866 form encoding).
    public let queryItems: [(name: String, value: String)]

    /// Values of the `{name}` segments of the matched route template, percent-decoded (`+` stays `+`).
    public var pathParameters: [String: String] = [:]
    /// Matrix parameters (`;name=value`) of every path segment, percent-decoded, keyed by name. Flowmailer
    /// puts them on the last segment (`/545/messages;daterange=…`). When a name repeats, the last one wins.
    public var matrixParameters: [String: String] = [:]
    /// The template of the route that matched (`/{account_id}/messages/submit`), set by the router before
    /// middleware runs; nil when no route matched.
    public var route: String?
    /// The longest route-template prefix the path reached (the whole template when a route matched), so that
    /// middleware knows `/{account_id}` of `/545/unknown` without parsing the path.
    public var routePrefix: String?
    /// The authenticated principal, attached by the vendor's authentication middleware.
    public var identity: (any RequestIdentity)?

    public init(
        method: HTTPMethod,
        target: String,
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        version: HTTPVersion = .http1_1,
        isSecure: Bool = false,
        remoteAddress: String = ""
    ) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.version = version
        self.isSecure = isSecure
        self.remoteAddress = remoteAddress
        if let offset = target.utf8FirstOffset(of: UInt8(ascii: "?")) {
            let q = target.utf8.index(target.startIndex, offsetBy: offset)
            rawPath = String(target[..<q])
            let query = String(target[target.index(after: q)...])
            rawQuery = query
            queryItems = URLCoding.parseForm(query)
        } else {
            rawPath = target
            rawQuery = nil
            queryItems = []
        }
        matrixParameters = URLCoding.matrixParameters(ofPath: rawPath)
    }

    /// The first value of query parameter `name`, or nil.
    public func query(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// Every value of query parameter `name` (`?tag=a&tag=b`).
    public func queryValues(_ name: String) -> [String] {
        queryItems.filter { $0.name == name }.map(\.value)
    }

    /// The path parameter `name` of the matched route. Routes only declare names they read, so a missing
    /// one is a programming error in the route table; it returns "" rather than crashing the server.
    public func parameter(_ name: String) -> String { pathParameters[name] ?? "" }

    /// The decoded path segments without matrix parameters (`/545/messages;x=1` → `["545", "messages"]`).
    public var pathSegments: [String] { URLCoding.pathNames(rawPath) }

    /// The `Host` header (HTTP/1.1) or `:authority` (HTTP/2), without a port, lower-cased.
    public var host: String? {
        guard let value = headers["Host"] else { return nil }
        if value.hasPrefix("[") {  // IPv6 literal: [::1]:8443
            if let end = value.firstIndex(of: "]") { return String(value[...end]).lowercased() }
            return value.lowercased()
        }
        return String(value.split(separator: ":", maxSplits: 1).first ?? "").lowercased()
    }

    /// The principal as the vendor's own type, or nil when unauthenticated (or another vendor's).
    public func identity<T: RequestIdentity>(as type: T.Type) -> T? { identity as? T }

    /// The body decoded as JSON; throws `JSONError` when it is not valid JSON.
    public func jsonBody() throws(JSONError) -> JSON { try JSON.parse(body) }

    /// The body decoded as `application/x-www-form-urlencoded` items.
    public func formBody() -> [(name: String, value: String)] {
        URLCoding.parseForm(String(decoding: body, as: UTF8.self))
    }
}

/// Who a request was authenticated as: each vendor's authentication middleware attaches its own typed
/// principal (`request.identity`), and handlers read it back with `request.identity(as:)`.
public protocol RequestIdentity: Sendable {
    /// The tenant the principal acts in (a Flowmailer account, a Postflare team, a Flowdock user's id…).
    var tenant: String { get }
}

extension Request {
    /// `scheme://host[:port]` as the client reached the server (its `Host`/`:authority`), for absolute URLs in
    /// answers (`Location`, links); `defaultURL` (the real vendor's) when the request names no usable host.
    public func externalBaseURL(default defaultURL: String) -> String {
        guard let host = headers["Host"], !host.isEmpty,
            !host.utf8Contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: " ") })
        else {
            return defaultURL
        }
        return (isSecure ? "https://" : "http://") + host
    }
}
