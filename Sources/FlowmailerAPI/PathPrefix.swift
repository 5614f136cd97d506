// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// The first few decoded path segments (matrix parameters dropped), without splitting the whole path:
/// the middleware runs on every request and only needs the account id and, for the submit-only role,
/// the next two segments. Decoding matches `Request.pathSegments`.
enum PathPrefix {
    static func segments(_ request: Request, limit: Int = 3) -> [String] {
        URLCoding.pathNames(request.rawPath, limit: limit)
    }

    static func isOAuth(_ request: Request) -> Bool {
        request.rawPath.hasPrefix("/oauth/") || request.rawPath == "/oauth"
    }
}
