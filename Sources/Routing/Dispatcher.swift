// SPDX-License-Identifier: Apache-2.0
public import HTTPCore

/// The top of the routing tree: several routers (one per emulated vendor, plus the emulator's own).
///
/// The order of `routers` does not decide who answers: every router matches the path and the most specific
/// template wins (`Specificity`: literal segments beat captures, segment by segment), so Flowdock's
/// `/v1/messages` beats Flowmailer's `/{account_id}/messages` wherever either is listed. A path no router's
/// routes match goes to the router the request belongs to (`vendorRouter(for:)`: credentials, media type,
/// host, path), else `fallback`. Errors the HTTP layer raises itself are rendered the same way
/// (`errorResponse(for:status:message:)`).
public struct Dispatcher: Sendable {
    public let routers: [Router]
    public let fallback: Router
    /// Method → "/seg/seg" of every all-literal route → the first router that has it. No template beats an
    /// all-literal one, and of several routers with the same one the first wins, so such a request is
    /// answered after one lookup instead of asking every router.
    let literalRoutes: [String: [String: (router: Int, route: Router.Route)]]
    /// First segments that are literal in some routers' routes (`_emulator`, `emails`, `flows`) → those
    /// routers. Such a segment names their namespace: another router's template capturing it (Flowmailer's
    /// `/{account_id}/messages/{id}` for `/_emulator/messages/x`) does not match it.
    let namespaces: [String: Set<Int>]

    public init(routers: [Router], fallback: Router = Router()) {
        self.routers = routers
        self.fallback = fallback
        var literal: [String: [String: (router: Int, route: Router.Route)]] = [:]
        for (index, router) in routers.enumerated() {
            for (method, routes) in router.literalRoutes {
                for (path, route) in routes where literal[method]?[path] == nil {
                    literal[method, default: [:]][path] = (index, route)
                }
            }
        }
        literalRoutes = literal
        var namespaces: [String: Set<Int>] = [:]
        for (index, router) in routers.enumerated() {
            for path in router.literalRoutes.values.flatMap(\.keys) {
                let first = path.dropFirst().prefix { $0 != "/" }
                if !first.isEmpty { namespaces[String(first), default: []].insert(index) }
            }
        }
        self.namespaces = namespaces
    }

    /// Whose a request is and what it matched, found once: the control plane matches faults and journals
    /// requests by it (`router`, `route`), then `respond(to:resolution:)` answers without matching again.
    public struct Resolution: Sendable {
        /// The index in `routers` of the router that answers, or nil when `fallback` does.
        public var router: Int?
        /// The template of the matched route (`/{account_id}/messages/submit`), nil for a 404 or 405.
        public var route: String?
        /// The percent-decoded path segments, dot segments resolved.
        public var segments: [String]
        var match: Router.Match
        /// The status and message to answer with before any route (an encoded slash the vendor rejects).
        var rejection: (status: HTTPStatus, message: String)?
    }

    /// Matches `request` without answering it.
    public func resolve(_ request: Request) -> Resolution {
        // One pass over the bytes says what the path needs: most hold no "%", ".", ";" or "//" at all.
        let traits = URLCoding.pathTraits(request.rawPath)
        let encodedSlash = traits.contains(.percent) && Self.hasEncodedSlash(request.rawPath)
        if encodedSlash, let index = vendorRouter(for: request),
            let rejection = routers[index].encodedSlashRejection
        {
            return Resolution(router: index, route: nil, segments: [], match: .notFound, rejection: rejection)
        }
        var segments = URLCoding.pathNames(request.rawPath)
        // RFC 3986 §5.2.4: `.` and `..` (also encoded) are resolved, so `/../flows` is `/flows` and not an
        // account named "..". Most paths hold no "." at all.
        if !traits.isDisjoint(with: [.dot, .percent]) {
            segments = Self.removingDotSegments(segments)
        }
        // HEAD answers from GET routes, and a decoded "/" inside a segment would join like two segments:
        // both take the general path below. A path without special bytes is its own canonical form, so it is
        // the key as it stands (no key to build).
        if request.method != .HEAD, !encodedSlash, let routes = literalRoutes[request.method.rawValue],
            let (index, route) = traits.isEmpty ? routes[request.rawPath] : routes[Router.literalPath(segments)]
        {
            return Resolution(router: index, route: route.template, segments: segments, match: route.match)
        }
        var best: (router: Int, match: Router.Match, specificity: Specificity)?
        let namespace = segments.first.flatMap { namespaces[$0] }
        for (index, router) in routers.enumerated() {
            let match = router.match(request.method, segments: segments)
            guard let specificity = match.specificity else { continue }
            if let namespace, !namespace.contains(index), specificity.kinds.first != Specificity.literal { continue }
            if let current = best {
                let ties = !(current.specificity < specificity) && !(specificity < current.specificity)
                let better = current.specificity < specificity || (ties && match.isFound && !current.match.isFound)
                if !better { continue }
            }
            best = (index, match, specificity)
            // No template can beat an all-literal one, so the remaining routers need not be asked.
            if case .found = match, specificity.isAllLiteral { break }
        }
        if let best {
            return Resolution(router: best.router, route: best.match.template, segments: segments, match: best.match)
        }
        return Resolution(router: vendorRouter(for: request), route: nil, segments: segments, match: .notFound)
    }

    public func respond(to request: Request) -> Response {
        respond(to: request, resolution: resolve(request))
    }

    /// Answers `request` as `resolve` found it.
    public func respond(to request: Request, resolution: Resolution) -> Response {
        let owner = resolution.router.map { routers[$0] } ?? fallback
        if let rejection = resolution.rejection {
            return owner.errorResponse(request, rejection.status, rejection.message)
        }
        return owner.respond(to: request, match: resolution.match, segments: resolution.segments)
    }

    static func removingDotSegments(_ segments: [String]) -> [String] {
        guard segments.contains(where: { $0 == "." || $0 == ".." }) else { return segments }
        var out: [String] = []
        for segment in segments {
            switch segment {
            case ".": continue
            case "..": _ = out.popLast()
            default: out.append(segment)
            }
        }
        return out
    }
}
