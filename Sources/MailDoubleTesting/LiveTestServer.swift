// SPDX-License-Identifier: Apache-2.0
public import HTTPCore
import HTTPServer
import TLS

/// `TestMode.live`'s server: an `HTTPServer` with one event loop on 127.0.0.1, HTTPS only, on a port the
/// kernel picks, serving the process's development certificate (`TestCertificates`).
public final class LiveTestServer: Sendable {
    private let server: HTTPServer
    /// The bound HTTPS port.
    public let port: Int
    /// The certificates served; `files.caCertificate` verifies them.
    public let certificates: TestCertificates

    /// Binds and starts the server; when this returns the port accepts connections.
    /// - Parameter responder: what answers each request (called on the event-loop thread).
    public init(responder: @escaping @Sendable (Request) -> Response) throws {
        certificates = try TestCertificates.shared()
        var configuration = ServerConfiguration()
        configuration.hosts = ["127.0.0.1"]
        configuration.httpsPort = 0
        configuration.httpPort = nil
        // One loop is plenty for one client, and keeps each test's server start cheap.
        configuration.threads = 1
        configuration.tls = certificates.server
        configuration.drainTimeout = 5
        server = HTTPServer(configuration: configuration, handler: responder)
        try server.start()
        guard let port = server.httpsPort else { throw TestClientError("the test server bound no HTTPS port") }
        self.port = port
    }

    /// A client verifying this server's certificate for `localhost`.
    public func makeClient() throws -> LiveTestClient {
        LiveTestClient(port: port, context: certificates.client)
    }

    /// Stops accepting, lets in-flight requests finish, and joins the loop thread.
    public func stop() {
        server.shutdown()
        server.wait()
    }
}
