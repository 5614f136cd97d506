// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Routing
import Testing

/// The dispatcher ranks every router's match by template specificity, so the order routers are listed in
/// never decides who answers.
@Suite struct DispatcherTests {
    static func router(_ name: String, _ templates: [(HTTPMethod, String)], hosts: Set<String> = []) -> Router {
        var r = Router()
        for (method, template) in templates {
            r.add(method, template) { request in .text("\(name) \(request.route ?? "-")") }
        }
        r.notFound = { _ in .text("\(name) 404", status: .notFound) }
        r.methodNotAllowed = { _, _ in .text("\(name) 405", status: .methodNotAllowed) }
        r.hosts = hosts
        return r
    }

    static let accounts = router("accounts", [(.GET, "/{account_id}/messages"), (.PUT, "/{account_id}")])
    static let chat = router("chat", [(.GET, "/v1/messages"), (.GET, "/emails")], hosts: ["chat.example"])

    static func answer(_ d: Dispatcher, _ method: HTTPMethod, _ target: String, host: String? = nil) -> String {
        let headers: HTTPHeaders = host.map { ["Host": $0] } ?? HTTPHeaders()
        return String(
            decoding: d.respond(to: Request(method: method, target: target, headers: headers)).body,
            as: UTF8.self
        )
    }

    @Test(arguments: [false, true])
    func theMostSpecificTemplateWinsInEitherOrder(reversed: Bool) {
        let routers = reversed ? [Self.chat, Self.accounts] : [Self.accounts, Self.chat]
        let d = Dispatcher(routers: routers)
        #expect(Self.answer(d, .GET, "/v1/messages") == "chat /v1/messages")
        #expect(Self.answer(d, .GET, "/545/messages") == "accounts /{account_id}/messages")
        // A literal's 405 beats a capture's match: `PUT /emails` is not account "emails".
        #expect(Self.answer(d, .PUT, "/emails") == "chat 405")
        #expect(Self.answer(d, .PUT, "/545") == "accounts /{account_id}")
    }

    /// All-literal routes are answered from one lookup; these are the cases where that must agree with
    /// asking every router: the first of equal literals, a literal elsewhere beating a 405, HEAD via GET,
    /// and a decoded "/" that must not join two segments.
    /// A first segment another router uses literally is that router's namespace: `/v1/x` is not account "v1"
    /// (the hostile-input suite found `/_emulator/messages/%zz` answered by Flowmailer's bearer check).
    @Test(arguments: [false, true])
    func aLiteralFirstSegmentIsNotCapturedByAnotherRouter(reversed: Bool) {
        let routers = reversed ? [Self.chat, Self.accounts] : [Self.accounts, Self.chat]
        let d = Dispatcher(routers: routers, fallback: Self.router("fallback", []))
        #expect(Self.answer(d, .GET, "/v1/messages") == "chat /v1/messages")
        #expect(Self.answer(d, .GET, "/emails/messages") == "fallback 404")
        #expect(Self.answer(d, .PUT, "/v1") == "fallback 404")
        #expect(Self.answer(d, .GET, "/545/messages") == "accounts /{account_id}/messages")
    }

    /// Dot segments are resolved before matching (the hostile-input suite found `/../flows` answered as the
    /// account "..").
    @Test func dotSegmentsAreResolved() {
        let d = Dispatcher(routers: [Self.accounts, Self.chat], fallback: Self.router("fallback", []))
        #expect(Self.answer(d, .GET, "/../v1/messages") == "chat /v1/messages")
        #expect(Self.answer(d, .GET, "/v1/./messages") == "chat /v1/messages")
        #expect(Self.answer(d, .GET, "/%2e%2e/545/x/../messages") == "accounts /{account_id}/messages")
        #expect(Self.answer(d, .GET, "/545/messages/../../../etc/x") == "fallback 404")
    }

    @Test func literalRoutesAnswerAsAskingEveryRouterWould() {
        let first = Self.router("first", [(.POST, "/x"), (.GET, "/same"), (.GET, "/{any}")])
        let second = Self.router("second", [(.GET, "/x"), (.GET, "/same"), (.GET, "/a/b")])
        let d = Dispatcher(routers: [first, second])
        #expect(Self.answer(d, .GET, "/same") == "first /same")
        #expect(Self.answer(d, .GET, "/x") == "second /x")
        #expect(Self.answer(d, .POST, "/x") == "first /x")
        #expect(Self.answer(d, .HEAD, "/x").isEmpty || Self.answer(d, .HEAD, "/x") == "second /x")
        #expect(Self.answer(d, .GET, "/a/b") == "second /a/b")
        #expect(Self.answer(d, .GET, "/a%2Fb") == "first /{any}")
        #expect(Self.answer(d, .GET, "/other") == "first /{any}")
    }

    /// A literal route is found by the raw path as it stands only when that is its canonical form; every other
    /// spelling of the same path (empty segments, a trailing slash, encoded letters, matrix parameters, dot
    /// segments) reaches it through the decoded segments.
    @Test func literalRoutesAnswerEverySpellingOfTheirPath() {
        let d = Dispatcher(routers: [Self.router("r", [(.GET, "/a/b"), (.GET, "/{any}")])])
        for path in ["/a/b", "/a//b", "/a/b/", "//a/b", "/%61/b", "/a/b;x=1", "/a/./b", "/c/../a/b"] {
            #expect(Self.answer(d, .GET, path) == "r /a/b", "\(path)")
        }
        #expect(Self.answer(d, .GET, "/a%2Fb") == "r /{any}")
        #expect(Self.answer(d, .GET, "/A/b") != "r /a/b")
    }

    @Test func unmatchedPathsGoToTheHostsRouterThenTheClaimsThenTheFallback() {
        var claiming = Self.router("claiming", [(.GET, "/x/y")])
        claiming.claims = { $0.rawPath.hasPrefix("/x") }
        let d = Dispatcher(routers: [claiming, Self.chat], fallback: Self.router("fallback", []))
        #expect(Self.answer(d, .GET, "/x/nope", host: "chat.example") == "chat 404")
        #expect(Self.answer(d, .GET, "/x/nope") == "claiming 404")
        #expect(Self.answer(d, .GET, "/nothing") == "fallback 404")
    }

    @Test func middlewareSeesTheRouteAndThePrefixOfAnUnmatchedPath() {
        struct Spy: Middleware {
            func handle(_ request: Request, next: (Request) -> Response) throws -> Response {
                .text(
                    "\(request.route ?? "nil") \(request.routePrefix ?? "nil") \(request.pathParameters["account_id"] ?? "nil")"
                )
            }
        }
        var r = Self.accounts
        r.use(Spy())
        func run(_ target: String) -> String {
            String(decoding: r.respond(to: Request(method: .GET, target: target)).body, as: UTF8.self)
        }
        #expect(run("/545/messages") == "/{account_id}/messages /{account_id}/messages 545")
        #expect(run("/546/unknown/deeper") == "nil /{account_id} 546")
        #expect(run("/") == "nil nil nil")
    }

    /// Errors are rendered once, by the router: middleware gets them as responses from `next`.
    @Test func errorsReachMiddlewareAsResponsesAndUnexpectedOnesBecomeTheVendors500() {
        struct Teapot: HTTPResponseError { var response: Response { .text("teapot", status: HTTPStatus(418)) } }
        struct Opaque: Error {}
        struct Stamp: Middleware {
            func handle(_ request: Request, next: (Request) -> Response) throws -> Response {
                var response = next(request)
                response.headers.add(name: "X-Seen", value: "1")
                return response
            }
        }
        var r = Router()
        r.use(Stamp())
        r.get("/teapot") { _ in throw Teapot() }
        r.get("/opaque") { _ in throw Opaque() }
        r.internalError = { _, _ in .text("vendor 500", status: .internalServerError) }
        r.reportUnexpected = { _, _ in }
        let teapot = r.respond(to: Request(method: .GET, target: "/teapot"))
        #expect(teapot.status.code == 418 && teapot.headers["X-Seen"] == "1")
        let opaque = r.respond(to: Request(method: .GET, target: "/opaque"))
        #expect(opaque.status == .internalServerError && opaque.headers["X-Seen"] == "1")
        #expect(String(decoding: opaque.body, as: UTF8.self) == "vendor 500")
    }
}
