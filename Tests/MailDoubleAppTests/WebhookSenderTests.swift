// SPDX-License-Identifier: Apache-2.0
import COpenSSL
import Dispatch
import EmulatorKit
import Glibc
import HTTPCore
import HTTPServer
import Routing
import Testing

@testable import MailDoubleApp

/// Postflare webhooks end to end: the app started on port 0 POSTs Svix-signed deliveries to a receiver
/// (an HTTPServer on port 0), retries a 500 when the emulator clock passes the 5 s mark, and verifies
/// with a signature recomputed here with OpenSSL's HMAC. Waits are bounded semaphores, never sleeps.
@Suite struct WebhookSenderTests {
    /// Records every POST; answers each with the next scripted status (200 once the script runs out).
    final class Receiver: Sendable {
        struct Delivery: Sendable {
            var target: String
            var headers: HTTPHeaders
            var body: [UInt8]
            var type: String? { (try? JSON.parse(body))?["type"]?.stringValue }
        }
        let deliveries = Locked<[Delivery]>([])
        let arrived = DispatchSemaphore(value: 0)
        let statuses: Locked<[HTTPStatus]>
        let server: HTTPServer

        init(statuses: [HTTPStatus]) throws {
            self.statuses = Locked(statuses)
            var c = ServerConfiguration()
            c.httpsPort = nil
            c.httpPort = 0
            c.threads = 1
            let (deliveries, arrived, script) = (deliveries, arrived, self.statuses)
            server = HTTPServer(configuration: c) { request in
                let status = script.withLock { $0.isEmpty ? .ok : $0.removeFirst() }
                deliveries.withLock {
                    $0.append(Delivery(target: request.target, headers: request.headers, body: request.body))
                }
                arrived.signal()
                return Response(status: status, headers: ["Content-Type": "text/plain"], body: Array("ack".utf8))
            }
            try server.start()
        }

        var url: String { "http://127.0.0.1:\(server.httpPort!)/hooks/resend" }

        /// Waits until `count` deliveries in all have arrived (20 s at most); returns them.
        func wait(for count: Int) -> [Delivery] {
            while deliveries.withLock({ $0.count }) < count {
                if arrived.wait(timeout: .now() + .seconds(20)) == .timedOut { break }
            }
            return deliveries.withLock { $0 }
        }

        deinit {
            server.shutdown(drainTimeout: 1)
            server.wait()
        }
    }

    static let auth: HTTPHeaders = [
        "Authorization": "Bearer re_test_maildouble_full", "Content-Type": "application/json",
    ]

    static func call(_ app: MailDouble, _ method: HTTPMethod, _ target: String, _ body: JSON) -> Response {
        app.dispatcher.respond(to: Request(method: method, target: target, headers: auth, body: body.serialized()))
    }

    /// `v1,` + base64(HMAC-SHA256(base64-decoded secret, "id.timestamp.body")), computed with OpenSSL.
    static func svixSignature(secret: String, id: String, timestamp: String, body: [UInt8]) -> String? {
        guard let key = Base64.decode(secret.dropFirst("whsec_".count)) else { return nil }
        let message = Array("\(id).\(timestamp).".utf8) + body
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard HMAC(EVP_sha256(), key, Int32(key.count), message, message.count, &digest, &length) != nil else {
            return nil
        }
        return "v1," + Base64.encode(digest.prefix(Int(length)))
    }

    @Test func deliversSignedEventsAndRetriesA500OnTheEmulatorClock() throws {
        let receiver = try Receiver(statuses: [.internalServerError])
        let app = try MailDoubleTests.start { $0.frozenClockMillis = EmulatorClock().nowMillis() }
        defer { MailDoubleTests.stop(app) }

        let created = Self.call(
            app,
            .POST,
            "/webhooks",
            ["endpoint": .string(receiver.url), "events": ["email.sent", "email.delivered"]]
        )
        #expect(created.status.code == 201)
        let secret = try #require(try JSON.parse(created.body)["signing_secret"]?.stringValue)
        let sent = Self.call(
            app,
            .POST,
            "/emails",
            ["from": "Acme <hello@example.org>", "to": ["delivered@resend.dev"], "subject": "Hi", "text": "Hello"]
        )
        #expect(sent.status == .ok)
        let emailId = try #require(try JSON.parse(sent.body)["id"]?.stringValue)

        // The frozen clock has not reached "sent" (1 s) yet; moving it 3 s makes both events due.
        let advance = app.dispatcher.respond(to: Request(method: .POST, target: "/_emulator/clock/advance?seconds=3"))
        #expect(advance.status == .ok)
        let first = receiver.wait(for: 2)
        try #require(first.count == 2)
        #expect(first.map(\.type) == ["email.sent", "email.delivered"])
        for d in first {
            #expect(d.target == "/hooks/resend")
            #expect(d.headers["Content-Type"] == "application/json")
            let body = try JSON.parse(d.body)
            #expect(body["data"]?["email_id"]?.stringValue == emailId)
            #expect(body["data"]?["to"] == ["delivered@resend.dev"])
            let id = try #require(d.headers["svix-id"])
            let timestamp = try #require(d.headers["svix-timestamp"])
            let expected = Self.svixSignature(secret: secret, id: id, timestamp: timestamp, body: d.body)
            #expect(d.headers["svix-signature"] == expected)
            #expect(d.headers["webhook-signature"] == expected)
        }

        // The first answer was 500: the same message comes back once the clock passes the 5 s retry delay,
        // with the same svix-id and body, and a signature over a timestamp of real time (not the emulator clock,
        // 5 s ahead now: receivers check it against their own clock).
        _ = app.dispatcher.respond(to: Request(method: .POST, target: "/_emulator/clock/advance?seconds=5"))
        let all = receiver.wait(for: 3)
        try #require(all.count == 3)
        let retry = all[2]
        #expect(retry.headers["svix-id"] == first[0].headers["svix-id"])
        #expect(retry.body == first[0].body)
        let before = Int(first[0].headers["svix-timestamp"] ?? "") ?? 0
        let after = Int(retry.headers["svix-timestamp"] ?? "") ?? 0
        let wall = Int(time(nil))
        #expect(after >= before && abs(after - wall) <= 2, "signed at \(after), real time \(wall)")
        #expect(
            retry.headers["svix-signature"]
                == Self.svixSignature(
                    secret: secret,
                    id: retry.headers["svix-id"] ?? "",
                    timestamp: String(after),
                    body: retry.body
                )
        )
    }

    /// The worker thread also publishes due events, so it always runs; with Postflare's webhooks off it delivers
    /// none of Postflare's (Flowmailer's, configured per account, still go out).
    @Test func offMeansPostflareIsNoWebhookSource() throws {
        let app = try MailDoubleTests.start { $0.postflareWebhooks = false }
        defer { MailDoubleTests.stop(app) }
        #expect(!app.webhookSender.delivers(for: try VendorContractTests.vendor(app, "postflare")))
        #expect(app.webhookSender.delivers(for: try VendorContractTests.vendor(app, "flowmailer")))
        let on = try MailDoubleTests.start()
        defer { MailDoubleTests.stop(on) }
        #expect(on.webhookSender.delivers(for: try VendorContractTests.vendor(on, "postflare")))
        #expect(on.webhookSender.deliversWebhooks)
    }

    @Test func documentationDomainsAreNeverContacted() {
        for host in ["example.org", "EXAMPLE.com", "hooks.example.net", "example.org.", "x.example", "a.invalid"] {
            #expect(WebhookSender.isDocumentationHost(host), "\(host)")
        }
        for host in ["localhost", "127.0.0.1", "myexample.org", "example.org.evil.com", "hooks.test", "::1"] {
            #expect(!WebhookSender.isDocumentationHost(host), "\(host)")
        }
    }
}
