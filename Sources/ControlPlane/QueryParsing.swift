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

    /// `count` (1…1000, default 1) and `timeout` (0…300 s, default 30) of the wait routes.
    static func wait(_ request: Request) throws(HTTPError) -> (count: Int, timeout: Double) {
        var count = 1
        if let c = request.query("count") {
            guard let n = Int(c), (1...MessageQuery.maxLimit).contains(n) else {
                throw HTTPError(.badRequest, message: "'count' is a number from 1 to \(MessageQuery.maxLimit).")
            }
            count = n
        }
        var timeout = 30.0
        if let t = request.query("timeout") {
            guard let s = Double(t), s.isFinite, s >= 0, s <= 300 else {
                throw HTTPError(.badRequest, message: "'timeout' is a number of seconds from 0 to 300.")
            }
            timeout = s
        }
        return (count, timeout)
    }
}
