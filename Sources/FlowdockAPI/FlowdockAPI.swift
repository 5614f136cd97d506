// SPDX-License-Identifier: Apache-2.0
public import EmulatorKit
public import HTTPCore
public import Routing

/// The Flowdock REST API emulator (`api.flowdock.com`): flows, messages, comments, threads, users,
/// organizations, private conversations, sources, invitations and files, with Basic/token/OAuth auth.
public final class FlowdockAPI: Sendable {
    /// Tunables; the defaults follow the documented master shapes.
    public struct Options: Sendable {
        /// Whether organization objects include the `users` array of the documented master shape (§4.4).
        public var organizationUsers = true
        /// Messages kept per flow; beyond it the oldest are dropped (`--max-messages`).
        public var maxMessagesPerFlow = 100_000
        /// Seconds between keep-alives on a Streaming API connection (§3.11).
        public var streamHeartbeatSeconds = 30.0

        public init() {}
    }

    public static let vendorName = "flowdock"

    let store: FlowdockStore
    let options: Options
    /// The state as the fixtures made it: `reset()` assigns it back.
    let seed: State
    /// Organizations `POST /_emulator/tenants` made; each seed holds just its organization, user, flow and
    /// source, as they were made (what `reset(tenant:)` puts back).
    let provisioned = ProvisionedTenants<State>()

    /// - Parameters:
    ///   - clock: the emulator's clock; message `sent`/`created_at` follow it.
    ///   - fixtures: the parsed `fixtures/flowdock.json`, or nil for an empty emulator.
    ///   - options: tunables.
    ///   - changes: the change feed posted messages are announced on (a private one when nil).
    /// - Throws: `FixtureError` when the fixtures are inconsistent.
    public init(clock: EmulatorClock, fixtures: JSON?, options: Options = Options(), changes: ChangeFeed? = nil) throws
    {
        var seed = try FixtureLoader.load(fixtures, now: clock.nowMillis())
        seed.maxMessagesPerFlow = max(1, options.maxMessagesPerFlow)
        self.seed = seed
        self.store = FlowdockStore(clock: clock, state: seed, changes: changes ?? ChangeFeed(clock: clock))
        self.options = options
    }

    /// Forgets everything posted or changed and restores the fixtures (for the emulator's reset control).
    public func reset() {
        store.replace(with: seed)
        provisioned.removeAll()
        store.changes.append(.reset, vendor: Self.vendorName, tenant: "", id: "")
    }

    /// Hosts and first path segments that belong to Flowdock, for 404s no route matched.
    static let segments: Set<String> = [
        "flows", "users", "user", "organizations", "private", "messages", "sources", "files", "v1", "comments",
    ]

    /// Router with every Flowdock route (also under `/v1/`), its middleware, and Flowdock-format
    /// 404/405/500 answers. Its `claims` returns true for Host `api.flowdock.com` or a Flowdock first segment.
    public func makeRouter() -> Router {
        var routes = Routes()
        registerMessageRoutes(&routes)
        registerThreadRoutes(&routes)
        registerFlowLinkRoutes(&routes)
        registerPushRoutes(&routes)
        registerFlowRoutes(&routes)
        registerUserRoutes(&routes)
        registerOrganizationRoutes(&routes)
        registerPrivateRoutes(&routes)
        registerSourceRoutes(&routes)
        registerInvitationRoutes(&routes)
        registerFileRoutes(&routes)
        var router = routes.router
        router.use(FlowdockCORSMiddleware())
        router.use(FlowdockAuthMiddleware(store: store))
        router.notFound = { _ in .json(["message": "Not found"], status: .notFound) }
        router.methodNotAllowed = { request, _ in
            .json(["message": .string("Method \(request.method) not allowed")], status: .methodNotAllowed)
        }
        router.internalError = { _, _ in .json(["message": "Internal server error"], status: .internalServerError) }
        router.errorResponse = { _, status, message in .json(["message": .string(message)], status: status) }
        router.credentials = [.basic, .queryParameter("access_token")]
        // `Authorization: Bearer <user token>` (OAuth 2.0 bearer use of the API token) names Flowdock anywhere.
        router.issuedBearer = { [store] token in (try? store.withState { $0.user(withToken: token) != nil }) == true }
        router.hosts = ["api.flowdock.com", FlowdockAPI.streamHost]
        router.claims = { request in
            if request.host == "api.flowdock.com" || request.host == FlowdockAPI.streamHost { return true }
            guard let first = request.pathSegments.first else { return false }
            return FlowdockAPI.segments.contains(first)
        }
        return router
    }

    /// Runs `body` with the request's parameters, principal and the store's state (one lock). Credentials
    /// outside the body are checked before the body is parsed (`Access.principal`).
    func withPrincipal(
        _ request: Request,
        _ body: (inout State, Input, Principal, String) throws -> Response
    ) throws -> Response {
        let (input, principal) = try Access.principal(request, store: store)
        let base = Access.base(request)
        return try store.withState { state in try body(&state, input, principal, base) }
    }

    /// As `withPrincipal`, for endpoints that need a user (flow tokens cannot call them). The user is
    /// required before the body is parsed.
    func withUser(_ request: Request, _ body: (inout State, Input, Int, String) throws -> Response) throws -> Response {
        let user = try Access.user(request)
        let input = try Body.parse(request)
        let base = Access.base(request)
        return try store.withState { state in try body(&state, input, user, base) }
    }
}

/// Route registration: every route also under `/v1` (the official gem's base URL, §2.1), and every
/// update under both PUT (what the endpoint pages and clients use) and PATCH (what docs/rest.md says, §2.3).
struct Routes {
    var router = Router()

    mutating func add(_ method: HTTPMethod, _ path: String, _ handler: @escaping Handler) {
        router.add(method, path, handler)
        router.add(method, "/v1" + path, handler)
    }

    mutating func get(_ path: String, _ handler: @escaping Handler) { add(.GET, path, handler) }
    mutating func post(_ path: String, _ handler: @escaping Handler) { add(.POST, path, handler) }
    mutating func delete(_ path: String, _ handler: @escaping Handler) { add(.DELETE, path, handler) }
    mutating func update(_ path: String, _ handler: @escaping Handler) {
        add(.PUT, path, handler)
        add(.PATCH, path, handler)
    }
}

extension Response {
    /// `200 {}`, the documented answer of several updates.
    static var emptyObject: Response { .json(.object(JSONObject())) }
}
