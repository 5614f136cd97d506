// SPDX-License-Identifier: Apache-2.0
public import HTTPCore

// Which vendor a request belongs to when no route decides it: an unknown path, or an error the HTTP layer
// raised before any router saw the request (its method, target and some headers may be all that is known).

extension Dispatcher {
    /// Renders an error the server raised itself (a parse error, a limit, a timeout) in the format of the
    /// vendor `request` belongs to, else in the generic format of `fallback`. No middleware runs: the request
    /// may be partial, and the error is the server's, not the vendor's.
    public func errorResponse(for request: Request, status: HTTPStatus, message: String) -> Response {
        let owner = vendorRouter(for: request).map { routers[$0] } ?? fallback
        return owner.errorResponse(request, status, message)
    }

    /// The index in `routers` of the router `request` belongs to, or nil. In order:
    /// 1. the credentials (`Router.credentials`): a bearer-token prefix (`re_…`), then a bearer token a vendor
    ///    issued (`Router.issuedBearer`: a live or expired Flowmailer OAuth token, a Flowdock user token), on any
    ///    path, then credentials on a request the router claims or that carries its media type (an opaque
    ///    bearer token we never issued), then Basic or a query-string token (`?access_token=`);
    /// 2. a media type of the router's in `Accept` or `Content-Type` (`application/vnd.flowmailer.`);
    /// 3. the host (`Router.hosts`);
    /// 4. the path (`Router.claims`), with encoded slashes (`%2F`) read as separators, so `/545%2fmessages`
    ///    is Flowmailer's.
    public func vendorRouter(for request: Request) -> Int? {
        let pathRequest = Self.hasEncodedSlash(request.rawPath) ? Self.splittingEncodedSlashes(request) : request
        if let index = credentialOwner(request, pathRequest) { return index }
        if let index = routers.firstIndex(where: { Self.carriesMediaType(request, of: $0) }) { return index }
        if let host = request.host, let index = routers.firstIndex(where: { $0.hosts.contains(host) }) {
            return index
        }
        return routers.firstIndex { $0.claims(pathRequest) }
    }

    private func credentialOwner(_ request: Request, _ pathRequest: Request) -> Int? {
        let authorization = AuthorizationHeader(request.headers["Authorization"])
        let bearer = authorization.isBearer && !authorization.credentials.isEmpty
        if bearer {
            for (index, router) in routers.enumerated() {
                for case .bearerPrefix(let prefix) in router.credentials
                where authorization.credentials.hasPrefix(prefix) {
                    return index
                }
            }
        }
        if bearer {
            let token = String(authorization.credentials)
            if let index = routers.firstIndex(where: { $0.issuedBearer?(token) == true }) { return index }
        }
        for (index, router) in routers.enumerated() {
            // No prefix took a bearer token by now, so an opaque one may be this router's.
            let own = { router.claims(pathRequest) || Self.carriesMediaType(request, of: router) }
            for pattern in router.credentials {
                switch pattern {
                case .bearerOnOwnRequests where bearer && own(): return index
                case .basicOnOwnRequests where authorization.isBasic && own(): return index
                default: continue
                }
            }
        }
        for (index, router) in routers.enumerated() {
            for pattern in router.credentials {
                switch pattern {
                case .basic where authorization.isBasic: return index
                case .queryParameter(let name) where request.query(name) != nil: return index
                default: continue
                }
            }
        }
        return nil
    }

    private static func carriesMediaType(_ request: Request, of router: Router) -> Bool {
        guard !router.mediaTypes.isEmpty else { return false }
        for name in ["Accept", "Content-Type"] {
            guard let value = request.headers[name]?.lowercased() else { continue }
            if router.mediaTypes.contains(where: { value.contains($0) }) { return true }
        }
        return false
    }

    /// Whether a segment of `rawPath` holds an encoded slash (`%2F`, `%2f`). Scans bytes, allocation-free.
    static func hasEncodedSlash(_ rawPath: String) -> Bool {
        var utf8 = rawPath.utf8.makeIterator()
        var state = 0  // bytes of "%2" seen
        while let b = utf8.next() {
            switch (state, b) {
            case (_, UInt8(ascii: "%")): state = 1
            case (1, UInt8(ascii: "2")): state = 2
            case (2, UInt8(ascii: "F")), (2, UInt8(ascii: "f")): return true
            default: state = 0
            }
        }
        return false
    }

    /// `request` with its encoded slashes turned into separators, for the path-based inference only.
    static func splittingEncodedSlashes(_ request: Request) -> Request {
        var path = request.rawPath.replacing("%2F", with: "/").replacing("%2f", with: "/")
        if let query = request.rawQuery { path += "?" + query }
        return Request(method: request.method, target: path, headers: request.headers, version: request.version)
    }
}
