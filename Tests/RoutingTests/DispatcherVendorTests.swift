// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Routing
import Testing

/// Which vendor a request no route decides belongs to: credentials, then media type, then host, then path.
@Suite struct DispatcherVendorTests {
    /// Three routers shaped like the vendors' (Postflare, Flowmailer, Flowdock), each rendering errors as
    /// `"<name> <status> <message>"`.
    static func vendor(
        _ name: String,
        hosts: Set<String>,
        credentials: [CredentialPattern],
        mediaTypes: [String] = [],
        claims: @escaping @Sendable (Request) -> Bool
    ) -> Router {
        var r = Router()
        r.get("/\(name)/ok") { _ in .text("\(name) ok") }
        r.notFound = { _ in .text("\(name) 404", status: .notFound) }
        r.errorResponse = { _, status, message in .text("\(name) \(status.code) \(message)", status: status) }
        r.hosts = hosts
        r.credentials = credentials
        r.mediaTypes = mediaTypes
        r.claims = claims
        return r
    }

    static let postflare = vendor("postflare", hosts: ["api.resend.com"], credentials: [.bearerPrefix("re_")]) {
        $0.pathSegments.first == "emails"
    }
    static let flowmailer: Router = {
        var r = vendor(
            "flowmailer",
            hosts: ["api.flowmailer.net"],
            credentials: [.bearerOnOwnRequests, .basicOnOwnRequests],
            mediaTypes: ["application/vnd.flowmailer."]
        ) { request in
            guard let first = request.pathSegments.first else { return false }
            return first == "oauth" || (!first.isEmpty && first.allSatisfy(\.isNumber))
        }
        r.encodedSlashRejection = (.badRequest, "encoded slash")
        return r
    }()
    static let flowdock = vendor(
        "flowdock",
        hosts: ["api.flowdock.com"],
        credentials: [.basic, .queryParameter("access_token")]
    ) { $0.pathSegments.first == "flows" }

    static let names = ["postflare", "flowmailer", "flowdock"]

    static func owner(_ target: String, _ headers: HTTPHeaders = HTTPHeaders(), reversed: Bool = false) -> String? {
        let routers = [postflare, flowmailer, flowdock]
        let d = Dispatcher(routers: reversed ? routers.reversed() : routers)
        let order = reversed ? names.reversed() : names
        return d.vendorRouter(for: Request(method: .GET, target: target, headers: headers)).map { order[$0] }
    }

    @Test(arguments: [false, true])
    func credentialsNameTheVendorWhateverTheHostOrPath(reversed: Bool) {
        // A `re_` key is Postflare's even on a Flowmailer-looking path at Flowdock's host.
        #expect(
            Self.owner(
                "/545/messages",
                ["Authorization": "Bearer re_123", "Host": "api.flowdock.com"],
                reversed: reversed
            )
                == "postflare"
        )
        // An opaque bearer token is Flowmailer's on an account path or with its media type, before the host.
        #expect(
            Self.owner("/545/x", ["Authorization": "Bearer abc", "Host": "api.resend.com"], reversed: reversed)
                == "flowmailer"
        )
        #expect(
            Self.owner(
                "/nowhere",
                [
                    "Authorization": "Bearer abc", "Accept": "application/vnd.flowmailer.v1.12+json",
                    "Host": "api.resend.com",
                ],
                reversed: reversed
            ) == "flowmailer"
        )
        // Basic is Flowmailer's on its token endpoint, Flowdock's elsewhere; so is `?access_token`.
        #expect(Self.owner("/oauth/token", ["Authorization": "Basic eDp5"], reversed: reversed) == "flowmailer")
        #expect(
            Self.owner("/nowhere", ["Authorization": "Basic eDp5", "Host": "api.resend.com"], reversed: reversed)
                == "flowdock"
        )
        #expect(Self.owner("/nowhere?access_token=t", ["Host": "api.resend.com"], reversed: reversed) == "flowdock")
    }

    @Test func anOpaqueBearerTokenAloneNamesNobody() {
        #expect(Self.owner("/nowhere", ["Authorization": "Bearer abc"]) == nil)
        #expect(Self.owner("/nowhere", ["Authorization": "Bearer "]) == nil)
        // …but the host still does.
        #expect(Self.owner("/nowhere", ["Authorization": "Bearer abc", "Host": "api.resend.com"]) == "postflare")
    }

    @Test func thenTheMediaTypeThenTheHostThenThePath() {
        #expect(
            Self.owner("/emails", ["Accept": "Application/VND.flowmailer.v1.12+json", "Host": "api.resend.com"])
                == "flowmailer"
        )
        #expect(Self.owner("/emails", ["Content-Type": "application/vnd.flowmailer.v1.12+json"]) == "flowmailer")
        #expect(Self.owner("/545", ["Host": "api.flowdock.com:443"]) == "flowdock")
        #expect(Self.owner("/545") == "flowmailer")
        #expect(Self.owner("/emails/x") == "postflare")
        #expect(Self.owner("/flows?x=1") == "flowdock")
        #expect(Self.owner("/nowhere", ["Accept": "application/json"]) == nil)
    }

    @Test func anEncodedSlashIsASeparatorForThePathAndRejectedWhereTheVendorSaysSo() {
        #expect(Self.owner("/545%2fmessages") == "flowmailer")
        #expect(Self.owner("/545%2Fmessages?x=1") == "flowmailer")
        let d = Dispatcher(routers: [Self.postflare, Self.flowmailer, Self.flowdock])
        let rejected = d.respond(to: Request(method: .GET, target: "/545%2fmessages"))
        #expect(rejected.status == .badRequest)
        #expect(String(decoding: rejected.body, as: UTF8.self) == "flowmailer 400 encoded slash")
        // A vendor without a rejection routes such a path as usual (here: its 404).
        let routed = d.respond(to: Request(method: .GET, target: "/emails%2Fx"))
        #expect(String(decoding: routed.body, as: UTF8.self) == "postflare 404")
        // `%252F` is an encoded percent sign followed by "2F", not an encoded slash.
        #expect(Self.owner("/545%252fmessages") == nil)
    }

    @Test func unknownPathsAreAnsweredByTheInferredVendor() {
        let d = Dispatcher(routers: [Self.postflare, Self.flowmailer, Self.flowdock])
        let r = d.respond(to: Request(method: .GET, target: "/nowhere", headers: ["Authorization": "Bearer re_1"]))
        #expect(String(decoding: r.body, as: UTF8.self) == "postflare 404")
    }

    @Test func serverErrorsAreRenderedByTheVendorElseGenerically() throws {
        let d = Dispatcher(routers: [Self.postflare, Self.flowmailer, Self.flowdock])
        let named = d.errorResponse(
            for: Request(method: .POST, target: "/flows/a/b/messages"),
            status: .contentTooLarge,
            message: "big"
        )
        #expect(named.status == .contentTooLarge)
        #expect(String(decoding: named.body, as: UTF8.self) == "flowdock 413 big")
        let generic = d.errorResponse(for: Request(method: .GET, target: "/"), status: .badRequest, message: "bad")
        #expect(generic.status == .badRequest)
        let body = try JSON.parse(generic.body)
        #expect(body["error"] == "Bad Request")
        #expect(body["message"] == "bad")
    }
}
