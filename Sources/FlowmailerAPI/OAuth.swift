// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// Who a bearer token speaks for.
struct Principal: RequestIdentity {
    var account: String
    var clientId: String
    var roles: [String]
    var sourceId: String?
    var expiresAtMillis: Int64

    /// The guidelines' "minimum required role": `FEATURE_SUBMITMESSAGE` alone may only submit (spec §4.3).
    var tenant: String { account }

    var isSubmitOnly: Bool { !roles.isEmpty && roles.allSatisfy { $0 == "FEATURE_SUBMITMESSAGE" } }
}

/// Issued access tokens, expiring on the emulator clock.
final class TokenStore: Sendable {
    enum Lookup {
        case valid(Principal)
        case expired
        case unknown
    }

    private let tokens = Locked<[String: Principal]>([:])
    private let clock: EmulatorClock

    init(clock: EmulatorClock) { self.clock = clock }

    func issue(_ principal: Principal) -> String {
        // Spring Security OAuth2 issues UUID tokens by default; clients treat them as opaque.
        let token = IDs.uuid()
        let now = clock.nowMillis()
        tokens.withLock { map in
            // Drop long-expired tokens now and then so a token-per-request client cannot grow the map forever.
            if map.count > 10_000 { map = map.filter { $0.value.expiresAtMillis + 3_600_000 > now } }
            map[token] = principal
        }
        return token
    }

    func removeAll() { tokens.withLock { $0.removeAll() } }

    /// The account a token was issued for, expired or not; nil for a token never issued (or forgotten).
    func account(of token: String) -> String? { tokens.withLock { $0[token]?.account } }

    /// Forgets the tokens issued for one account (its reset).
    func removeAll(account: String) { tokens.withLock { $0 = $0.filter { $0.value.account != account } } }

    func lookup(_ token: String) -> Lookup {
        let now = clock.nowMillis()
        return tokens.withLock { map in
            guard let p = map[token] else { return .unknown }
            return p.expiresAtMillis > now ? .valid(p) : .expired
        }
    }
}

/// `POST /oauth/token` (spec §1): client-credentials grant, form-encoded, RFC 6749 errors.
struct OAuthHandler: Sendable {
    let store: Store
    let tokens: TokenStore
    let clock: EmulatorClock
    let lifetimeSeconds: Int

    func token(_ request: Request) throws -> Response {
        let (params, clientId, clientSecret) = Self.parameters(request)
        // Spring authenticates the client before looking at the grant (401 wins over 400), spec §1.3 (inferred).
        guard let clientId, let clientSecret, let (account, credential) = store.credential(clientId: clientId),
            credential["clientSecret"]?.stringValue == clientSecret
        else {
            throw FlowmailerError.oauth(
                .unauthorized,
                error: "unauthorized",
                description: "Bad credentials",
                headers: [
                    "WWW-Authenticate":
                        "Form realm=\"oauth2/client\", error=\"unauthorized\", error_description=\"Bad credentials\""
                ]
            )
        }
        guard let grant = params["grant_type"], !grant.isEmpty else {
            throw FlowmailerError.oauth(.badRequest, error: "invalid_request", description: "Missing grant type")
        }
        guard grant == "client_credentials" else {
            throw FlowmailerError.oauth(
                .badRequest,
                error: "unsupported_grant_type",
                description: "Unsupported grant type: \(grant)"
            )
        }
        if let scope = params["scope"], !scope.isEmpty, scope != "api" {
            // Literal example from the SDK source (spec §1.3).
            throw FlowmailerError.oauth(
                .badRequest,
                error: "invalid_scope",
                description: "Invalid scope: \(scope)",
                extra: [("scope", "api")]
            )
        }
        let principal = Principal(
            account: account,
            clientId: clientId,
            roles: (credential["roles"]?.arrayValue ?? []).compactMap(\.stringValue),
            sourceId: credential["sourceId"]?.stringValue,
            expiresAtMillis: clock.nowMillis() + Int64(lifetimeSeconds) * 1000
        )
        let token = tokens.issue(principal)
        let body: JSON = [
            "access_token": .string(token), "token_type": "bearer", "expires_in": .int(lifetimeSeconds), "scope": "api",
        ]
        // RFC 6749 §5.1: token responses must not be cached.
        return .json(
            body,
            headers: ["Cache-Control": "no-store", "Pragma": "no-cache"],
            contentType: FlowmailerError.oauthContentType
        )
    }

    /// The token request's parameters and its client credentials. Spring reads OAuth parameters from the
    /// form body and the query string alike; HTTP Basic client authentication (RFC 6749 §2.3.1) is accepted
    /// too and wins, although every known client uses the form.
    static func parameters(
        _ request: Request
    ) -> (params: [String: String], clientId: String?, clientSecret: String?) {
        var params: [String: String] = [:]
        for item in request.queryItems { params[item.name] = item.value }
        if request.headers.mediaType != "application/json" {
            for item in request.formBody() { params[item.name] = item.value }
        }
        var clientId = params["client_id"]
        var clientSecret = params["client_secret"]
        if let auth = request.headers["Authorization"], auth.lowercased().hasPrefix("basic "),
            let decoded = Self.base64Decode(auth.dropFirst(6).trimmingSpaces()),
            let colon = decoded.firstIndex(of: ":")
        {
            clientId = URLCoding.percentDecode(decoded[..<colon])
            clientSecret = URLCoding.percentDecode(decoded[decoded.index(after: colon)...])
        }
        return (params, clientId, clientSecret)
    }

    static func base64Decode(_ text: String) -> String? {
        Base64.decode(text).map { String(decoding: $0, as: UTF8.self) }
    }
}
