// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// Resolves `Authorization: Bearer re_…` to a team and enforces the key's permission (spec §5).
struct AuthMiddleware: Middleware {
    let api: PostflareAPI

    static func bearerToken(_ request: Request) -> String? {
        guard let value = request.headers["Authorization"] else { return nil }
        let trimmed = value.trimmingSpaces()
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        let token = trimmed.dropFirst(7).trimmingSpaces()
        return token.isEmpty ? nil : token
    }

    func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response {
        guard let token = Self.bearerToken(request) else {
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
            let segments = request.pathSegments
            let sending =
                request.method == .POST && segments.first == "emails"
                && (segments.count == 1 || (segments.count == 2 && segments[1] == "batch"))
            if !sending { throw PostflareError.restrictedAPIKey }
        }
        var authed = request
        authed.context["pf.team"] = principal.teamId
        authed.context["pf.key"] = principal.keyId
        authed.context["pf.permission"] = principal.permission
        if let d = principal.domainId { authed.context["pf.domain"] = d }
        return try next(authed)
    }

    static func principal(of request: Request) -> Principal? {
        guard let team = request.context["pf.team"], let key = request.context["pf.key"],
            let permission = request.context["pf.permission"]
        else { return nil }
        return Principal(teamId: team, keyId: key, permission: permission, domainId: request.context["pf.domain"])
    }
}

/// The outermost middleware: turns every thrown error into a Postflare error body and guarantees the JSON
/// content type the Python SDK requires on every response (spec §1, §3.5).
struct ResponseShapeMiddleware: Middleware {
    func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response {
        var response: Response
        do {
            response = try next(request)
        } catch let error as PostflareError {
            response = error.response
        } catch let error as HTTPError {
            response = error.response
        } catch {
            response = PostflareError.applicationError.response
        }
        if response.deferred == nil {
            response.headers.replaceOrAdd(name: "Content-Type", value: jsonContentType)
            if response.body.isEmpty { response.body = Array("{}".utf8) }
        }
        return response
    }
}
