// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// The first few decoded path segments (matrix parameters dropped), without splitting the whole path:
/// the middleware runs on every request and only needs the account id and, for the submit-only role,
/// the next two segments. Decoding matches `Request.pathSegments`.
enum PathPrefix {
    static func segments(_ request: Request, limit: Int = 3) -> [String] {
        var out: [String] = []
        for raw in request.rawPath.utf8.split(
            separator: UInt8(ascii: "/"), maxSplits: limit, omittingEmptySubsequences: true)
        {
            if out.count == limit { break }
            let name =
                raw.split(separator: UInt8(ascii: ";"), maxSplits: 1, omittingEmptySubsequences: false).first ?? raw
            let text = Substring(name)
            out.append(text.utf8.contains(UInt8(ascii: "%")) ? URLCoding.percentDecode(text) : String(text))
        }
        return out
    }

    static func isOAuth(_ request: Request) -> Bool {
        request.rawPath.hasPrefix("/oauth/") || request.rawPath == "/oauth"
    }
}
