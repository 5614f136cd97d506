// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Routing

/// Content negotiation for the JSON API (spec §2.1). Flowmailer's own rules are undocumented; this follows
/// Spring's behaviour (inferred): `Accept` must allow `application/vnd.flowmailer.v1.N+json` (v1.4…v1.12),
/// `application/json`, a wildcard, or be absent, else 406; a request body must be JSON, else 415.
/// `Content-Type` on a body-less request is ignored (the PHP SDK sends it on GET and DELETE).
struct MediaTypeMiddleware: Middleware {
    static let versions = 4...12
    /// What the official SDKs send as both `Accept` and `Content-Type`.
    static let sdkType = "application/vnd.flowmailer.v1.12+json"
    static let notAcceptableMessage =
        "Could not find acceptable representation; supported: application/vnd.flowmailer.v1.\(versions.lowerBound)+json"
        + " … application/vnd.flowmailer.v1.\(versions.upperBound)+json, application/json"

    func handle(_ request: Request, next: (Request) -> Response) throws -> Response {
        // The token endpoint is form-encoded and must not be picky about Accept (spec §1.1).
        if FlowmailerAPI.isOAuth(request) { return next(request) }
        guard let version = Self.negotiate(request.headers) else {
            throw HTTPError(
                FlowmailerError.response(
                    .notAcceptable,
                    [
                        FieldError(
                            code: "media.notacceptable",
                            defaultMessage: Self.notAcceptableMessage
                        )
                    ],
                    contentType: FlowmailerError.oauthContentType
                )
            )
        }
        // The exact type the SDK sends skips the generic parse (split, trim, lowercase) on every submit.
        if !request.body.isEmpty, request.headers["Content-Type"] != Self.sdkType, let type = request.headers.mediaType,
            !Self.isJSON(type)
        {
            throw FlowmailerError.error(
                .unsupportedMediaType,
                [
                    FieldError(
                        code: "media.unsupported",
                        defaultMessage: "Content type '\(type)' not supported",
                        rejectedValue: .string(type)
                    )
                ]
            )
        }
        var response = next(request)
        if version != 12, let type = response.headers["Content-Type"],
            type.hasPrefix("application/vnd.flowmailer.v1.12+json")
        {
            response.headers.replaceOrAdd(
                name: "Content-Type",
                value: "application/vnd.flowmailer.v1.\(version)+json;charset=UTF-8"
            )
        }
        return response
    }

    static func isJSON(_ type: String) -> Bool {
        type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
    }

    /// The minor version to answer with, or nil when nothing acceptable is offered.
    static func negotiate(_ headers: HTTPHeaders) -> Int? {
        // Fast path for what the SDK sends on every call: one `Accept` with exactly its type, found without
        // building the array of values.
        var accept: String?
        var count = 0
        for field in headers where HTTPHeaders.equalNames(field.name, "Accept") {
            accept = field.value
            count += 1
        }
        if count == 1, accept == sdkType { return 12 }
        return negotiate(headers.values(for: "Accept"))
    }

    /// The minor version to answer with for these `Accept` values, or nil when nothing acceptable is offered.
    static func negotiate(_ accepts: [String]) -> Int? {
        var ranges: [String] = []
        for header in accepts { ranges += header.split(separator: ",").map { String($0) } }
        ranges = ranges.filter { !$0.trimmingSpaces().isEmpty }
        if ranges.isEmpty { return 12 }
        var explicit: Int?
        var generic = false
        for range in ranges {
            let parts = range.split(separator: ";").map { $0.trimmingSpaces().lowercased() }
            guard let type = parts.first else { continue }
            // q=0 means "not acceptable" (RFC 9110 §12.4.2).
            let refused = parts.dropFirst().contains { $0.hasPrefix("q=") && Double($0.dropFirst(2)) == 0 }
            if refused { continue }
            switch type {
            case "*/*", "application/*", "application/json": generic = true
            default:
                let prefix = "application/vnd.flowmailer.v1."
                if type.hasPrefix(prefix), type.hasSuffix("+json"),
                    let minor = Int(type.dropFirst(prefix.count).dropLast("+json".count)), versions.contains(minor)
                {
                    explicit = max(explicit ?? minor, minor)
                }
            }
        }
        // An explicit version wins over wildcards: answer in the version the client asked for.
        return explicit ?? (generic ? 12 : nil)
    }
}
