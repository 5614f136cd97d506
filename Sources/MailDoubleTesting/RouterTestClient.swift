// SPDX-License-Identifier: Apache-2.0
public import HTTPCore

/// `TestMode.router`: hands each request to a responder in memory, as an event loop would, and waits for a
/// deferred response's promise (on a condition variable, never a sleep).
public struct RouterTestClient: TestClient {
    let responder: @Sendable (Request) -> Response
    let isSecure: Bool
    let deferredTimeoutSeconds: Double

    /// - Parameters:
    ///   - responder: what answers each request.
    ///   - isSecure: what `Request.isSecure` says; true by default, as over the live server's TLS.
    ///   - deferredTimeoutSeconds: how long to wait for a deferred response before failing.
    public init(
        responder: @escaping @Sendable (Request) -> Response,
        isSecure: Bool = true,
        deferredTimeoutSeconds: Double = 30
    ) {
        self.responder = responder
        self.isSecure = isSecure
        self.deferredTimeoutSeconds = deferredTimeoutSeconds
    }

    public func execute(method: HTTPMethod, path: String, headers: HTTPHeaders, body: [UInt8]) throws -> TestResponse {
        let request = Request(method: method, target: path, headers: headers, body: body, isSecure: isSecure)
        var response = responder(request)
        if let promise = response.deferred {
            let waiter = ResponseWaiter()
            promise.whenComplete { waiter.complete($0) }
            guard let completed = waiter.wait(seconds: deferredTimeoutSeconds) else {
                throw TestClientError(
                    "\(method) \(path): deferred response not completed within \(deferredTimeoutSeconds) s"
                )
            }
            response = completed
        }
        return TestResponse(status: response.status, headers: response.headers, body: response.body)
    }
}
