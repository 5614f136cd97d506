// SPDX-License-Identifier: Apache-2.0
public import EmulatorKit
public import HTTPCore
public import Routing

let jsonContentType = "application/json; charset=utf-8"

/// The Postflare (Resend-compatible) e-mail API: emails, domains, API keys, audiences/segments, contacts,
/// topics, contact properties, templates, broadcasts and webhooks, each team an isolated tenant.
public final class PostflareAPI: Sendable {
    /// Runtime knobs (CLI flags of the server).
    public struct Options: Sendable {
        /// Requests per second per team (`--postflare-rate-limit`); 0 turns limiting (and its headers) off.
        public var rateLimitPerSecond: Int
        /// HTTP status for an unknown or deleted key: 400 (default, observed `validation_error`), 401
        /// (`validation_error`) or 403 (documented `invalid_api_key`). See spec §3.4.
        public var invalidKeyStatus: Int
        /// E-mails per team per day / per 30 days; nil means unlimited.
        public var dailyQuota: Int?
        public var monthlyQuota: Int?
        /// Which webhook endpoints events are generated for; nil = all. A server passes one that refuses the
        /// endpoints it will never contact (and every endpoint when it delivers nothing), so that no e-mail is
        /// followed and no delivery is signed for them: that work would otherwise cost every send.
        public var webhookEndpointFilter: (@Sendable (_ endpoint: String) -> Bool)?
        /// Called, on the request's thread, when background work was queued (a contact import): a server
        /// wakes the thread that calls `processPendingWork(budget:)`.
        public var onPendingWork: (@Sendable () -> Void)?
        /// E-mails kept per team; beyond it the oldest are dropped (`--max-messages`).
        public var maxEmailsPerTeam = 100_000

        public init(
            rateLimitPerSecond: Int = 10,
            invalidKeyStatus: Int = 400,
            dailyQuota: Int? = nil,
            monthlyQuota: Int? = nil
        ) {
            self.rateLimitPerSecond = rateLimitPerSecond
            self.invalidKeyStatus = [400, 401, 403].contains(invalidKeyStatus) ? invalidKeyStatus : 400
            self.dailyQuota = dailyQuota
            self.monthlyQuota = monthlyQuota
        }
    }

    /// The first path segments that belong to this API (for `claims`).
    static let resourceNames: Set<String> = [
        "emails", "domains", "api-keys", "audiences", "contacts", "segments", "topics", "templates", "broadcasts",
        "webhooks", "contact-properties", "suppressions", "logs", "automations", "events",
    ]

    public static let vendorName = "postflare"

    let store: PostflareStore
    let options: Options
    let rateLimiter: RateLimitGate
    /// The state as the fixtures made it: `reset()` assigns it back.
    let seed: PostflareStore.State
    let webhookRetries = WebhookRetryQueue()
    let webhookReplays = WebhookReplayQueue()
    /// Where sent e-mails are announced (shared by every vendor of one emulator).
    let changes: ChangeFeed
    /// `last_event` changes of sent e-mails not yet announced on the feed.
    let dueEvents = DueEventQueue()
    /// The fixtures' first team, which provisioned tenants copy.
    let templateTeam: String?
    /// Teams `POST /_emulator/tenants` made, with the state each was made with.
    let provisioned = ProvisionedTenants<Team>()

    /// - Parameters:
    ///   - clock: the emulator clock every timestamp, schedule and e-mail life follows.
    ///   - fixtures: the parsed `fixtures/postflare.json`, or nil for the built-in default team.
    ///   - options: rate limit, invalid-key status and quotas.
    ///   - changes: the change feed sent e-mails are announced on (a private one when nil).
    public init(clock: EmulatorClock, fixtures: JSON?, options: Options = Options(), changes: ChangeFeed? = nil) throws
    {
        let store = PostflareStore(clock: clock)
        let (teams, first) = try PostflareFixtures.load(fixtures ?? PostflareFixtures.defaultFixtures, into: store)
        self.templateTeam = first
        if let filter = options.webhookEndpointFilter { Self.mute(store, webhooksNotMatching: filter) }
        try? store.withState { state throws(PostflareError) in
            for i in state.teams.values.indices { state.teams.values[i].emailLimit = max(1, options.maxEmailsPerTeam) }
        }
        self.store = store
        self.options = options
        self.seed = (try? store.withState { $0 }) ?? PostflareStore.State()
        self.rateLimiter = RateLimitGate(defaultLimit: options.rateLimitPerSecond, teamLimits: teams, clock: clock)
        self.changes = changes ?? ChangeFeed(clock: clock)
    }

    /// Forgets everything the API created and puts the fixtures' state back (rate-limit windows and
    /// idempotency keys included), for the emulator's reset. Fixture ids and keys stay the same.
    public func reset() {
        var old = self.seed
        try? store.withState { swap(&$0, &old) }
        // Every team's e-mails, freed off the request path and outside the lock.
        DeferredRelease.shared.release(consume old)
        provisioned.removeAll()
        store.idempotency.reset()
        webhookRetries.reset()
        webhookReplays.reset()
        rateLimiter.reset()
        dueEvents.removeAll()
        changes.append(.reset, vendor: Self.vendorName, tenant: "", id: "")
    }

    /// Whether events are generated for `endpoint` (`Options.webhookEndpointFilter`).
    func receivesEvents(_ endpoint: String) -> Bool { options.webhookEndpointFilter?(endpoint) ?? true }

    /// Applies the endpoint filter to the webhooks the fixtures created.
    private static func mute(_ store: PostflareStore, webhooksNotMatching filter: (String) -> Bool) {
        try? store.withState { state in
            for (teamId, team) in state.teams {
                for hook in team.webhooks.values {
                    state.teams[teamId]?.webhooks[hook.id]?.muted = !filter(hook.endpoint)
                }
            }
        }
    }

    /// The router with every Postflare route, its middleware (rate limit, auth, JSON content type) and
    /// Postflare-format 404/405/500 answers.
    public func makeRouter() -> Router {
        var r = Router()
        r.use(ResponseShapeMiddleware())
        r.use(RateLimitMiddleware(api: self))
        r.use(AuthMiddleware(api: self))
        r.use(LogMiddleware(api: self))
        r.notFound = { _ in PostflareError.routeNotFound.response }
        r.methodNotAllowed = { _, _ in PostflareError.methodNotAllowed.response }
        r.internalError = { _, _ in PostflareError.applicationError.response }
        // Errors the HTTP layer raises, named as Resend's SDKs expect; what Resend answers to an oversized body
        // or a malformed head is not recorded (spec §3.2) [I]: other 4xx are `validation_error`, 5xx
        // `application_error` (resend-python maps both, spec §3.5).
        // A 429 (only a fault asks for one here) is `rate_limit_exceeded` with the `ratelimit-*` and
        // `retry-after` headers the limiter sends (limit: the configured one, else Resend's documented 10); a 503
        // is `service_unavailable`, the name on Resend's errors page since 2026-08 (spec §3.2).
        let limit = rateLimiter.defaultLimiter.isEnabled ? rateLimiter.defaultLimiter.limit : 10
        r.errorResponse = { _, status, message in
            let name =
                switch status.code {
                case 404: "not_found"
                case 405: "method_not_allowed"
                case 429: "rate_limit_exceeded"
                case 503: "service_unavailable"
                case 500...: "application_error"
                default: "validation_error"
                }
            var response = PostflareError(status.code, name, message).response  // `.json`: always application/json
            if status.code == 429 {
                response.headers.replaceOrAdd(name: "ratelimit-limit", value: String(limit))
                response.headers.replaceOrAdd(name: "ratelimit-remaining", value: "0")
                response.headers.replaceOrAdd(name: "ratelimit-reset", value: "1")
                response.headers.replaceOrAdd(name: "ratelimit-policy", value: "\(limit);w=1")
                response.headers.replaceOrAdd(name: "retry-after", value: "1")
            }
            return response
        }
        r.credentials = [.bearerPrefix("re_")]
        r.hosts = ["api.postflare.app", "api.resend.com"]
        r.claims = { request in
            if let host = request.host, host == "api.postflare.app" || host == "api.resend.com" { return true }
            guard let first = request.pathSegments.first else { return false }
            return PostflareAPI.resourceNames.contains(first)
        }
        addRoutes(&r)
        return r
    }

    /// Every resource's routes, in the order they have always been registered.
    func addRoutes(_ r: inout Router) {
        addEmailRoutes(&r)
        route(&r, Self.domainRoutes + Self.domainClaimRoutes)
        addAPIKeyRoutes(&r)
        addContactRoutes(&r)
        addSegmentRoutes(&r)
        for table in Self.routeTables { route(&r, table) }
    }

    /// The resources whose routes are all data (see `PostflareRoute`).
    static let routeTables = [
        topicRoutes, contactPropertyRoutes, templateRoutes, broadcastRoutes, broadcastStatsRoutes, webhookRoutes,
        webhookEventRoutes,
        suppressionRoutes, logRoutes, eventRoutes, automationRoutes,
    ]

    /// Registers `handler` with access to the caller's principal.
    func route(
        _ r: inout Router,
        _ method: HTTPMethod,
        _ template: String,
        _ handler: @escaping @Sendable (PostflareAPI, Request, Principal) throws -> Response
    ) {
        r.add(method, template) { [self] request in
            guard let principal = AuthMiddleware.principal(of: request) else { throw PostflareError.missingAPIKey }
            return try handler(self, request, principal)
        }
    }

    /// Registers a resource's route table (see `PostflareRoute`).
    func route(_ r: inout Router, _ table: [PostflareRoute]) {
        for entry in table {
            let handler = entry.handler
            route(&r, entry.method, entry.template) { api, req, p in try handler(api)(req, p) }
        }
    }
}

/// A route as data: its method, its template and the `PostflareAPI` handler method that answers it, e.g.
/// `(.POST, "/templates", PostflareAPI.createTemplate)`. Handlers see the caller's principal.
typealias PostflareRoute = (method: HTTPMethod, template: String, handler: PostflareHandler)
typealias PostflareHandler = @Sendable (PostflareAPI) -> @Sendable (Request, Principal) throws -> Response

/// Success answers: JSON with the content type every SDK insists on, never with a `statusCode` key.
func ok(_ value: JSON, status: Int = 200) -> Response {
    .json(value, status: HTTPStatus(status), contentType: jsonContentType)
}
