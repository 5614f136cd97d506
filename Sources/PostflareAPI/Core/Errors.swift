// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// A Postflare/Resend error: `{"statusCode","message","name"}` with the HTTP status equal to `statusCode`
/// (spec §3.1, key order as recorded on the wire).
struct PostflareError: HTTPResponseError, Sendable {
    var status: Int
    var name: String
    var message: String
    var headers: HTTPHeaders = HTTPHeaders()

    init(_ status: Int, _ name: String, _ message: String) {
        self.status = status
        self.name = name
        self.message = message
    }

    var body: JSON {
        ["statusCode": .int(Int64(status)), "message": .string(message), "name": .string(name)]
    }

    var response: Response {
        .json(body, status: HTTPStatus(status), headers: headers)
    }

    var httpError: HTTPError { HTTPError(response) }
}

/// The documented error names with their statuses and verbatim messages (spec §3.2, §3.3). Where the
/// observed wire text differs from the errors page, the observed text wins (spec §11).
extension PostflareError {
    // 401 — observed without a trailing period (spec §3.3).
    static let missingAPIKey = PostflareError(401, "missing_api_key", "Missing API key in the authorization header")
    static let restrictedAPIKey = PostflareError(
        401,
        "restricted_api_key",
        "This API key is restricted to only send emails"
    )

    static func invalidAPIKey(status: Int) -> PostflareError {
        // Spec §3.4: the errors page says 403 `invalid_api_key`, the wire says 400 `validation_error`.
        status == 403
            ? PostflareError(403, "invalid_api_key", "API key is invalid")
            : PostflareError(status, "validation_error", "API key is invalid")
    }

    static let routeNotFound = PostflareError(404, "not_found", "The requested endpoint does not exist.")
    static let methodNotAllowed = PostflareError(
        405,
        "method_not_allowed",
        "Method is not allowed for the requested path."
    )
    static let applicationError = PostflareError(500, "application_error", "An unexpected error occurred.")

    static let invalidIdempotencyKey = PostflareError(
        400,
        "invalid_idempotency_key",
        "The key must be between 1-256 chars."
    )
    static let invalidIdempotentRequest = PostflareError(
        409,
        "invalid_idempotent_request",
        "Same idempotency key used with a different request payload."
    )
    static let concurrentIdempotentRequests = PostflareError(
        409,
        "concurrent_idempotent_requests",
        "Same idempotency key used while original request is still in progress."
    )

    static let invalidAttachment = PostflareError(
        422,
        "invalid_attachment",
        "Attachment must have either a `content` or `path`."
    )
    static let invalidAccess = PostflareError(
        422,
        "invalid_access",
        "Access must be \"full_access\" | \"sending_access\"."
    )
    static let invalidRegion = PostflareError(
        422,
        "invalid_region",
        "Region must be \"us-east-1\" | \"eu-west-1\" | \"sa-east-1\" | \"ap-northeast-1\"."
    )
    static let dailyQuota = PostflareError(429, "daily_quota_exceeded", "You have reached your daily email quota.")
    static let monthlyQuota = PostflareError(
        429,
        "monthly_quota_exceeded",
        "You have reached your monthly email quota."
    )

    static func validation(_ message: String, status: Int = 422) -> PostflareError {
        PostflareError(status, "validation_error", message)
    }

    /// ``Missing `email` field.`` — the per-field text seen on the wire (spec §2.7, §2.8).
    static func missingField(_ field: String) -> PostflareError {
        PostflareError(422, "missing_required_field", "Missing `\(field)` field.")
    }

    static func invalidParameter(_ name: String) -> PostflareError {
        PostflareError(422, "invalid_parameter", "The `\(name)` must be a valid UUID.")
    }

    static func notFound(_ what: String) -> PostflareError {
        PostflareError(404, "not_found", "\(what) not found")
    }

    static func rateLimited(limit: Int, retryAfter: Int) -> PostflareError {
        var e = PostflareError(
            429,
            "rate_limit_exceeded",
            "Too many requests. You can only make \(limit) requests per second."
        )
        e.headers.add(name: "retry-after", value: String(retryAfter))
        return e
    }

    static let badPagination = PostflareError.validation(
        "The pagination limit must be a number between 1 and 100. See https://resend.com/docs/pagination for more information."
    )
    static let bothCursors = PostflareError.validation(
        "You can only use either `after` or `before`, not both. See https://resend.com/docs/pagination for more information."
    )
}

/// Every error name this module can answer with (tests assert each is reachable).
let allPostflareErrorNames: [String] = [
    "invalid_idempotency_key", "validation_error", "missing_api_key", "restricted_api_key", "invalid_api_key",
    "not_found", "method_not_allowed", "invalid_idempotent_request", "concurrent_idempotent_requests",
    "invalid_attachment", "invalid_from_address", "invalid_access", "invalid_parameter", "invalid_region",
    "missing_required_field", "monthly_quota_exceeded", "daily_quota_exceeded", "rate_limit_exceeded",
    "application_error",
]
