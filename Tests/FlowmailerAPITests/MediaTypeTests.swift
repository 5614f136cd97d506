// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import MailDoubleTesting
import Routing
import Testing

@testable import FlowmailerAPI

@Suite struct MediaTypeTests {
    @Test func negotiatesVersions() {
        #expect(MediaTypeMiddleware.negotiate([]) == 12)
        #expect(MediaTypeMiddleware.negotiate(["*/*"]) == 12)
        #expect(MediaTypeMiddleware.negotiate(["application/json"]) == 12)
        #expect(MediaTypeMiddleware.negotiate(["Application/json; Charset=utf-8"]) == 12)
        #expect(MediaTypeMiddleware.negotiate(["application/vnd.flowmailer.v1.12+json;charset=UTF-8"]) == 12)
        #expect(MediaTypeMiddleware.negotiate(["application/vnd.flowmailer.v1.4+json;charset=UTF-8"]) == 4)
        #expect(MediaTypeMiddleware.negotiate(["application/vnd.flowmailer.v1.11+json, */*;q=0.5"]) == 11)
        #expect(MediaTypeMiddleware.negotiate(["application/vnd.flowmailer.v1.99+json"]) == nil)
        #expect(MediaTypeMiddleware.negotiate(["text/html"]) == nil)
        #expect(MediaTypeMiddleware.negotiate(["application/json;q=0"]) == nil)
    }

    @Test(arguments: TestMode.allCases)
    func answersInTheRequestedVersion(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let token = try h.token()
            let v12 = h.api(.GET, "/545/flows", token: token)
            #expect(v12.headers["Content-Type"] == "application/vnd.flowmailer.v1.12+json;charset=UTF-8")
            let v4 = h.send(
                .GET,
                "/545/flows",
                headers: [
                    ("Authorization", "Bearer \(token)"),
                    ("Accept", "application/vnd.flowmailer.v1.4+json;charset=UTF-8"),
                ]
            )
            #expect(v4.status == .ok)
            #expect(v4.headers["Content-Type"] == "application/vnd.flowmailer.v1.4+json;charset=UTF-8")
            let none = h.send(.GET, "/545/flows", headers: [("Authorization", "Bearer \(token)")])
            #expect(none.status == .ok)
        }
    }

    @Test(arguments: TestMode.allCases)
    func unsupportedAcceptIs406(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let token = try h.token()
            for accept in [
                "application/vnd.flowmailer.v2.0+json", "application/xml", "application/vnd.flowmailer.v1.13+json",
            ] {
                let r = h.send(.GET, "/545/flows", headers: [("Authorization", "Bearer \(token)"), ("Accept", accept)])
                #expect(r.status == .notAcceptable, "\(accept)")
                #expect(r.json["allErrors"]?[0]?["code"] == "media.notacceptable")
            }
        }
    }

    @Test(arguments: TestMode.allCases)
    func nonJSONBodyIs415ButContentTypeOnGetIsIgnored(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let token = try h.token()
            let xml = h.api(
                .POST,
                "/545/messages/submit",
                token: token,
                headers: [("Content-Type", "application/xml")],
                body: "<m/>"
            )
            #expect(xml.status == .unsupportedMediaType)
            #expect(xml.json["allErrors"]?[0]?["code"] == "media.unsupported")
            let form = h.api(
                .POST,
                "/545/flows",
                token: token,
                headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: "a=b"
            )
            #expect(form.status == .unsupportedMediaType)
            // The PHP SDK sends its JSON Content-Type on GET too, and a text type on a body-less GET is ignored.
            let get = h.api(.GET, "/545/flows", token: token, headers: [("Content-Type", "text/plain")])
            #expect(get.status == .ok)
            let plainJSON = h.api(
                .POST,
                "/545/messages/submit",
                token: token,
                headers: [("Content-Type", "application/json")],
                body: #"{"messageType":"EMAIL","senderAddress":"a@example.com","recipientAddress":"b@example.com"}"#
            )
            #expect(plainJSON.status == .created)
        }
    }

    @Test(arguments: TestMode.allCases)
    func unknownRouteAndMethodUseFlowmailerErrors(_ mode: TestMode) throws {
        try Harness.with(mode) { h in
            let token = try h.token()
            let missing = h.api(.GET, "/545/nothing-here", token: token)
            #expect(missing.status == .notFound)
            #expect(missing.json["allErrors"] != nil)
            let method = h.api(.PATCH, "/545/flows", token: token)
            #expect(method.status == .methodNotAllowed)
            #expect(method.headers["Allow"] != nil)
        }
    }

    @Test func claimsFlowmailerRequests() throws {
        let h = try Harness()
        let claims = h.router.claims
        #expect(claims(Request(method: .GET, target: "/545/x")))
        #expect(claims(Request(method: .GET, target: "/oauth/authorize")))
        #expect(claims(Request(method: .GET, target: "/x", headers: ["Host": "api.flowmailer.net"])))
        #expect(!claims(Request(method: .GET, target: "/emails")))
    }
}

/// The middleware learns the route from the router (no path parsing of its own); these pin that it decodes
/// like the router: escapes decoded, matrix parameters and empty segments dropped.
@Suite struct RouteAwareMiddlewareTests {
    @Test func decodesLikeTheRouter() throws {
        let h = try Harness()
        let submitOnly = try h.token("maildouble-submit", "maildouble-submit-secret")
        // `/%35%345/…` is account 545 and `%73ubmit` the submit route, so the submit-only token may use it.
        let body = #"{"messageType":"EMAIL","senderAddress":"a@example.com","recipientAddress":"b@example.com"}"#
        #expect(h.api(.POST, "/%35%345/messages;x=1/%73ubmit", token: submitOnly, body: body).status == .created)
        #expect(h.api(.GET, "/%35%345/messages", token: submitOnly).status == .forbidden)
        // The token endpoint and whatever else is under /oauth need no bearer token; `/oauthx` is an account.
        let token = h.send(.POST, "/oauth/token")  // its own OAuth answer, not the bearer check's
        #expect(token.json["error_description"] == "Bad credentials")
        #expect(h.send(.GET, "/oauth/authorize").status == .notFound)
        #expect(h.send(.POST, "/oauthx/token").status == .unauthorized)
    }
}
