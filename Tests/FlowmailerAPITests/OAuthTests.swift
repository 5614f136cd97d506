// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import MailDoubleTesting
import Testing

@testable import FlowmailerAPI

@Suite struct OAuthTests {
    @Test(arguments: TestMode.allCases)
    func issuesBearerTokenWithSnakeCaseFields(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let r = h.send(
                .POST,
                "/oauth/token",
                headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: "client_id=maildouble&client_secret=maildouble-secret&grant_type=client_credentials&scope=api",
                host: "login.flowmailer.net"
            )
            #expect(r.status == .ok)
            #expect(r.headers["Content-Type"] == "application/json;charset=UTF-8")
            #expect(r.headers["Cache-Control"] == "no-store")
            let body = r.json
            #expect(body.objectValue?.keys == ["access_token", "token_type", "expires_in", "scope"])
            #expect(body["token_type"] == "bearer")
            #expect(body["expires_in"] == 60)
            #expect(body["scope"] == "api")
            #expect(IDs.isUUID(body["access_token"]?.stringValue ?? ""))
        }
    }

    @Test func scopeMayBeAbsent() throws {
        let h = try Harness()
        let r = h.send(
            .POST,
            "/oauth/token",
            body: "client_id=maildouble&client_secret=maildouble-secret&grant_type=client_credentials"
        )
        #expect(r.status == .ok)
    }

    @Test(arguments: TestMode.allCases)
    func badCredentialsAre401WithChallenge(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let r = h.send(
                .POST,
                "/oauth/token",
                body: "client_id=maildouble&client_secret=nope&grant_type=client_credentials"
            )
            #expect(r.status == .unauthorized)
            #expect(r.json["error"] == "unauthorized")
            #expect(r.json["error_description"] == "Bad credentials")
            #expect(r.headers["WWW-Authenticate"] != nil)
        }
    }

    @Test(arguments: TestMode.allCases)
    func unsupportedGrantAndInvalidScopeAre400(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let grant = h.send(
                .POST,
                "/oauth/token",
                body: "client_id=maildouble&client_secret=maildouble-secret&grant_type=password"
            )
            #expect(grant.status == .badRequest)
            #expect(grant.json["error"] == "unsupported_grant_type")
            let scope = h.send(
                .POST,
                "/oauth/token",
                body:
                    "client_id=maildouble&client_secret=maildouble-secret&grant_type=client_credentials&scope=flowmailer"
            )
            #expect(scope.status == .badRequest)
            // The SDK source's literal example (spec §1.3).
            #expect(
                scope.json == [
                    "error": "invalid_scope", "error_description": "Invalid scope: flowmailer", "scope": "api",
                ]
            )
        }
    }

    @Test(arguments: TestMode.allCases)
    func tokenExpiresOnTheEmulatorClock(_ mode: TestMode) throws {
        try Harness.with(mode, clock: EmulatorClock(frozenAtMillis: 1_700_000_000_000)) { h in
            let token = try h.token()
            #expect(h.api(.GET, "/545/flows", token: token).status == .ok)
            h.clock.advance(bySeconds: 59)
            #expect(h.api(.GET, "/545/flows", token: token).status == .ok)
            h.clock.advance(bySeconds: 1.5)
            let expired = h.api(.GET, "/545/flows", token: token)
            #expect(expired.status == .unauthorized)
            #expect(expired.json["error"] == "invalid_token")
            #expect(expired.json["error_description"]?.stringValue?.hasPrefix("Access token expired") == true)
            #expect(expired.headers["WWW-Authenticate"]?.hasPrefix("Bearer ") == true)
        }
    }

    @Test func configurableLifetime() throws {
        let h = try Harness(options: .init(tokenLifetimeSeconds: 5))
        let r = h.send(
            .POST,
            "/oauth/token",
            body: "client_id=maildouble&client_secret=maildouble-secret&grant_type=client_credentials"
        )
        #expect(r.json["expires_in"] == 5)
    }

    @Test(arguments: TestMode.allCases)
    func missingOrUnknownTokenIs401(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let missing = h.send(.GET, "/545/messages", headers: [("Accept", "application/json")])
            #expect(missing.status == .unauthorized)
            #expect(missing.json["error"] == "unauthorized")
            let unknown = h.api(.GET, "/545/messages", token: "not-a-token")
            #expect(unknown.status == .unauthorized)
            #expect(unknown.json["error"] == "invalid_token")
        }
    }

    @Test(arguments: TestMode.allCases)
    func tokenIsBoundToItsAccount(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let token = try h.token()
            let r = h.api(.GET, "/546/messages", token: token)
            #expect(r.status == .forbidden)
            #expect(r.json["allErrors"]?[0]?["code"] != nil)
        }
    }

    @Test func submitOnlyCredentialIsForbiddenElsewhere() throws {
        let h = try Harness()
        let token = try h.token("maildouble-submit", "maildouble-submit-secret")
        _ = try h.submit(token: token)
        for path in ["/545/messages", "/545/flows", "/545/sources", "/545/message_events"] {
            let r = h.api(.GET, path, token: token)
            #expect(r.status == .forbidden, "\(path)")
            #expect(r.json["allErrors"]?.arrayValue?.isEmpty == false)
        }
    }

    @Test(arguments: TestMode.allCases)
    func rateLimitAnswers429WithRetryAfter(_ mode: TestMode) throws {
        // A frozen clock keeps all requests in one window (a real clock could straddle a boundary).
        let clock = EmulatorClock(frozenAtMillis: 1_700_000_000_000)
        try Harness.with(mode, options: .init(rateLimitPerSecond: 2), clock: clock) { h in
            let token = try h.token()
            #expect(h.api(.GET, "/545/flows", token: token).status == .ok)
            #expect(h.api(.GET, "/545/flows", token: token).status == .ok)
            let limited = h.api(.GET, "/545/flows", token: token)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers["Retry-After"] == "1")
            h.clock.advance(bySeconds: 1)
            #expect(h.api(.GET, "/545/flows", token: token).status == .ok)
        }
    }
}
