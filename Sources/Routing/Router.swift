// SPDX-License-Identifier: Apache-2.0
import Glibc
public import HTTPCore

/// A route table matching method + path template. Templates are `/`-separated; a segment `{name}`
/// captures one decoded segment, a last segment `{name...}` captures the rest of the path. Literals win
/// over captures, with backtracking (`/flows/all` beats `/flows/{org}`). Matrix parameters (`;k=v`) are
/// not part of a segment's name. `HEAD` falls back to the `GET` handler.
///
/// Errors are rendered here, once: a thrown `HTTPResponseError` becomes its response; anything else becomes
/// `internalError` (the vendor's own 500), is reported through `reportUnexpected` and never echoed.
///
/// Build it once at start-up; afterwards it is an immutable value shared by every event loop.
public struct Router: Sendable {
    struct Route: Sendable {
        var template: String
        var paramNames: [String]
        var specificity: Specificity
        var handler: Handler

        /// How this route matches a path with no captures.
        var match: Match {
            .found(handler: handler, parameters: [:], template: template, specificity: specificity)
        }
    }

    struct Node: Sendable {
        var literals: [String: Int] = [:]
        var capture: Int?
        var catchAll: [String: Route] = [:]  // method → route, for `{rest...}` at this depth
        var routes: [String: Route] = [:]  // method → route
        /// The template of the path down to this node, with the capture names of the route that made it.
        var prefix = ""
        var prefixNames: [String] = []
    }

    private var nodes: [Node] = [Node()]
    /// The routes whose templates have no captures, by method and `literalPath` (the dispatcher's one-lookup
    /// path).
    private(set) var literalRoutes: [String: [String: Route]] = [:]
    private var middlewares: [any Middleware] = []
    /// Every route added, in order: method and template (for documentation checks).
    public private(set) var registeredRoutes: [(method: HTTPMethod, template: String)] = []

    /// Builds the 404 answer for a path no route matches (vendor-specific body).
    public var notFound: @Sendable (Request) -> Response = { request in
        .json(
            ["error": "Not Found", "message": .string("No route for \(request.method) \(request.rawPath)")],
            status: .notFound
        )
    }
    /// Builds the 405 answer; the router adds the `Allow` header.
    public var methodNotAllowed: @Sendable (Request, [HTTPMethod]) -> Response = { request, _ in
        .json(
            [
                "error": "Method Not Allowed",
                "message": .string("\(request.method) is not allowed on \(request.rawPath)"),
            ],
            status: .methodNotAllowed
        )
    }
    /// Builds the answer to an unexpected (non-`HTTPResponseError`) error. The error itself is never echoed.
    public var internalError: @Sendable (Request, any Error) -> Response = { _, _ in
        .json(
            ["error": "Internal Server Error", "message": "The emulator failed to handle this request."],
            status: .internalServerError
        )
    }
    /// Told about every unexpected error (the app logs it); the client only sees `internalError`.
    public var reportUnexpected: @Sendable (Request, any Error) -> Void = { request, error in
        let line = Array("error: unexpected \(type(of: error)) on \(request.method) \(request.rawPath)\n".utf8)
        line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }
    /// Whether a request no route matches belongs to this router (so that its `notFound` answers it).
    public var claims: @Sendable (Request) -> Bool = { _ in false }
    /// Whose routes these are: the vendor's name (`flowmailer`), `emulator` for the control routes. The
    /// control plane matches faults and journals requests by it.
    public var name = ""
    /// Host names (lower-case, no port) that belong to this router: a request for one of them that no router's
    /// routes match is answered by this router's 404, before any path-based `claims`.
    public var hosts: Set<String> = []
    /// Renders an error raised outside this router's routes for a request that belongs to it (the HTTP layer's
    /// 400/408/413/417/431/501/505, a rejected path) in the vendor's error format. The status and a sentence
    /// for the client are given; the server keeps the status. Default: the emulator's generic body.
    public var errorResponse: @Sendable (Request, HTTPStatus, String) -> Response = { _, status, message in
        HTTPError(status, message: message).response
    }
    /// What this vendor's credentials look like, for naming the vendor of a request (see `CredentialPattern`).
    public var credentials: [CredentialPattern] = []
    /// Whether a bearer token is one this vendor issued (a Flowmailer OAuth token, a Flowdock user token): such
    /// a token names the vendor on any path, after the token prefixes and before everything else.
    public var issuedBearer: (@Sendable (String) -> Bool)?
    /// Media-type prefixes (lower-case) that name this vendor in `Accept` or `Content-Type`
    /// (`application/vnd.flowmailer.`).
    public var mediaTypes: [String] = []
    /// When set, a path with an encoded slash (`%2F`) in a segment of a request that belongs to this router is
    /// answered with this status and message through `errorResponse`, before any route or middleware (the
    /// servlet container of a Spring service rejects it); when nil such a path is routed like any other.
    public var encodedSlashRejection: (status: HTTPStatus, message: String)?

    public init() {}

    // MARK: Building

    public mutating func add(_ method: HTTPMethod, _ template: String, _ handler: @escaping Handler) {
        registeredRoutes.append((method, template))
        var node = 0
        var names: [String] = []
        var kinds: [UInt8] = []
        let segments = template.split(separator: "/", omittingEmptySubsequences: true)
        for (index, segment) in segments.enumerated() {
            if segment.hasPrefix("{") && segment.hasSuffix("...}") {
                precondition(index == segments.count - 1, "a {rest...} capture must be last: \(template)")
                names.append(String(segment.dropFirst().dropLast(4)))
                kinds.append(Specificity.catchAll)
                let route = Route(
                    template: template,
                    paramNames: names,
                    specificity: Specificity(kinds),
                    handler: handler
                )
                nodes[node].catchAll[method.rawValue] = route
                return
            }
            let parent = node
            if segment.hasPrefix("{") && segment.hasSuffix("}") {
                names.append(String(segment.dropFirst().dropLast()))
                kinds.append(Specificity.capture)
                if let next = nodes[node].capture {
                    node = next
                } else {
                    nodes.append(Node())
                    nodes[node].capture = nodes.count - 1
                    node = nodes.count - 1
                }
            } else {
                kinds.append(Specificity.literal)
                let key = String(segment)
                if let next = nodes[node].literals[key] {
                    node = next
                } else {
                    nodes.append(Node())
                    nodes[node].literals[key] = nodes.count - 1
                    node = nodes.count - 1
                }
            }
            if nodes[node].prefix.isEmpty {
                nodes[node].prefix = nodes[parent].prefix + "/" + segment
                nodes[node].prefixNames = names
            }
        }
        let route = Route(template: template, paramNames: names, specificity: Specificity(kinds), handler: handler)
        nodes[node].routes[method.rawValue] = route
        if names.isEmpty {
            literalRoutes[method.rawValue, default: [:]][Self.literalPath(segments.map(String.init))] = route
        }
    }

    /// The canonical path of decoded segments: "/" + the segments joined by "/".
    static func literalPath(_ segments: [String]) -> String { "/" + segments.joined(separator: "/") }

    public mutating func get(_ template: String, _ handler: @escaping Handler) { add(.GET, template, handler) }
    public mutating func post(_ template: String, _ handler: @escaping Handler) { add(.POST, template, handler) }
    public mutating func put(_ template: String, _ handler: @escaping Handler) { add(.PUT, template, handler) }
    public mutating func patch(_ template: String, _ handler: @escaping Handler) { add(.PATCH, template, handler) }
    public mutating func delete(_ template: String, _ handler: @escaping Handler) { add(.DELETE, template, handler) }

    /// Adds middleware; the first added is the outermost. It wraps every request this router dispatches,
    /// including its 404 and 405 answers.
    public mutating func use(_ middleware: any Middleware) { middlewares.append(middleware) }

    // MARK: Matching

    public enum Match: Sendable {
        /// A route answers: its handler, template, captures, and how specific the template is.
        case found(handler: Handler, parameters: [String: String], template: String, specificity: Specificity)
        /// Routes exist at this path for other methods (their template's specificity is given).
        case methodNotAllowed([HTTPMethod], specificity: Specificity)
        case notFound

        var isFound: Bool {
            if case .found = self { return true }
            return false
        }

        /// The matched route's template, nil unless `found`.
        var template: String? {
            if case .found(_, _, let template, _) = self { return template }
            return nil
        }

        /// Where this match ranks against another router's match of the same path; nil when nothing matched.
        public var specificity: Specificity? {
            switch self {
            case .found(_, _, _, let s): return s
            case .methodNotAllowed(_, let s): return s
            case .notFound: return nil
            }
        }
    }

    /// Finds the route for `method` and a raw path.
    public func match(_ method: HTTPMethod, path rawPath: String) -> Match {
        match(method, segments: URLCoding.pathNames(rawPath))
    }

    /// Finds the route for `method` and already decoded path segments.
    public func match(_ method: HTTPMethod, segments: [String]) -> Match {
        var captured: [String] = []
        var firstAllowed: (methods: [String], specificity: Specificity)?
        if let (route, values) = search(
            node: 0,
            segments: segments[...],
            method: method.rawValue,
            captured: &captured,
            firstAllowed: &firstAllowed
        ) {
            var parameters: [String: String] = [:]
            for (name, value) in zip(route.paramNames, values) { parameters[name] = value }
            return .found(
                handler: route.handler,
                parameters: parameters,
                template: route.template,
                specificity: route.specificity
            )
        }
        if let allowed = firstAllowed {
            var methods = allowed.methods
            if methods.contains("GET") && !methods.contains("HEAD") { methods.append("HEAD") }
            return .methodNotAllowed(methods.sorted().map { HTTPMethod($0) }, specificity: allowed.specificity)
        }
        return .notFound
    }

    private func pick(_ routes: [String: Route], _ method: String) -> Route? {
        if let r = routes[method] { return r }
        if method == "HEAD" { return routes["GET"] }
        return nil
    }

    private func search(
        node: Int,
        segments: ArraySlice<String>,
        method: String,
        captured: inout [String],
        firstAllowed: inout (methods: [String], specificity: Specificity)?
    ) -> (Route, [String])? {
        // Fields are read through `nodes[node]` in place: a local copy of the node retains its dictionaries.
        guard let segment = segments.first else {
            if let r = pick(nodes[node].routes, method) { return (r, captured) }
            if firstAllowed == nil, let any = nodes[node].routes.first?.value {
                firstAllowed = (Array(nodes[node].routes.keys), any.specificity)
            }
            if let r = pick(nodes[node].catchAll, method) { return (r, captured + [""]) }
            return nil
        }
        let rest = segments.dropFirst()
        if let next = nodes[node].literals[segment],
            let found = search(
                node: next,
                segments: rest,
                method: method,
                captured: &captured,
                firstAllowed: &firstAllowed
            )
        {
            return found
        }
        if let next = nodes[node].capture {
            if captured.isEmpty { captured.reserveCapacity(4) }
            captured.append(segment)
            if let found = search(
                node: next,
                segments: rest,
                method: method,
                captured: &captured,
                firstAllowed: &firstAllowed
            ) {
                return found
            }
            captured.removeLast()
        }
        if !nodes[node].catchAll.isEmpty {
            if let r = pick(nodes[node].catchAll, method) { return (r, captured + [segments.joined(separator: "/")]) }
            if firstAllowed == nil, let any = nodes[node].catchAll.first?.value {
                firstAllowed = (Array(nodes[node].catchAll.keys), any.specificity)
            }
        }
        return nil
    }

    /// The longest template prefix the path walks down (literals first, then a capture), with its captures:
    /// what middleware needs to know about a request no route matches (`/{account_id}` for `/545/nope`).
    func prefix(of segments: [String]) -> (template: String, parameters: [String: String])? {
        var node = 0
        var values: [String] = []
        for segment in segments {
            if let next = nodes[node].literals[segment] {
                node = next
            } else if let next = nodes[node].capture {
                values.append(segment)
                node = next
            } else {
                break
            }
        }
        guard node != 0 else { return nil }
        var parameters: [String: String] = [:]
        for (name, value) in zip(nodes[node].prefixNames, values) { parameters[name] = value }
        return (nodes[node].prefix, parameters)
    }

    // MARK: Dispatch

    /// Dispatches through the middleware chain to the route, or to this router's 404/405 answers.
    /// Never throws: an `HTTPResponseError` becomes its response, anything else `internalError`.
    public func respond(to request: Request) -> Response {
        let segments = URLCoding.pathNames(request.rawPath)
        return respond(to: request, match: match(request.method, segments: segments), segments: segments)
    }

    /// Dispatches with a match computed beforehand (the `Dispatcher` matches once per request).
    func respond(to request: Request, match: Match, segments: [String]) -> Response {
        var routed = request
        switch match {
        case .found(_, let parameters, let template, _):
            routed.route = template
            routed.routePrefix = template
            routed.pathParameters = parameters
        case .methodNotAllowed, .notFound:
            if let (template, parameters) = prefix(of: segments) {
                routed.routePrefix = template
                routed.pathParameters = parameters
            }
        }
        return runMiddleware(at: 0, routed, match)
    }

    private func runMiddleware(at index: Int, _ request: Request, _ match: Match) -> Response {
        do {
            if index == middlewares.count { return try dispatch(request, match) }
            return try middlewares[index].handle(request) { runMiddleware(at: index + 1, $0, match) }
        } catch {
            return render(error, request)
        }
    }

    /// The one place errors become responses.
    private func render(_ error: any Error, _ request: Request) -> Response {
        if let known = error as? any HTTPResponseError { return known.response }
        reportUnexpected(request, error)
        return internalError(request, error)
    }

    private func dispatch(_ request: Request, _ match: Match) throws -> Response {
        switch match {
        case .found(let handler, _, _, _):
            return try handler(request)
        case .methodNotAllowed(let allowed, _):
            var response = methodNotAllowed(request, allowed)
            response.headers.replaceOrAdd(name: "Allow", value: allowed.map(\.rawValue).joined(separator: ", "))
            return response
        case .notFound:
            return notFound(request)
        }
    }
}

/// How specific a route template is, segment by segment (literal > capture > rest-capture), compared
/// lexicographically: the same precedence the trie applies inside one router, so that the `Dispatcher` can
/// rank the matches of several routers without depending on their order.
public struct Specificity: Sendable, Comparable {
    static let catchAll: UInt8 = 0
    static let capture: UInt8 = 1
    static let literal: UInt8 = 2
    let kinds: [UInt8]

    init(_ kinds: [UInt8]) { self.kinds = kinds }

    /// Every segment literal: no other template can match the same path more specifically.
    public var isAllLiteral: Bool { kinds.allSatisfy { $0 == Specificity.literal } }

    public static func < (a: Specificity, b: Specificity) -> Bool {
        for (x, y) in zip(a.kinds, b.kinds) where x != y { return x < y }
        return a.kinds.count < b.kinds.count
    }
}
