// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Routing
import Synchronization
import Testing

@testable import PostflareAPI

/// Every documented error name this emulator answers with, each reached from a realistic request.
@Suite struct ErrorsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var status: Int
        var run: @Sendable (Harness) -> Harness.Result
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "invalid_idempotency_key", status: 400) {
            $0.call(.POST, "/emails", Harness.email(), headers: [("Idempotency-Key", "")])
        },
        Case(name: "validation_error", status: 422) { $0.call(.POST, "/emails", Harness.email(to: "x")) },
        Case(name: "missing_api_key", status: 401) { $0.call(.GET, "/emails", key: nil) },
        Case(name: "restricted_api_key", status: 401) { $0.call(.GET, "/emails", key: sendKey) },
        Case(name: "not_found", status: 404) { $0.call(.GET, "/nothing-here/at/all") },
        Case(name: "method_not_allowed", status: 405) { $0.call(.DELETE, "/emails") },
        Case(name: "invalid_idempotent_request", status: 409) { h in
            h.call(.POST, "/emails", Harness.email(), headers: [("Idempotency-Key", "e")])
            return h.call(
                .POST,
                "/emails",
                Harness.email(to: "bounced@resend.dev"),
                headers: [("Idempotency-Key", "e")]
            )
        },
        Case(name: "invalid_attachment", status: 422) {
            $0.call(.POST, "/emails", Harness.email(["attachments": [["filename": "x"]]]))
        },
        Case(name: "invalid_from_address", status: 422) { $0.call(.POST, "/emails", Harness.email(["from": ["a"]])) },
        Case(name: "invalid_access", status: 422) { $0.call(.POST, "/api-keys", ["name": "a", "permission": "x"]) },
        Case(name: "invalid_parameter", status: 422) { $0.call(.GET, "/domains/123") },
        Case(name: "invalid_region", status: 422) { $0.call(.POST, "/domains", ["name": "a.org", "region": "x"]) },
        Case(name: "missing_required_field", status: 422) { $0.call(.POST, "/contacts", [:]) },
    ]

    @Test(arguments: cases)
    func reachable(_ c: Case) throws {
        let h = try Harness()
        expectError(c.run(h), c.status, c.name)
    }

    @Test func remainingNamesHaveTheirOwnTests() throws {
        // invalid_api_key (AuthTests), concurrent_idempotent_requests (IdempotencyTests),
        // daily/monthly_quota_exceeded (EmailsTests.quotas), rate_limit_exceeded (RateLimitTests).
        let covered = Set(Self.cases.map(\.name)).union([
            "invalid_api_key", "concurrent_idempotent_requests", "daily_quota_exceeded", "monthly_quota_exceeded",
            "rate_limit_exceeded", "application_error",
        ])
        #expect(covered == Set(allPostflareErrorNames))
    }

    struct Boom: Error {}

    @Test func unexpectedErrorsAreApplicationErrorsAndNeverEchoed() throws {
        let h = try Harness()
        let response = h.router.internalError(Request(method: .GET, target: "/emails"), Boom())
        let json = try JSON.parse(response.body)
        #expect(response.status.code == 500)
        #expect(json["name"] == "application_error")
        #expect(!json.text.contains("Boom"))
    }
}
