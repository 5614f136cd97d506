// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTPCore
import MailDoubleTesting
import Testing

/// The harness itself: both modes hand the same request to the responder and return what it answered.
@Suite struct TestClientTests {
    /// Echoes what the responder saw, so a test can compare the two modes' requests.
    static func echo(_ request: Request) -> Response {
        .json([
            "method": .string(request.method.rawValue), "target": .string(request.target),
            "host": .string(request.host), "secure": .bool(request.isSecure),
            "body": .string(String(decoding: request.body, as: UTF8.self)),
            "x": .string(request.headers["X-Test"]), "peer": .string(request.remoteAddress),
        ])
    }

    @Test(arguments: TestMode.allCases)
    func requestArrivesAsSent(_ mode: TestMode) throws {
        try withTestClient(mode, responder: Self.echo) { client in
            let r = try client.execute(
                .POST,
                "/a%20b/c?q=1+2",
                headers: ["Host": "api.resend.com:8443", "x-test": "yes"],
                body: "héllo"
            )
            #expect(r.status == .ok)
            #expect(r.json["method"] == "POST")
            #expect(r.json["target"] == "/a%20b/c?q=1+2")
            #expect(r.json["host"] == "api.resend.com")
            #expect(r.json["secure"] == true)
            #expect(r.json["body"] == "héllo")
            #expect(r.json["x"] == "yes")
            #expect(r.headers["Content-Type"] == "application/json; charset=utf-8")
        }
    }

    /// A deferred response completed from another thread is waited for (a condition, not a sleep).
    @Test(arguments: TestMode.allCases)
    func deferredResponseIsAwaited(_ mode: TestMode) throws {
        let responder: @Sendable (Request) -> Response = { _ in
            let promise = ResponsePromise()
            detachThread { promise.complete(.text("later", status: .accepted)) }
            return .later(promise)
        }
        try withTestClient(mode, responder: responder) { client in
            for _ in 0..<3 {
                let r = try client.execute(.GET, "/slow")
                #expect(r.status == .accepted)
                #expect(r.text == "later")
            }
        }
    }

    @Test func routerModeTimesOutOnAPromiseNeverCompleted() {
        let client = RouterTestClient(responder: { _ in .later(ResponsePromise()) }, deferredTimeoutSeconds: 0.05)
        #expect(throws: TestClientError.self) { try client.execute(.GET, "/never") }
    }

    /// Over the wire: one keep-alive connection (the peer address stays), the server's own fields, a
    /// HEAD answer without a body, and a new connection after `Connection: close`.
    @Test func liveModeUsesOneVerifiedKeepAliveConnection() throws {
        try withTestClient(.live, responder: Self.echo) { client in
            let first = try client.execute(.GET, "/one")
            let second = try client.execute(.GET, "/two")
            #expect(first.json["peer"] != "" && first.json["peer"] == second.json["peer"])
            #expect(first.json["host"] == "localhost")  // added: HTTP/1.1 requires Host
            #expect(first.headers["Date"]?.hasSuffix(" GMT") == true)
            #expect(first.headers["Content-Length"] == String(first.body.count))
            let head = try client.execute(.HEAD, "/one")
            #expect(head.status == .ok && head.body.isEmpty)
            // The server answers `Connection: close` in kind and closes; the client then connects again.
            let closing = try client.execute(.GET, "/close", headers: ["Connection": "close"])
            #expect(closing.headers["Connection"] == "close")
            #expect(closing.json["peer"] == second.json["peer"])
            let reopened = try client.execute(.GET, "/three")
            #expect(reopened.status == .ok)
            #expect(reopened.json["peer"] != second.json["peer"])
        }
    }

    @Test func liveClientRefusesAnUnencodedTarget() throws {
        try withTestClient(.live, responder: Self.echo) { client in
            #expect(throws: TestClientError.self) { try client.execute(.GET, "/a b") }
            let encoded = try client.execute(.GET, "/a%20b")
            #expect(encoded.status == .ok)
        }
    }
}

/// Runs `body` on a new pthread, so a promise completes from a thread the responder never ran on.
func detachThread(_ body: @escaping @Sendable () -> Void) {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(
        &thread,
        nil,
        { arg in
            Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue().body()
            return nil
        },
        box
    )
    precondition(rc == 0, "pthread_create failed: \(rc)")
    pthread_detach(thread)
}
