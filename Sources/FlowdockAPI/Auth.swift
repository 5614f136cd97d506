// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// Authenticates users (§1.1) and decorates every answer: `Flowdock-User` on authenticated responses,
/// error responses included (§1.2), and CORS headers when the request has an `Origin` (§2.2).
struct FlowdockAuthMiddleware: Middleware {
    static let userKey = "flowdock.user"
    let store: FlowdockStore

    func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response {
        let origin = request.headers["Origin"]
        if request.method.rawValue == "OPTIONS", let origin {
            var preflight = Response(status: .ok)
            Self.addCORS(&preflight, origin: origin)
            return preflight
        }
        var authenticated = request
        var response: Response
        do {
            if let userID = try authenticate(request) {
                authenticated.context[Self.userKey] = String(userID)
            }
            response = try next(authenticated)
        } catch let error as HTTPError {
            response = error.response
        }
        // No `Flowdock-User` on a 401: there is no authenticated user to name (§1.3).
        if let user = authenticated.context[Self.userKey], response.status != .unauthorized {
            response.headers.replaceOrAdd(name: "Flowdock-User", value: user)
        }
        if let origin { Self.addCORS(&response, origin: origin) }
        return response
    }

    /// The user named by `Authorization` or `?access_token=`; nil when the request carries neither
    /// (a `flow_token` may still authorize it); 401 when it carries credentials that match nobody.
    func authenticate(_ request: Request) throws -> Int? {
        if let header = request.headers["Authorization"] {
            let parts = header.trimmingSpaces().split(separator: " ", maxSplits: 1)
            let scheme = parts.first.map { $0.lowercased() } ?? ""
            let credentials = parts.count == 2 ? parts[1].trimmingSpaces() : ""
            switch scheme {
            case "basic": return try basic(credentials)
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
    private func basic(_ credentials: String) throws -> Int {
        guard let bytes = Base64.decode(credentials) else {
            throw FlowdockError.unauthorized("Malformed Basic credentials")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let (name, password): (String, String)
        if let colon = text.firstIndex(of: ":") {
            (name, password) = (String(text[..<colon]), String(text[text.index(after: colon)...]))
        } else {
            (name, password) = (text, "")
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
        response.headers.replaceOrAdd(name: "Access-Control-Allow-Methods", value: "POST, PUT, PATCH, DELETE, GET, OPTIONS")
        response.headers.replaceOrAdd(
            name: "Access-Control-Allow-Headers",
            value: "Origin, Accept, Content-type, Authorization, X-CSRF-Token, X-Requested-With, X-Prototype-Version")
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
        if let id = request.context[FlowdockAuthMiddleware.userKey].flatMap({ Int($0) }) {
            return (try Body.parse(request), .user(id))
        }
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
        guard let id = request.context[FlowdockAuthMiddleware.userKey].flatMap({ Int($0) }) else {
            throw FlowdockError.unauthorized("Authentication required")
        }
        return id
    }

    /// `https://host[:port]` of this request, for absolute URLs (`url`, `Link`); the real API's host
    /// when the request has none (router tests).
    static func base(_ request: Request) -> String {
        guard let host = request.headers["Host"], !host.isEmpty else { return "https://api.flowdock.com" }
        return (request.isSecure ? "https://" : "http://") + host
    }
}
