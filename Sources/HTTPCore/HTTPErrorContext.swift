// SPDX-License-Identifier: Apache-2.0

/// An error the server answers itself, below any router (the HTTP/1.1 parser and its limits, the header
/// timeout, the HTTP/2 layer), with what is known of the request that caused it. The server's
/// `errorResponder` turns it into the response, so that the vendor a request belongs to can answer in its
/// own error format; the server keeps the status and adds `Connection: close` when it closes.
public struct HTTPErrorContext: Sendable {
    /// The status the server answers with (400, 408, 413, 417, 431, 501, 505).
    public var status: HTTPStatus
    /// A short, fixed reason for logs and tests (`invalid field value`, `head over limit`).
    public var reason: String
    /// A sentence for the client, as the generic body shows it.
    public var message: String
    /// The method, once the request line was parsed.
    public var method: HTTPMethod?
    /// The request-target (origin-form, still percent-encoded), once the request line was parsed.
    public var target: String?
    /// The fields among `relevantHeaderNames` received so far (all of them when the head was complete).
    public var headers: HTTPHeaders
    public var version: HTTPVersion
    public var isSecure: Bool

    /// What a vendor needs to recognise its request: the host, the credentials and the media type.
    public static let relevantHeaderNames = ["host", "authorization", "accept", "content-type"]

    public init(
        status: HTTPStatus,
        reason: String,
        message: String,
        method: HTTPMethod? = nil,
        target: String? = nil,
        headers: HTTPHeaders = HTTPHeaders(),
        version: HTTPVersion = .http1_1,
        isSecure: Bool = false
    ) {
        self.status = status
        self.reason = reason
        self.message = message
        self.method = method
        self.target = target
        self.headers = headers
        self.version = version
        self.isSecure = isSecure
    }

    /// Whether `name` is one of `relevantHeaderNames` (what the codecs keep for this context).
    public static func isRelevant(_ name: String) -> Bool {
        relevantHeaderNames.contains { HTTPHeaders.equalNames($0, name) }
    }

    /// The request as far as it is known, for routers that infer the vendor: without a parsed request line it
    /// is `GET /` with the headers received; a target that is not origin-form (`*`) becomes `/`.
    public var partialRequest: Request {
        let path = target.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/"
        return Request(
            method: method ?? .GET,
            target: path,
            headers: headers,
            version: version,
            isSecure: isSecure
        )
    }

    /// The emulator's generic body `{"error": reason phrase, "message": …}`.
    public var genericResponse: Response { HTTPError(status, message: message).response }

    /// `responder`'s answer, with this context's status: the protocol requires it, and the connection may be
    /// closing, so a deferred answer (a promise) is not waited for: the generic body is sent instead.
    public func response(from responder: @Sendable (HTTPErrorContext) -> Response) -> Response {
        var response = responder(self)
        if response.deferred != nil { return genericResponse }
        response.status = status
        return response
    }

    /// The default responder: the generic body whatever the request.
    public static let generic: @Sendable (HTTPErrorContext) -> Response = { $0.genericResponse }
}
