// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import MailDoubleTesting
import Routing
import Testing

@testable import PostflareAPI

let fullKey = "re_test_maildouble_full"
let sendKey = "re_test_maildouble_send"
let segmentId = "78261eea-8f8b-4381-83c6-79fa7120f1cf"
let templateId = "34a080c9-b17d-4187-ad80-5af20266e535"
let topicId = "b6d24b8e-af0b-4c3c-be0c-359bbd97381e"
let domainId = "4dd369bc-aa82-4ff3-97de-514ae3000ee0"

/// The repository's `fixtures/postflare.json` (or `fixtures/<set>/postflare.json`), found from this file's path.
func loadFixtures(set: String? = nil) throws -> JSON? {
    let testsDir = String(
        #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3)
            .joined(separator: "/")
    )
    return try Fixtures.load(vendor: "postflare", directory: testsDir + "/fixtures" + (set.map { "/" + $0 } ?? ""))
}

/// A router over a fresh emulator with a frozen clock (2026-01-01T00:00:00Z) and no rate limit unless asked,
/// driven in memory or, inside `Harness.with(_:)`, over a live TLS server (MailDoubleTesting).
struct Harness {
    let clock: EmulatorClock
    let api: PostflareAPI
    let router: Router
    /// Where `call` goes: the router in memory, unless `with(_:)` handed in another mode's client.
    var client: any TestClient

    init(options: PostflareAPI.Options = PostflareAPI.Options(rateLimitPerSecond: 0)) throws {
        try self.init(fixtures: try loadFixtures(), options: options)
    }

    /// The same over other fixtures (`nil`: the built-in default team).
    init(fixtures: JSON?, options: PostflareAPI.Options = PostflareAPI.Options(rateLimitPerSecond: 0)) throws {
        clock = EmulatorClock(frozenAtMillis: 1_767_225_600_000)
        api = try PostflareAPI(clock: clock, fixtures: fixtures, options: options)
        router = api.makeRouter()
        client = RouterTestClient(responder: { [router] in router.respond(to: $0) }, isSecure: false)
    }

    /// Runs `body` with a fresh harness reached through `mode`: the router in memory, or a live HTTPS server
    /// that is stopped when `body` returns.
    static func with(
        _ mode: TestMode,
        options: PostflareAPI.Options = PostflareAPI.Options(rateLimitPerSecond: 0),
        _ body: (Harness) throws -> Void
    ) throws {
        var harness = try Harness(options: options)
        try withTestClient(mode, router: harness.router) { client in
            harness.client = client
            try body(harness)
        }
    }

    struct Result {
        var status: Int
        var json: JSON
        var headers: HTTPHeaders
        var response: Response

        var name: String? { json["name"]?.stringValue }
        var id: String? { json["id"]?.stringValue }
    }

    @discardableResult
    func call(
        _ method: HTTPMethod,
        _ path: String,
        _ body: JSON? = nil,
        key: String? = fullKey,
        headers extra: [(String, String)] = [],
        rawBody: String? = nil
    ) -> Result {
        var headers = HTTPHeaders()
        if let key { headers.add(name: "Authorization", value: "Bearer \(key)") }
        if !extra.contains(where: { $0.0.lowercased() == "content-type" }) {
            headers.add(name: "Content-Type", value: "application/json")
        }
        for (n, v) in extra { headers.add(name: n, value: v) }
        let bytes = rawBody.map { Array($0.utf8) } ?? body?.serialized() ?? []
        let response: Response
        do {
            response = try client.execute(method: method, path: path, headers: headers, body: bytes).response
        } catch {
            Issue.record(error, "\(method) \(path) got no response")
            response = Response(status: HTTPStatus(0, "No Response"))
        }
        let json = (try? JSON.parse(response.body)) ?? .null
        return Result(status: response.status.code, json: json, headers: response.headers, response: response)
    }

    /// A valid send body from the verified fixture domain.
    static func email(to: JSON = "delivered@resend.dev", _ extra: [String: JSON] = [:]) -> JSON {
        var o: JSONObject = [
            "from": "Acme <hello@example.org>", "to": to, "subject": "Hello", "html": "<p>Hi</p>",
        ]
        for (k, v) in extra { o[k] = v }
        return .object(o)
    }
}

/// Asserts the Postflare error shape: exactly `statusCode`, `message`, `name`, status equal to `statusCode`.
func expectError(_ r: Harness.Result, _ status: Int, _ name: String, sourceLocation: SourceLocation = #_sourceLocation)
{
    #expect(r.status == status, sourceLocation: sourceLocation)
    #expect(r.name == name, "body: \(r.json.text)", sourceLocation: sourceLocation)
    #expect(r.json["statusCode"]?.intValue == status, sourceLocation: sourceLocation)
    #expect(r.json.objectValue?.keys == ["statusCode", "message", "name"], sourceLocation: sourceLocation)
    #expect(r.headers["Content-Type"] == "application/json; charset=utf-8", sourceLocation: sourceLocation)
}
