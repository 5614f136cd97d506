// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// Bearer-token check for every `/{account_id}/…` request (spec §4.2): 401 with an OAuth body and
/// `WWW-Authenticate` when the token is missing, unknown or expired; 403 when it belongs to another account
/// or its credential holds only `FEATURE_SUBMITMESSAGE` and this is not a submit.
struct AuthMiddleware: Middleware {
    let tokens: TokenStore

    func handle(_ request: Request, next: (Request) -> Response) throws -> Response {
        if FlowmailerAPI.isOAuth(request) { return next(request) }
        guard let token = Credentials.bearer(request.headers) else {
            throw Self.unauthorized("unauthorized", "Full authentication is required to access this resource")
        }
        let principal: Principal
        switch tokens.lookup(token) {
        case .valid(let p): principal = p
        case .expired: throw Self.unauthorized("invalid_token", "Access token expired: \(token)")
        case .unknown: throw Self.unauthorized("invalid_token", "Invalid access token: \(token)")
        }
        // A token is bound to its account: another account id in the path is forbidden, not unknown. `POST
        // /accounts` (spec §5.2 #2), the one call outside an account, has no `account_id` and needs full access.
        if let account = request.pathParameters["account_id"], account != principal.account {
            throw FlowmailerError.forbidden("Access is denied to account \(account)")
        }
        if principal.isSubmitOnly {
            let isSubmit = request.method == .POST && request.route == "/{account_id}/messages/submit"
            if !isSubmit { throw FlowmailerError.forbidden("Access is denied: credentials only allow message submit") }
        }
        var authorized = request
        authorized.identity = principal
        return next(authorized)
    }

    static func unauthorized(_ error: String, _ description: String) -> HTTPError {
        // Spring Security OAuth2 resource-server answer (spec §4.2, inferred); clients only need the 401.
        let challenge = "Bearer realm=\"flowmailer\", error=\"\(error)\", error_description=\"\(description)\""
        return FlowmailerError.oauth(
            .unauthorized,
            error: error,
            description: description,
            headers: ["WWW-Authenticate": challenge]
        )
    }
}

/// Optional per-account request limit (`--flowmailer-rate-limit`); Flowmailer documents none (spec §4.3).
struct RateLimitMiddleware: Middleware {
    let limiter: RateLimiter

    func handle(_ request: Request, next: (Request) -> Response) throws -> Response {
        guard limiter.isEnabled, let account = request.identity?.tenant else { return next(request) }
        let decision = limiter.check(account)
        guard decision.allowed else {
            var response = FlowmailerError.response(
                .tooManyRequests,
                [
                    FieldError(
                        code: "ratelimit.exceeded",
                        defaultMessage: "Too many requests, retry after \(decision.resetSeconds) s"
                    )
                ]
            )
            response.headers.add(name: "Retry-After", value: String(decision.resetSeconds))
            return response
        }
        return next(request)
    }
}
