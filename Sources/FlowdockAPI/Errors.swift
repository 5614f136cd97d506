// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// Flowdock's documented error shape (§2.4): `{"message": "...", "errors": {field: ["..."]}}` with
/// `Content-Type: application/json; charset=utf-8`. Handlers throw these; the router answers them.
enum FlowdockError {
    /// 400 `Validation error` with per-field messages, as in the gem spec's example body.
    static func validation(_ errors: [(String, String)]) -> HTTPError {
        var fields = JSONObject()
        for (field, text) in errors {
            var list = fields[field]?.arrayValue ?? []
            list.append(.string(text))
            fields[field] = .array(list)
        }
        return HTTPError(.badRequest, json: ["message": "Validation error", "errors": .object(fields)])
    }

    static func validation(_ field: String, _ text: String) -> HTTPError { validation([(field, text)]) }

    static func badRequest(_ message: String) -> HTTPError {
        HTTPError(.badRequest, json: ["message": .string(message)])
    }

    static func notFound(_ message: String = "Not found") -> HTTPError {
        HTTPError(.notFound, json: ["message": .string(message)])
    }

    static func forbidden(_ message: String) -> HTTPError {
        HTTPError(.forbidden, json: ["message": .string(message)])
    }

    /// 410 for a removed source's `flow_token` (`docs/production-integrations.md`).
    static func gone(_ message: String) -> HTTPError {
        HTTPError(.gone, json: ["message": .string(message)])
    }

    static func unsupportedMediaType(_ message: String) -> HTTPError {
        HTTPError(.unsupportedMediaType, json: ["message": .string(message)])
    }

    /// 401. Neither the body nor the challenge is documented (§1.3); RFC 9110 §11.6.1 requires
    /// `WWW-Authenticate` on a 401, and Basic is the scheme the docs describe first.
    static func unauthorized(_ message: String) -> HTTPError {
        HTTPError(
            .unauthorized,
            json: ["message": .string(message)],
            headers: ["WWW-Authenticate": "Basic realm=\"Flowdock\""]
        )
    }
}
