// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import MailDoubleTesting
import Routing
import Testing

@testable import FlowdockAPI

/// Fixture tokens (fixtures/flowdock.json).
enum Token {
    static let otto = "maildouble-flowdock-token"
    static let marty = "maildouble-flowdock-token-marty"
    static let doc = "maildouble-flowdock-token-doc"
    static let flow = "maildouble-flow-token"
}

/// Drives the Flowdock router in memory as the server would, or, inside `Client.with(_:)`, over a live TLS
/// server (MailDoubleTesting).
struct Client {
    static let now: Int64 = 1_700_000_000_000
    let api: FlowdockAPI
    let router: Router
    let clock: EmulatorClock
    /// Where `send` goes: the router in memory, unless `with(_:)` handed in another mode's client.
    var testClient: any TestClient

    init(options: FlowdockAPI.Options = .init()) throws {
        clock = EmulatorClock(frozenAtMillis: Self.now)
        api = try FlowdockAPI(clock: clock, fixtures: try Self.fixtures(), options: options)
        router = api.makeRouter()
        testClient = RouterTestClient(responder: { [router] in router.respond(to: $0) }, isSecure: true)
    }

    /// Runs `body` with a fresh client reached through `mode`: the router in memory, or a live HTTPS server
    /// that is stopped when `body` returns.
    static func with(_ mode: TestMode, _ body: (Client) throws -> Void) throws {
        var c = try Client()
        try withTestClient(mode, router: c.router) { client in
            c.testClient = client
            try body(c)
        }
    }

    /// The repository's default fixtures, found from this file's path.
    static func fixtures() throws -> JSON? {
        let testsDir = String(
            #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
        )
        return try Fixtures.load(vendor: "flowdock", directory: testsDir + "/fixtures")
    }

    static func basic(_ user: String, _ password: String = "") -> String {
        "Basic " + Base64.encode(Array((user + ":" + password).utf8))
    }

    /// Sends a request; `token` becomes Basic `token:` unless `authorization` is given (`""` = none).
    @discardableResult
    func send(
        _ method: HTTPMethod,
        _ target: String,
        token: String? = Token.otto,
        authorization: String? = nil,
        json: JSON? = nil,
        form: String? = nil,
        body: [UInt8]? = nil,
        contentType: String? = nil,
        headers: [(String, String)] = []
    ) -> Result {
        var h = HTTPHeaders(headers)
        h.add(name: "Host", value: "api.flowdock.com")
        if let authorization {
            if !authorization.isEmpty { h.add(name: "Authorization", value: authorization) }
        } else if let token {
            h.add(name: "Authorization", value: Self.basic(token))
        }
        var bytes: [UInt8] = []
        if let json {
            bytes = json.serialized()
            h.add(name: "Content-Type", value: "application/json")
        } else if let form {
            bytes = Array(form.utf8)
            h.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        } else if let body {
            bytes = body
            if let contentType { h.add(name: "Content-Type", value: contentType) }
        }
        do {
            return Result(
                response: try testClient.execute(method: method, path: target, headers: h, body: bytes).response
            )
        } catch {
            Issue.record(error, "\(method) \(target) got no response")
            return Result(response: Response(status: HTTPStatus(0, "No Response")))
        }
    }

    struct Result {
        let response: Response
        var status: Int { response.status.code }
        var json: JSON { (try? JSON.parse(response.body)) ?? .null }
        func header(_ name: String) -> String? { response.headers[name] }
    }
}

extension JSON {
    /// This message without the fields that differ between two posts of the same content.
    func withoutIdentity() -> JSON {
        guard case .object(var o) = self else { return self }
        for key in ["id", "sent", "uuid", "created_at", "thread_id", "thread"] { o[key] = nil }
        return .object(o)
    }
}
