// SPDX-License-Identifier: Apache-2.0
public import EmulatorKit
public import HTTPCore
public import Routing

/// The Flowmailer (SendPro) REST API v1.12 emulator: OAuth2 client-credentials tokens, the account-scoped
/// `/{account_id}/…` resources, `Range` paging and the `allErrors` error format. State is per account and
/// lives on the emulator clock (a submitted message is delivered as the clock moves, without timers).
public final class FlowmailerAPI: Sendable {
    /// Tunables the CLI exposes.
    public struct Options: Sendable {
        /// `expires_in` of issued tokens, in emulator seconds (Flowmailer issues 60, spec §1.2).
        public var tokenLifetimeSeconds: Int
        /// Requests per second per account; 0 disables the limit (`--flowmailer-rate-limit`).
        public var rateLimitPerSecond: Int
        /// Messages kept per account; beyond it the oldest are dropped (`--max-messages`).
        public var maxMessagesPerAccount: Int

        /// - Parameters:
        ///   - tokenLifetimeSeconds: token lifetime in seconds of emulator time.
        ///   - rateLimitPerSecond: per-account request limit, 0 = off.
        ///   - maxMessagesPerAccount: the per-account message cap (at least 1).
        public init(tokenLifetimeSeconds: Int = 60, rateLimitPerSecond: Int = 0, maxMessagesPerAccount: Int = 100_000) {
            self.tokenLifetimeSeconds = tokenLifetimeSeconds
            self.rateLimitPerSecond = rateLimitPerSecond
            self.maxMessagesPerAccount = max(1, maxMessagesPerAccount)
        }
    }

    public static let vendorName = "flowmailer"

    let clock: EmulatorClock
    let options: Options
    let store: Store
    let tokens: TokenStore
    let limiter: RateLimiter
    /// The accounts as the fixtures made them: `reset()` assigns them back.
    let seed: [AccountState]
    /// Where stored messages are announced (shared by every vendor of one emulator).
    let changes: ChangeFeed
    /// Lifecycle events of submitted messages not yet announced on the feed.
    let dueEvents = DueEventQueue()
    /// Webhook POSTs waiting for the app's delivery worker (`Webhooks.swift`).
    let webhookOutbox = WebhookOutbox()
    /// Accounts `POST /_emulator/tenants` made, with the state each was made with.
    let provisioned = ProvisionedTenants<AccountState>()

    /// - Parameters:
    ///   - clock: the emulator clock (token expiry, message life).
    ///   - fixtures: the parsed `fixtures/flowmailer.json`; nil starts with no accounts.
    ///   - options: token lifetime and rate limit.
    ///   - changes: the change feed stored messages are announced on (a private one when nil).
    /// - Throws: when the fixtures do not have the expected shape.
    public init(clock: EmulatorClock, fixtures: JSON?, options: Options = Options(), changes: ChangeFeed? = nil) throws
    {
        self.clock = clock
        self.options = options
        self.seed = try FixtureLoader.accounts(from: fixtures)
        self.store = Store(accounts: seed, maxMessages: options.maxMessagesPerAccount)
        self.tokens = TokenStore(clock: clock)
        self.limiter = RateLimiter(limit: options.rateLimitPerSecond, clock: clock)
        self.changes = changes ?? ChangeFeed(clock: clock)
    }

    /// Forgets everything done since start-up: accounts return to their fixtures, issued tokens and
    /// rate-limit windows are dropped. Other vendors are untouched.
    public func reset() {
        store.replaceAll(with: seed)
        provisioned.removeAll()
        tokens.removeAll()
        limiter.reset()
        dueEvents.removeAll()
        webhookOutbox.removeAll()
        changes.append(.reset, vendor: Self.vendorName, tenant: "", id: "")
    }

    /// The router with every Flowmailer route, its middleware, and Flowmailer-format 404/405/500 answers.
    /// It claims requests for `api.flowmailer.net` / `login.flowmailer.net` and paths whose first segment is
    /// numeric (an account id) or `oauth`.
    public func makeRouter() -> Router {
        var router = Router()
        router.use(AuthMiddleware(tokens: tokens))
        router.use(RateLimitMiddleware(limiter: limiter))
        router.use(MediaTypeMiddleware())
        let oauth = OAuthHandler(
            store: store,
            tokens: tokens,
            clock: clock,
            lifetimeSeconds: options.tokenLifetimeSeconds
        )
        router.post("/oauth/token") { try oauth.token($0) }
        addMessageRoutes(to: &router)
        addMessageListRoutes(to: &router)
        addResourceRoutes(to: &router)
        addFlowRoutes(to: &router)
        addStatsRoutes(to: &router)
        router.notFound = { request in
            FlowmailerError.response(
                .notFound,
                [FieldError(code: "notfound", defaultMessage: "No resource at \(request.rawPath)")]
            )
        }
        router.methodNotAllowed = { request, _ in
            FlowmailerError.response(
                .methodNotAllowed,
                [
                    FieldError(
                        code: "method.notallowed",
                        defaultMessage: "Request method '\(request.method)' not supported"
                    )
                ]
            )
        }
        router.internalError = { _, _ in
            FlowmailerError.response(
                .internalServerError,
                [FieldError(code: "internal", defaultMessage: "Internal Server Error")]
            )
        }
        // Errors the HTTP layer raises (400, 408, 413, 431…) in `allErrors`, coded after the reason phrase; a 429
        // (a fault's) is coded like the optional rate limiter's own.
        router.errorResponse = { request, status, message in
            // The token endpoint is Spring Security OAuth2's: its own failures (a scripted 5xx or 429 among
            // them) are OAuth-shaped, `{"error","error_description"}` (RFC 6749 §5.2 shape; `server_error` is
            // what spring-security-oauth2's exception translator writes for a 5xx; `temporarily_unavailable`,
            // RFC 6749 §4.1.2.1, for an overloaded service: inferred). The HTTP layer's 4xx keep `allErrors`.
            if status.code == 429 || status.code >= 500,
                URLCoding.pathNames(request.rawPath, limit: 1).first == "oauth"
            {
                let error = status.code == 429 || status.code == 503 ? "temporarily_unavailable" : "server_error"
                return FlowmailerError.oauth(status, error: error, description: message).response
            }
            let code = status.code == 429 ? "ratelimit.exceeded" : status.reason.lowercased().filter { $0 != " " }
            return FlowmailerError.response(status, [FieldError(code: code, defaultMessage: message)])
        }
        router.credentials = [.bearerOnOwnRequests, .basicOnOwnRequests]
        // A token this emulator issued names Flowmailer even on a path that says nothing (expired ones too).
        router.issuedBearer = { [tokens] token in tokens.account(of: token) != nil }
        router.mediaTypes = ["application/vnd.flowmailer."]
        // Tomcat, Spring Boot's default container, rejects `%2F` in a path with a 400 before the application
        // (`encodedSolidusHandling="reject"` is its default: tomcat.apache.org/tomcat-10.0-doc/config/http.html),
        // and Spring Security's StrictHttpFirewall rejects it too (`allowUrlEncodedSlash` false; 400 through
        // HttpStatusRequestRejectedHandler, spring-security#7568). The real body is the container's, not
        // documented; `allErrors` with the firewall's text keeps SDKs parsing it.
        router.encodedSlashRejection = (
            .badRequest, "The request was rejected because the URL contained a potentially malicious String \"%2F\""
        )
        router.hosts = ["api.flowmailer.net", "login.flowmailer.net"]
        router.claims = { request in
            if let host = request.host, host == "api.flowmailer.net" || host == "login.flowmailer.net" { return true }
            guard let first = URLCoding.pathNames(request.rawPath, limit: 1).first else { return false }
            return first == "oauth" || (!first.isEmpty && first.utf8AllSatisfy { $0 >= 48 && $0 <= 57 })
        }
        return router
    }

    // MARK: Helpers shared by the route files

    /// A JSON answer in the Flowmailer media type (the media middleware swaps the version when asked).
    static func json(_ value: JSON, status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders()) -> Response {
        .json(value, status: status, headers: headers, contentType: FlowmailerError.contentType)
    }

    /// `201 Created`, empty body, `Location` of the new resource (spec §2.5).
    static func created(_ request: Request, path: String) -> Response {
        var response = Response(status: .created)
        response.headers.add(name: "Location", value: baseURL(request) + path)
        return response
    }

    /// Absolute base URL as the client reached us, else the real API host.
    static func baseURL(_ request: Request) -> String { request.externalBaseURL(default: "https://api.flowmailer.net") }

    /// The token endpoint and anything else under `/oauth`, which need neither a token nor a media type.
    static func isOAuth(_ request: Request) -> Bool { request.routePrefix?.hasPrefix("/oauth") ?? false }

    /// The account in the path (already checked against the token by `AuthMiddleware`).
    static func account(_ request: Request) -> String { request.parameter("account_id") }

    /// The parsed JSON object body, or a 400 `allErrors`.
    static func objectBody(_ request: Request) throws(HTTPError) -> JSONObject {
        let json: JSON
        do { json = try request.jsonBody() } catch {
            throw FlowmailerError.badRequest(code: "message.unreadable", "Could not read JSON: \(error.description)")
        }
        guard let object = json.objectValue else {
            throw FlowmailerError.badRequest(
                code: "message.unreadable",
                "Could not read JSON: expected an object, got \(json.typeName)"
            )
        }
        return object
    }
}
