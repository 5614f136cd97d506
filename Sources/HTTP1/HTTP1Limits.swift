// SPDX-License-Identifier: Apache-2.0
public import HTTPCore

/// Resource limits the HTTP/1.1 parser enforces while reading, before anything is handed to a handler.
public struct HTTP1Limits: Sendable {
    /// Bytes of request line plus header section (and, separately, of a chunked trailer section). Exceeding it
    /// answers 431, as soon as that many bytes are buffered without a complete head.
    public var maxHeaderBytes: Int
    /// Header field lines per request. Exceeding it answers 431.
    public var maxHeaderCount: Int
    /// Body bytes, checked against Content-Length before the body is read, and against the running total of a
    /// chunked body. Exceeding it answers 413.
    public var maxBodyBytes: Int

    /// - Parameters:
    ///   - maxHeaderBytes: request line + headers, default 16 KiB.
    ///   - maxHeaderCount: header field lines, default 100.
    ///   - maxBodyBytes: body size, default 40 MiB.
    public init(maxHeaderBytes: Int = 16384, maxHeaderCount: Int = 100, maxBodyBytes: Int = 41_943_040) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}

/// What `HTTP1Parser.next()` found in the bytes buffered so far.
public enum HTTP1ParseEvent: Sendable {
    /// No complete request is buffered: read more bytes and `append` them.
    case needMoreData
    /// The head of a request carrying `Expect: 100-continue` was parsed and its body has not arrived yet:
    /// the server writes "HTTP/1.1 100 Continue\r\n\r\n" once (returned at most once per request, only for HTTP/1.1,
    /// and not if the body bytes are already buffered).
    case expectContinue
    /// A complete request. `keepAlive` says whether the connection may carry another request after the response.
    case request(Request, keepAlive: Bool)
    /// Malformed or over a limit: the server answers with this status and closes the connection.
    case failure(HTTPStatus)
}

/// Why a request was rejected: the status to answer with and a short reason for logs and tests.
struct HTTP1ParseError: Error {
    let status: HTTPStatus
    let reason: StaticString

    init(_ status: HTTPStatus, _ reason: StaticString) {
        self.status = status
        self.reason = reason
    }

    static func badRequest(_ reason: StaticString) -> HTTP1ParseError { HTTP1ParseError(.badRequest, reason) }
}
