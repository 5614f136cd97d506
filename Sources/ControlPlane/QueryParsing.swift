// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// Query parameters several control routes share, parsed one way: a bad value is a 400 that says what is
/// wrong.
enum QueryParsing {
    /// `vendor`: one of `vendors`, or nil when absent.
    static func vendor(_ request: Request, among vendors: [String]) throws(HTTPError) -> String? {
        guard let v = request.query("vendor") else { return nil }
        guard vendors.contains(v) else {
            throw HTTPError(
                .badRequest,
                message: "Unknown vendor '\(v)'; use one of \(vendors.joined(separator: ", "))."
            )
        }
        return v
    }

    /// `status`: an HTTP status (`201`) or a class (`5xx`), or nil when absent.
    static func status(_ request: Request) throws(HTTPError) -> StatusFilter? {
        guard let s = request.query("status") else { return nil }
        guard let filter = StatusFilter(s) else {
            throw HTTPError(.badRequest, message: "'status' is an HTTP status (201) or a class (5xx).")
        }
        return filter
    }
}
