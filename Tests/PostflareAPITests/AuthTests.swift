// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import MailDoubleTesting
import Routing
import Testing

@testable import PostflareAPI

@Suite struct AuthTests {
    @Test(arguments: TestMode.allCases)
    func missingKeyIs401(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let r = h.call(.GET, "/domains", key: nil)
            expectError(r, 401, "missing_api_key")
            #expect(r.json["message"]?.stringValue == "Missing API key in the authorization header")
        }
    }

    @Test(arguments: TestMode.allCases)
    func invalidKeyDefaultsTo400ValidationError(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let r = h.call(.GET, "/domains", key: "re_nope")
            expectError(r, 400, "validation_error")
            #expect(r.json["message"]?.stringValue == "API key is invalid")
        }
    }

    @Test func invalidKeyCanBeTheDocumented403() throws {
        let h = try Harness(options: .init(rateLimitPerSecond: 0, invalidKeyStatus: 403))
        expectError(h.call(.GET, "/domains", key: "re_nope"), 403, "invalid_api_key")
    }

    @Test(arguments: TestMode.allCases)
    func sendingKeyMaySendButNothingElse(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let sent = h.call(.POST, "/emails", Harness.email(), key: sendKey)
            #expect(sent.status == 200)
            #expect(h.call(.POST, "/emails/batch", [Harness.email()], key: sendKey).status == 200)
            let r = h.call(.GET, "/emails/\(sent.id ?? "")", key: sendKey)
            expectError(r, 401, "restricted_api_key")
            #expect(r.json["message"]?.stringValue == "This API key is restricted to only send emails")
            expectError(h.call(.GET, "/domains", key: sendKey), 401, "restricted_api_key")
        }
    }

    @Test(arguments: TestMode.allCases)
    func unknownRouteAndWrongMethod(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            expectError(h.call(.GET, "/emails/\(segmentId)/nothing"), 404, "not_found")
            let r = h.call(.PUT, "/emails")
            expectError(r, 405, "method_not_allowed")
            #expect(r.headers["Allow"] != nil)
        }
    }

    @Test func claimsItsHostsAndResources() throws {
        let h = try Harness()
        #expect(h.router.claims(Request(method: .GET, target: "/nothing", headers: ["Host": "api.resend.com"])))
        #expect(h.router.claims(Request(method: .GET, target: "/contact-properties/x/y")))
        #expect(!h.router.claims(Request(method: .GET, target: "/flows")))
    }

    @Test(arguments: TestMode.allCases)
    func createdKeyWorksAtOnceAndDeletedKeyStops(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let created = h.call(.POST, "/api-keys", ["name": "CI"])
            #expect(created.status == 201)
            let token = try #require(created.json["token"]?.stringValue)
            #expect(token.hasPrefix("re_"))
            #expect(h.call(.GET, "/domains", key: token).status == 200)
            #expect(h.call(.DELETE, "/api-keys/\(created.id ?? "")").json["deleted"] == true)
            expectError(h.call(.GET, "/domains", key: token), 400, "validation_error")
        }
    }
}

@Suite struct ResetTests {
    @Test func resetRestoresTheFixtures() throws {
        let h = try Harness()
        let created = h.call(.POST, "/api-keys", ["name": "temp"])
        let token = try #require(created.json["token"]?.stringValue)
        _ = h.call(.POST, "/emails", Harness.email())
        _ = h.call(.DELETE, "/segments/\(segmentId)")
        h.api.reset()
        expectError(h.call(.GET, "/domains", key: token), 400, "validation_error")
        #expect(h.call(.GET, "/emails").json["data"] == [])
        #expect(h.call(.GET, "/segments/\(segmentId)").status == 200)
    }
}
