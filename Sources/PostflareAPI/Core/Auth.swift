// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// Resolves `Authorization: Bearer re_…` to a team and enforces the key's permission (spec §5).
struct AuthMiddleware: Middleware {
    let api: PostflareAPI

    func handle(_ request: Request, next: (Request) -> Response) throws -> Response {
        guard let token = Credentials.bearer(request.headers) else {
            // A header that is present but not a bearer token is as good as missing.
            throw PostflareError.missingAPIKey
        }
        guard let principal = api.store.resolve(token: token) else {
            throw PostflareError.invalidAPIKey(status: api.options.invalidKeyStatus)
        }
        // `sending_access` keys may only send: `POST /emails` and `POST /emails/batch` (the docs' "Can only
        // send emails"; an [O] report that batch is refused is not followed). Everything else is the
        // observed 401 `restricted_api_key`, including unknown routes.
        if principal.permission == "sending_access" {
            let sending = request.method == .POST && (request.route == "/emails" || request.route == "/emails/batch")
            if !sending { throw PostflareError.restrictedAPIKey }
        }
        var authed = request
        authed.identity = principal
        return next(authed)
    }

    static func principal(of request: Request) -> Principal? { request.identity(as: Principal.self) }
}

/// The outermost middleware: guarantees the JSON content type the Python SDK requires on every response,
/// errors included (spec §1, §3.5).
struct ResponseShapeMiddleware: Middleware {
    func handle(_ request: Request, next: (Request) -> Response) throws -> Response {
        var response = next(request)
        if response.deferred == nil {
            response.headers.replaceOrAdd(name: "Content-Type", value: jsonContentType)
            if response.body.isEmpty { response.body = Array("{}".utf8) }
        }
        return response
    }
}
