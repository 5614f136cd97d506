// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
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

/// A Flowmailer router driven without sockets, on a clock the test moves.
struct Harness: Sendable {
    let clock: EmulatorClock
    let api: FlowmailerAPI
    let router: Router

    init(fixtures: JSON? = nil, options: FlowmailerAPI.Options = .init(), clock: EmulatorClock = EmulatorClock()) throws
    {
        self.clock = clock
        api = try FlowmailerAPI(clock: clock, fixtures: try fixtures ?? defaultFixtures(), options: options)
        router = api.makeRouter()
    }

    func send(
        _ method: HTTPMethod, _ target: String, headers: [(String, String)] = [], body: String? = nil,
        host: String = "api.flowmailer.net"
    ) -> Response {
        var h = HTTPHeaders([("Host", host)] + headers)
        if body != nil, h["Content-Type"] == nil {
            h.add(name: "Content-Type", value: "application/vnd.flowmailer.v1.12+json")
        }
        return router.respond(to: Request(method: method, target: target, headers: h, body: Array((body ?? "").utf8)))
    }

    /// Issues a token through the real endpoint.
    func token(_ clientId: String = "maildouble", _ secret: String = "maildouble-secret") throws -> String {
        let r = send(
            .POST, "/oauth/token", headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: "client_id=\(clientId)&client_secret=\(secret)&grant_type=client_credentials&scope=api")
        #expect(r.status == .ok)
        return try #require(try JSON.parse(r.body)["access_token"]?.stringValue)
    }

    /// An authenticated API call with the SDK's headers.
    func api(
        _ method: HTTPMethod, _ target: String, token: String, headers: [(String, String)] = [], body: String? = nil
    ) -> Response {
        send(
            method, target,
            headers: [("Authorization", "Bearer \(token)"), ("Accept", "application/vnd.flowmailer.v1.12+json")]
                + headers,
            body: body)
    }

    /// Submits a minimal email and returns the new message id from `Location`.
    func submit(
        token: String, account: String = "545", to recipient: String = "someone@example.com", extra: String = ""
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
