// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import MailDoubleTesting
import Routing
import Testing

@testable import FlowmailerAPI

/// The repository's `fixtures/flowmailer.json`, found from this file's path.
func defaultFixtures() throws -> JSON {
    let here = #filePath
    let root = here.split(separator: "/").dropLast(3).joined(separator: "/")
    let json = try Fixtures.load(vendor: "flowmailer", directory: "/" + root + "/fixtures")
    return try #require(json)
}

/// A Flowmailer router on a clock the test moves, driven in memory or, inside `Harness.with(_:)`, over a
/// live TLS server (MailDoubleTesting).
struct Harness: Sendable {
    let clock: EmulatorClock
    let api: FlowmailerAPI
    let router: Router
    /// Where `send` goes: the router in memory, unless `with(_:)` handed in another mode's client.
    var client: any TestClient

    init(fixtures: JSON? = nil, options: FlowmailerAPI.Options = .init(), clock: EmulatorClock = EmulatorClock()) throws
    {
        self.clock = clock
        api = try FlowmailerAPI(clock: clock, fixtures: try fixtures ?? defaultFixtures(), options: options)
        router = api.makeRouter()
        // Plain HTTP in memory, as these router tests were written (a submit's `Location` says http://).
        client = RouterTestClient(responder: { [router] in router.respond(to: $0) }, isSecure: false)
    }

    /// Runs `body` with a fresh harness reached through `mode`: the router in memory (as over TLS), or a live
    /// HTTPS server that is stopped when `body` returns.
    static func with(
        _ mode: TestMode,
        fixtures: JSON? = nil,
        options: FlowmailerAPI.Options = .init(),
        clock: EmulatorClock = EmulatorClock(),
        _ body: (Harness) throws -> Void
    ) throws {
        var harness = try Harness(fixtures: fixtures, options: options, clock: clock)
        try withTestClient(mode, router: harness.router) { client in
            harness.client = client
            try body(harness)
        }
    }

    func send(
        _ method: HTTPMethod,
        _ target: String,
        headers: [(String, String)] = [],
        body: String? = nil,
        host: String = "api.flowmailer.net"
    ) -> Response {
        var h = HTTPHeaders([("Host", host)] + headers)
        if body != nil, h["Content-Type"] == nil {
            h.add(name: "Content-Type", value: "application/vnd.flowmailer.v1.12+json")
        }
        do {
            return try client.execute(method: method, path: target, headers: h, body: Array((body ?? "").utf8)).response
        } catch {
            Issue.record(error, "\(method) \(target) got no response")
            return Response(status: HTTPStatus(0, "No Response"))
        }
    }

    /// Submits `body`, lets processing finish on the harness clock, and returns the received headers.
    func receivedHeaders(submitting body: String, token: String) throws -> [(name: String, value: String)] {
        let submitted = api(.POST, "/545/messages/submit", token: token, body: body)
        #expect(submitted.status == .created)
        let id = String(submitted.headers["Location"]?.split(separator: "/").last ?? "")
        clock.advance(bySeconds: 10)
        let read = api(.GET, "/545/messages/\(id)?addheaders=true", token: token)
        let headers = try #require(try JSON.parse(read.body)["headersIn"]?.arrayValue)
        return headers.map { (name: $0["name"]?.stringValue ?? "", value: $0["value"]?.stringValue ?? "") }
    }

    /// Issues a token through the real endpoint.
    func token(_ clientId: String = "maildouble", _ secret: String = "maildouble-secret") throws -> String {
        let r = send(
            .POST,
            "/oauth/token",
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: "client_id=\(clientId)&client_secret=\(secret)&grant_type=client_credentials&scope=api"
        )
        #expect(r.status == .ok)
        return try #require(try JSON.parse(r.body)["access_token"]?.stringValue)
    }

    /// An authenticated API call with the SDK's headers.
    func api(
        _ method: HTTPMethod,
        _ target: String,
        token: String,
        headers: [(String, String)] = [],
        body: String? = nil
    ) -> Response {
        send(
            method,
            target,
            headers: [("Authorization", "Bearer \(token)"), ("Accept", "application/vnd.flowmailer.v1.12+json")]
                + headers,
            body: body
        )
    }

    /// Submits a minimal email and returns the new message id from `Location`.
    func submit(
        token: String,
        account: String = "545",
        to recipient: String = "someone@example.com",
        extra: String = ""
    )
        throws -> String
    {
        let body = """
            {"messageType":"EMAIL","senderAddress":"app@example.com","recipientAddress":"\(recipient)",\
            "subject":"hello","text":"hi"\(extra)}
            """
        let r = api(.POST, "/\(account)/messages/submit", token: token, body: body)
        #expect(r.status == .created)
        let location = try #require(r.headers["Location"])
        return String(try #require(location.split(separator: "/").last))
    }
}

extension Response {
    var json: JSON { (try? JSON.parse(body)) ?? .null }
}
