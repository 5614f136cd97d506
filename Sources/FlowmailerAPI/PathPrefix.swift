// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// The first few decoded path segments (matrix parameters dropped), without splitting the whole path:
/// the middleware runs on every request and only needs the account id and, for the submit-only role,
/// the next two segments. Decoding matches `Request.pathSegments`.
enum PathPrefix {
    static func segments(_ request: Request, limit: Int = 3) -> [String] {
        // One pass over the bytes: `split` built an array of slices first, on every request.
        let path = request.rawPath.utf8
        var out: [String] = []
        out.reserveCapacity(limit)
        var i = path.startIndex
        while out.count < limit, i != path.endIndex {
            if path[i] == UInt8(ascii: "/") {  // empty segments (`//`) are skipped
                i = path.index(after: i)
                continue
            }
            var end = i
            var nameEnd: String.Index?
            while end != path.endIndex, path[end] != UInt8(ascii: "/") {
                if nameEnd == nil, path[end] == UInt8(ascii: ";") { nameEnd = end }
                end = path.index(after: end)
            }
            let text = Substring(path[i..<(nameEnd ?? end)])
            out.append(text.utf8.contains(UInt8(ascii: "%")) ? URLCoding.percentDecode(text) : String(text))
            i = end
        }
        return out
    }

    static func isOAuth(_ request: Request) -> Bool {
        request.rawPath.hasPrefix("/oauth/") || request.rawPath == "/oauth"
    }
}
