// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// The authenticated Flowdock user (flow tokens and Push tokens are resolved per route, from the body).
struct FlowdockUser: RequestIdentity {
    var id: Int
    var tenant: String { String(id) }
}

/// CORS for browser clients when the request has an `Origin` (§2.2): answers preflights and decorates every
/// other answer, errors included. The outermost middleware, so it also sees the authentication's 401s.
struct FlowdockCORSMiddleware: Middleware {
    func handle(_ request: Request, next: (Request) -> Response) throws -> Response {
        guard let origin = request.headers["Origin"] else { return next(request) }
        var response = request.method.rawValue == "OPTIONS" ? Response(status: .ok) : next(request)
        FlowdockAuthMiddleware.addCORS(&response, origin: origin)
        return response
    }
}

/// Authenticates users (§1.1) and names them in `Flowdock-User` on every authenticated answer, error
/// answers included (§1.2).
struct FlowdockAuthMiddleware: Middleware {
    let store: FlowdockStore

    func handle(_ request: Request, next: (Request) -> Response) throws -> Response {
        guard let userID = try authenticate(request) else { return next(request) }
        var authenticated = request
        authenticated.identity = FlowdockUser(id: userID)
        var response = next(authenticated)
        // No `Flowdock-User` on a 401: there is no authenticated user to name (§1.3).
        if response.status != .unauthorized {
            response.headers.replaceOrAdd(name: "Flowdock-User", value: String(userID))
        }
        return response
    }

    /// The user named by `Authorization` or `?access_token=`; nil when the request carries neither
    /// (a `flow_token` may still authorize it); 401 when it carries credentials that match nobody.
    func authenticate(_ request: Request) throws -> Int? {
        if let (scheme, credentials) = Credentials.split(request.headers["Authorization"]) {
            switch scheme.lowercased() {
            case "basic": return try basic(Credentials.basic(encoded: credentials))
            case "bearer": return try bearer(credentials)
            default: throw FlowdockError.unauthorized("Unsupported authorization scheme")
            }
        }
        if let token = request.query("access_token") { return try bearer(token) }
        return nil
    }

    /// Basic: a personal API token as the username with any password, or email/password (§1.1). Userinfo
    /// taken from a URL may arrive still percent-encoded ("remember to URI encode them", docs/rest.md), so
    /// the decoded form is tried after the raw one.
    private func basic(_ credentials: Credentials.Basic) throws -> Int {
        guard case .userPassword(let name, let password) = credentials else {
            throw FlowdockError.unauthorized("Malformed Basic credentials")
        }
        let found = try store.withState { state -> Int? in
            if let user = state.user(withToken: name) { return user.id }
            if let user = state.user(withEmail: name, password: password) { return user.id }
            let decodedName = URLCoding.percentDecode(name)
            let decodedPassword = URLCoding.percentDecode(password)
            if let user = state.user(withToken: decodedName) { return user.id }
            return state.user(withEmail: decodedName, password: decodedPassword)?.id
        }
        guard let found else { throw FlowdockError.unauthorized("Invalid credentials") }
        return found
    }

    /// OAuth 2.0 bearer tokens. The emulator has no OAuth server of its own here, so a user's API tokens
    /// double as access tokens [I].
    private func bearer(_ token: String) throws -> Int {
        let found = try store.withState { state in state.user(withToken: token)?.id }
        guard let found else { throw FlowdockError.unauthorized("Invalid access token") }
        return found
    }

    static func addCORS(_ response: inout Response, origin: String) {
        response.headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: origin)
        response.headers.replaceOrAdd(
            name: "Access-Control-Allow-Methods",
            value: "POST, PUT, PATCH, DELETE, GET, OPTIONS"
        )
        response.headers.replaceOrAdd(
            name: "Access-Control-Allow-Headers",
            value: "Origin, Accept, Content-type, Authorization, X-CSRF-Token, X-Requested-With, X-Prototype-Version"
        )
        // Browser clients read Flowdock-User from responses (§1.2), so expose it cross-origin.
        response.headers.replaceOrAdd(name: "Access-Control-Expose-Headers", value: "Flowdock-User, Link")
    }
}

/// Who is asking, for handlers.
enum Access {
    /// The request's parameters and its principal: the authenticated user, or a source through `flow_token`
    /// (query or body, §1.1; the body's wins). Credentials are checked before the body is parsed, so that
    /// an unauthenticated caller cannot make the server parse a large body for nothing; only a request with
    /// no credential outside its body has it parsed to look for one.
    static func principal(_ request: Request, store: FlowdockStore) throws -> (Input, Principal) {
        if let user = request.identity(as: FlowdockUser.self) { return (try Body.parse(request), .user(user.id)) }
        let queryToken = request.query("flow_token").flatMap { $0.isEmpty ? nil : $0 }
        let queryPrincipal = try queryToken.map { try source(token: $0, store: store) }
        let input = try Body.parse(request)
        guard let token = input.string("flow_token") ?? queryToken, !token.isEmpty else {
            throw FlowdockError.unauthorized("Authentication required")
        }
        if let queryPrincipal, token == queryToken { return (input, queryPrincipal) }
        return (input, try source(token: token, store: store))
    }

    private static func source(token: String, store: FlowdockStore) throws -> Principal {
        let source = try store.withState { state in state.source(withToken: token) }
        guard let source else { throw FlowdockError.unauthorized("Invalid flow_token") }
        // "you will start receiving a 410 GONE response when posting messages using the flow_token".
        if source.removed { throw FlowdockError.gone("Source has been removed") }
        return .source(source.id)
    }

    /// The authenticated user; flow tokens are "not linked to any user" and cannot call user endpoints.
    static func user(_ request: Request) throws -> Int {
        guard let user = request.identity(as: FlowdockUser.self) else {
            throw FlowdockError.unauthorized("Authentication required")
        }
        return user.id
    }

    /// `https://host[:port]` of this request, for absolute URLs (`url`, `Link`); the real API's host
    /// when the request has none (router tests).
    static func base(_ request: Request) -> String { request.externalBaseURL(default: "https://api.flowdock.com") }
}
