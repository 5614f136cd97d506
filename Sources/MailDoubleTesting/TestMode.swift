// SPDX-License-Identifier: Apache-2.0
public import HTTPCore

/// How a test reaches the code under test (HummingbirdTesting's `TestingSetup`).
///
/// Run one body in both with `@Test(arguments: TestMode.allCases)`.
public enum TestMode: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Calls the responder in memory: no sockets, no TLS, as fast as a function call.
    case router
    /// Serves the responder from an `HTTPServer` on 127.0.0.1 (a free port) over TLS with a development
    /// certificate, and sends every request over one verified HTTP/1.1 keep-alive connection.
    case live

    public var description: String { rawValue }
}

/// Runs `body` with a client for `mode` that reaches `responder`; a live server is stopped before returning,
/// also when `body` throws.
/// - Parameters:
///   - mode: in memory or over a live TLS server.
///   - responder: what answers each request (a router's or a dispatcher's `respond(to:)`).
///   - body: the test; the client must not escape it.
/// - Returns: what `body` returns.
public func withTestClient<Result>(
    _ mode: TestMode,
    responder: @escaping @Sendable (Request) -> Response,
    _ body: (any TestClient) throws -> Result
) throws -> Result {
    switch mode {
    case .router:
        return try body(RouterTestClient(responder: responder))
    case .live:
        let server = try LiveTestServer(responder: responder)
        defer { server.stop() }
        let client = try server.makeClient()
        defer { client.close() }
        return try body(client)
    }
}
