// SPDX-License-Identifier: Apache-2.0
public import HTTPCore

/// What a test body talks to: one request in, one complete response out, whether the request goes to a
/// router in memory (`TestMode.router`) or over TLS to a live server (`TestMode.live`).
///
/// Modelled on HummingbirdTesting's `TestClientProtocol`, but blocking: the emulator's handlers are
/// synchronous, so a test needs no `async` to drive them.
public protocol TestClient: Sendable {
    /// Sends one request and returns the final response.
    /// - Parameters:
    ///   - method: the request method.
    ///   - path: the request-target in origin form (path plus optional `?query`), already percent-encoded.
    ///   - headers: the fields to send. A live client adds `Host` when missing and sets `Content-Length`.
    ///   - body: the request body.
    /// - Returns: the response; a deferred one (`Response.later`) once its promise completed.
    /// - Throws: `TestClientError` when no response arrives (connection, TLS or framing failure, timeout).
    func execute(method: HTTPMethod, path: String, headers: HTTPHeaders, body: [UInt8]) throws -> TestResponse
}

extension TestClient {
    /// Sends one request with a text body (UTF-8).
    public func execute(
        _ method: HTTPMethod,
        _ path: String,
        headers: HTTPHeaders = HTTPHeaders(),
        body: String = ""
    ) throws -> TestResponse {
        try execute(method: method, path: path, headers: headers, body: Array(body.utf8))
    }
}

/// Why a test client got no response.
public struct TestClientError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) { self.description = description }
}
