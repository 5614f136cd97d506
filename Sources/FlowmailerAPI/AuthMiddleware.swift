// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// Bearer-token check for every `/{account_id}/…` request (spec §4.2): 401 with an OAuth body and
/// `WWW-Authenticate` when the token is missing, unknown or expired; 403 when it belongs to another account
/// or its credential holds only `FEATURE_SUBMITMESSAGE` and this is not a submit.
struct AuthMiddleware: Middleware {
    let tokens: TokenStore

    static let accountKey = "flowmailer.account"
    static let sourceKey = "flowmailer.source"

    func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response {
        if PathPrefix.isOAuth(request) { return try next(request) }
        let segments = PathPrefix.segments(request)
        guard let auth = request.headers["Authorization"], auth.count > 7, auth.prefix(7).lowercased() == "bearer "
        else {
            throw Self.unauthorized("unauthorized", "Full authentication is required to access this resource")
        }
        let token = auth.dropFirst(7).trimmingSpaces()
        let principal: Principal
        switch tokens.lookup(token) {
        case .valid(let p): principal = p
        case .expired: throw Self.unauthorized("invalid_token", "Access token expired: \(token)")
        case .unknown: throw Self.unauthorized("invalid_token", "Invalid access token: \(token)")
        }
        // `POST /accounts` (spec §5.2 #2) is the one call outside an account; it needs a full-access credential.
        let isAccountCreation = segments.count == 1 && segments[0] == "accounts"
        // A token is bound to its account: another account id in the path is forbidden, not unknown.
        if let account = segments.first, account != principal.account, !isAccountCreation {
            throw FlowmailerError.forbidden("Access is denied to account \(account)")
        }
        if principal.isSubmitOnly {
            let isSubmit =
                request.method == .POST && segments.count == 3 && segments[1] == "messages" && segments[2] == "submit"
            if !isSubmit { throw FlowmailerError.forbidden("Access is denied: credentials only allow message submit") }
        }
        var authorized = request
        authorized.context[Self.accountKey] = principal.account
        authorized.context[Self.sourceKey] = principal.sourceId ?? ""
        return try next(authorized)
    }

    static func unauthorized(_ error: String, _ description: String) -> HTTPError {
        // Spring Security OAuth2 resource-server answer (spec §4.2, inferred); clients only need the 401.
        let challenge = "Bearer realm=\"flowmailer\", error=\"\(error)\", error_description=\"\(description)\""
        return FlowmailerError.oauth(
            .unauthorized, error: error, description: description, headers: ["WWW-Authenticate": challenge])
    }
}

/// Optional per-account request limit (`--flowmailer-rate-limit`); Flowmailer documents none (spec §4.3).
struct RateLimitMiddleware: Middleware {
    let limiter: RateLimiter

    func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response {
        guard limiter.isEnabled, let account = request.context[AuthMiddleware.accountKey] else {
            return try next(request)
        }
        let decision = limiter.check(account)
        guard decision.allowed else {
            var response = FlowmailerError.response(
                .tooManyRequests,
                [
                    FieldError(
                        code: "ratelimit.exceeded",
                        defaultMessage: "Too many requests, retry after \(decision.resetSeconds) s")
                ])
            response.headers.add(name: "Retry-After", value: String(decision.resetSeconds))
            return response
        }
        return try next(request)
    }
}
