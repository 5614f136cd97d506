// SPDX-License-Identifier: Apache-2.0
public import HTTPCore
public import TLS

/// `TestMode.live`'s client: HTTP/1.1 over one TLS connection to 127.0.0.1, kept alive between requests and
/// re-opened after the server closed it (`Connection: close`). The server's chain and name are verified.
///
/// Requests are serialized: callers on several threads take turns on the one connection.
public final class LiveTestClient: TestClient {
    let port: Int
    let context: TLSContext
    let serverName: String
    let timeoutSeconds: Int
    private let connection = Locked<LiveConnection?>(nil)

    /// - Parameters:
    ///   - port: the server's port on 127.0.0.1.
    ///   - context: a client context from `TLSContext.makeClient(extraCAFiles:)` that trusts the server's CA.
    ///   - serverName: the name sent as SNI and checked against the certificate.
    ///   - timeoutSeconds: for each socket read and write, so a broken server fails a test instead of hanging it.
    public init(port: Int, context: TLSContext, serverName: String = "localhost", timeoutSeconds: Int = 10) {
        self.port = port
        self.context = context
        self.serverName = serverName
        self.timeoutSeconds = timeoutSeconds
    }

    public func execute(method: HTTPMethod, path: String, headers: HTTPHeaders, body: [UInt8]) throws -> TestResponse {
        let head = try Self.requestHead(method: method, path: path, headers: headers, bodyCount: body.count)
        return try connection.withLock { (current: inout LiveConnection?) throws -> TestResponse in
            let open =
                try current
                ?? LiveConnection(
                    port: port,
                    context: context,
                    serverName: serverName,
                    timeoutSeconds: timeoutSeconds
                )
            current = open
            do {
                let (response, keepAlive) = try open.exchange(head + body, isHead: method == .HEAD)
                if !keepAlive {
                    open.close()
                    current = nil
                }
                return response
            } catch {
                open.close()
                current = nil
                throw error
            }
        }
    }

    /// Closes the connection (with close_notify); a later request opens a new one.
    public func close() {
        connection.withLock { current in
            current?.close()
            current = nil
        }
    }
}
