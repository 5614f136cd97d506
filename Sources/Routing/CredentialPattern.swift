// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// How a vendor's credentials look, so that a request no route decides (an HTTP-level error, an unknown path)
/// can be answered by the vendor it authenticates to. Routers list theirs in `Router.credentials`; the
/// `Dispatcher` ranks them: a token prefix first, then credentials on the vendor's own requests, then any
/// Basic or query-string credentials (see `Dispatcher.vendorRouter(for:)`).
public enum CredentialPattern: Sendable, Equatable {
    /// `Authorization: Bearer <prefix>…` (Postflare's `re_` keys): decisive on any path.
    case bearerPrefix(String)
    /// A bearer token no router's `bearerPrefix` takes, on a request this router `claims` or that carries one of
    /// its `mediaTypes` (Flowmailer's OAuth tokens are opaque, so only the request around them names the vendor).
    case bearerOnOwnRequests
    /// `Authorization: Basic …` on a request this router claims or that carries its media type (Flowmailer's
    /// token endpoint accepts RFC 6749 §2.3.1 client authentication).
    case basicOnOwnRequests
    /// `Authorization: Basic …` anywhere (Flowdock's API tokens and email/password).
    case basic
    /// A token in the query string (`?access_token=`, Flowdock).
    case queryParameter(String)

    /// Higher ranks are tried first; within a rank the routers' order decides.
    var rank: Int {
        switch self {
        case .bearerPrefix: 3
        case .bearerOnOwnRequests, .basicOnOwnRequests: 2
        case .basic, .queryParameter: 1
        }
    }
}

/// The scheme and credentials of an `Authorization` header, split at the first space (RFC 9110 §11.4).
struct AuthorizationHeader {
    var isBearer = false
    var isBasic = false
    var credentials: Substring = ""

    init(_ value: String?) {
        guard let value, let space = value.firstIndex(of: " ") else { return }
        let scheme = value[..<space].lowercased()
        isBearer = scheme == "bearer"
        isBasic = scheme == "basic"
        credentials = value[value.index(after: space)...].drop { $0 == " " }
    }
}
