// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

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

        public init(
            rateLimitPerSecond: Int = 10, invalidKeyStatus: Int = 400, dailyQuota: Int? = nil,
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

    let store: PostflareStore
    let options: Options
    let rateLimiter: RateLimitGate
    let fixtures: JSON
    let webhookRetries = WebhookRetryQueue()

    /// - Parameters:
    ///   - clock: the emulator clock every timestamp, schedule and e-mail life follows.
    ///   - fixtures: the parsed `fixtures/postflare.json`, or nil for the built-in default team.
    ///   - options: rate limit, invalid-key status and quotas.
    public init(clock: EmulatorClock, fixtures: JSON?, options: Options = Options()) throws {
        self.store = PostflareStore(clock: clock)
        self.options = options
        self.fixtures = fixtures ?? PostflareFixtures.defaultFixtures
        let teams = try PostflareFixtures.load(self.fixtures, into: store)
        self.rateLimiter = RateLimitGate(defaultLimit: options.rateLimitPerSecond, teamLimits: teams, clock: clock)
        muteFilteredFixtureWebhooks()
    }

    /// Forgets everything the API created and reloads the fixtures (rate-limit windows and idempotency
    /// keys included), for the emulator's reset. Fixture ids and keys stay the same.
    public func reset() {
        try? store.withState { $0 = PostflareStore.State() }
        store.idempotency.reset()
        webhookRetries.reset()
        rateLimiter.reset()
        // The fixtures loaded once at start-up, so loading them again cannot fail.
        _ = try? PostflareFixtures.load(fixtures, into: store)
        muteFilteredFixtureWebhooks()
    }

    /// Whether events are generated for `endpoint` (`Options.webhookEndpointFilter`).
    func receivesEvents(_ endpoint: String) -> Bool { options.webhookEndpointFilter?(endpoint) ?? true }

    /// Applies `webhookEndpointFilter` to the webhooks the fixtures just created.
    private func muteFilteredFixtureWebhooks() {
        guard options.webhookEndpointFilter != nil else { return }
        try? store.withState { state in
            for (teamId, team) in state.teams {
                for (id, hook) in team.webhooks {
                    state.teams[teamId]?.webhooks[id]?.muted = !receivesEvents(hook.endpoint)
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
        r.internalError = { _, error in
            if let e = error as? PostflareError { return e.response }
            return PostflareError.applicationError.response
        }
        r.claims = { request in
            if let host = request.host, host == "api.postflare.app" || host == "api.resend.com" { return true }
            guard let first = request.pathSegments.first else { return false }
            return PostflareAPI.resourceNames.contains(first)
        }
        addEmailRoutes(&r)
        addDomainRoutes(&r)
        addAPIKeyRoutes(&r)
        addContactRoutes(&r)
        addSegmentRoutes(&r)
        addTopicRoutes(&r)
        addTemplateRoutes(&r)
        addBroadcastRoutes(&r)
        addWebhookRoutes(&r)
        addSuppressionRoutes(&r)
        addLogRoutes(&r)
        addEventRoutes(&r)
        addAutomationRoutes(&r)
        return r
    }

    /// Registers `handler` with access to the caller's principal.
    func route(
        _ r: inout Router, _ method: HTTPMethod, _ template: String,
        _ handler: @escaping @Sendable (PostflareAPI, Request, Principal) throws -> Response
    ) {
        r.add(method, template) { [self] request in
            guard let principal = AuthMiddleware.principal(of: request) else { throw PostflareError.missingAPIKey }
            return try handler(self, request, principal)
        }
    }
}

/// Success answers: JSON with the content type every SDK insists on, never with a `statusCode` key.
func ok(_ value: JSON, status: Int = 200) -> Response {
    .json(value, status: HTTPStatus(status), contentType: jsonContentType)
}
