// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// One entry of Flowmailer's `allErrors` list: a Spring `FieldError`/`ObjectError` serialised as JSON
/// (spec §4.1). The PHP SDK parses this shape for 400, 403 and 404 answers.
struct FieldError: Sendable {
    var code: String
    var defaultMessage: String
    var field: String? = nil
    var objectName: String? = nil
    var rejectedValue: JSON = .null
    var arguments: JSON = .null

    var json: JSON {
        .object([
            "code": .string(code),
            "defaultMessage": .string(defaultMessage),
            "field": .string(field),
            "objectName": .string(objectName),
            "rejectedValue": rejectedValue,
            "arguments": arguments,
        ])
    }
}

/// Builders for the two error formats Flowmailer speaks: `allErrors` on the API, RFC 6749 on OAuth.
enum FlowmailerError {
    /// The versioned JSON media type every API answer carries (spec §2.1).
    static let contentType = "application/vnd.flowmailer.v1.12+json;charset=UTF-8"
    /// OAuth answers are plain JSON (Spring Security OAuth2's token endpoint).
    static let oauthContentType = "application/json;charset=UTF-8"

    /// An `allErrors` response.
    static func response(_ status: HTTPStatus, _ errors: [FieldError], contentType: String = contentType) -> Response {
        .json(["allErrors": .array(errors.map(\.json))], status: status, contentType: contentType)
    }

    static func error(_ status: HTTPStatus, _ errors: [FieldError]) -> HTTPError {
        HTTPError(response(status, errors))
    }

    static func badRequest(_ errors: [FieldError]) -> HTTPError { error(.badRequest, errors) }

    static func badRequest(code: String, _ message: String, field: String? = nil, rejected: JSON = .null) -> HTTPError {
        error(.badRequest, [FieldError(code: code, defaultMessage: message, field: field, rejectedValue: rejected)])
    }

    // The bodies of 403/404 are not published; the SDK only needs `allErrors` (spec §4.1, inferred).
    static func notFound(_ what: String) -> HTTPError {
        error(.notFound, [FieldError(code: "notfound", defaultMessage: "\(what) not found")])
    }

    static func forbidden(_ message: String = "Access is denied") -> HTTPError {
        error(.forbidden, [FieldError(code: "forbidden", defaultMessage: message)])
    }

    /// An RFC 6749 §5.2 error (`{"error","error_description"}`), as the token endpoint and the bearer check send.
    static func oauth(
        _ status: HTTPStatus,
        error: String,
        description: String,
        extra: [(String, JSON)] = [],
        headers: HTTPHeaders = HTTPHeaders()
    ) -> HTTPError {
        var body = JSONObject([("error", .string(error)), ("error_description", .string(description))])
        for (k, v) in extra { body[k] = v }
        return HTTPError(.json(.object(body), status: status, headers: headers, contentType: oauthContentType))
    }
}
