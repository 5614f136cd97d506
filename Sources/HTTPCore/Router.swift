// SPDX-License-Identifier: Apache-2.0

/// A route handler. It runs on an event-loop thread: do the work, return the response, never block.
/// To answer later, return `Response.later(promise)` and complete the promise from anywhere.
public typealias Handler = @Sendable (Request) throws -> Response

/// Wraps every request a router dispatches (authentication, rate limiting, content negotiation…).
public protocol Middleware: Sendable {
    func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response
}

/// A route table matching method + path template. Templates are `/`-separated; a segment `{name}`
/// captures one decoded segment, a last segment `{name...}` captures the rest of the path. Literals win
/// over captures, with backtracking (`/flows/all` beats `/flows/{org}`). Matrix parameters (`;k=v`) are
/// not part of a segment's name. `HEAD` falls back to the `GET` handler.
///
/// Build it once at start-up; afterwards it is an immutable value shared by every event loop.
public struct Router: Sendable {
    struct Route: Sendable {
        var paramNames: [String]
        var handler: Handler
    }

    struct Node: Sendable {
        var literals: [String: Int] = [:]
        var capture: Int?
        var catchAll: [String: Route] = [:]  // method → route, for `{rest...}` at this depth
        var routes: [String: Route] = [:]  // method → route
    }

    private var nodes: [Node] = [Node()]
    private var middlewares: [any Middleware] = []

    /// Builds the 404 answer for a path no route matches (vendor-specific body).
    public var notFound: @Sendable (Request) -> Response = { request in
        .json(
            ["error": "Not Found", "message": .string("No route for \(request.method) \(request.rawPath)")],
            status: .notFound)
    }
    /// Builds the 405 answer; the router adds the `Allow` header.
    public var methodNotAllowed: @Sendable (Request, [HTTPMethod]) -> Response = { request, _ in
        .json(
            ["error": "Method Not Allowed", "message": .string("\(request.method) is not allowed on \(request.rawPath)")],
            status: .methodNotAllowed)
    }
    /// Builds the answer to an unexpected (non-`HTTPError`) error. The error itself is never echoed.
    public var internalError: @Sendable (Request, any Error) -> Response = { _, _ in
        .json(["error": "Internal Server Error", "message": "The emulator failed to handle this request."], status: .internalServerError)
    }
    /// Whether a request no route matches belongs to this router (so that its `notFound` answers it).
    public var claims: @Sendable (Request) -> Bool = { _ in false }

    public init() {}

    // MARK: Building

    public mutating func add(_ method: HTTPMethod, _ template: String, _ handler: @escaping Handler) {
        var node = 0
        var names: [String] = []
        let segments = template.split(separator: "/", omittingEmptySubsequences: true)
        for (index, segment) in segments.enumerated() {
            if segment.hasPrefix("{") && segment.hasSuffix("...}") {
                precondition(index == segments.count - 1, "a {rest...} capture must be last: \(template)")
                names.append(String(segment.dropFirst().dropLast(4)))
                nodes[node].catchAll[method.rawValue] = Route(paramNames: names, handler: handler)
                return
            }
            if segment.hasPrefix("{") && segment.hasSuffix("}") {
                names.append(String(segment.dropFirst().dropLast()))
                if let next = nodes[node].capture {
                    node = next
                } else {
                    nodes.append(Node())
                    nodes[node].capture = nodes.count - 1
                    node = nodes.count - 1
                }
            } else {
                let key = String(segment)
                if let next = nodes[node].literals[key] {
                    node = next
                } else {
                    nodes.append(Node())
                    nodes[node].literals[key] = nodes.count - 1
                    node = nodes.count - 1
                }
            }
        }
        nodes[node].routes[method.rawValue] = Route(paramNames: names, handler: handler)
    }

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
        case found(handler: Handler, parameters: [String: String])
        case methodNotAllowed([HTTPMethod])
        case notFound
    }

    /// Finds the route for `method` and a raw path.
    public func match(_ method: HTTPMethod, path rawPath: String) -> Match {
        match(method, segments: URLCoding.pathNames(rawPath))
    }

    /// Finds the route for `method` and already decoded path segments.
    public func match(_ method: HTTPMethod, segments: [String]) -> Match {
        var captured: [String] = []
        var firstAllowed: [String]?
        if let (route, values) = search(node: 0, segments: segments[...], method: method.rawValue, captured: &captured,
            firstAllowed: &firstAllowed)
        {
            var parameters: [String: String] = [:]
            for (name, value) in zip(route.paramNames, values) { parameters[name] = value }
            return .found(handler: route.handler, parameters: parameters)
        }
        if let allowed = firstAllowed {
            var methods = allowed
            if methods.contains("GET") && !methods.contains("HEAD") { methods.append("HEAD") }
            return .methodNotAllowed(methods.sorted().map { HTTPMethod($0) })
        }
        return .notFound
    }

    private func pick(_ routes: [String: Route], _ method: String) -> Route? {
        if let r = routes[method] { return r }
        if method == "HEAD" { return routes["GET"] }
        return nil
    }

    private func search(
        node: Int, segments: ArraySlice<String>, method: String, captured: inout [String], firstAllowed: inout [String]?
    ) -> (Route, [String])? {
        // Fields are read through `nodes[node]` in place: binding the node to a local copied its four
        // dictionaries (four retains and releases per path segment).
        guard let segment = segments.first else {
            if let r = pick(nodes[node].routes, method) { return (r, captured) }
            if !nodes[node].routes.isEmpty && firstAllowed == nil { firstAllowed = Array(nodes[node].routes.keys) }
            if let r = pick(nodes[node].catchAll, method) { return (r, captured + [""]) }
            return nil
        }
        let rest = segments.dropFirst()
        if let next = nodes[node].literals[segment],
            let found = search(node: next, segments: rest, method: method, captured: &captured, firstAllowed: &firstAllowed)
        {
            return found
        }
        if let next = nodes[node].capture {
            if captured.isEmpty { captured.reserveCapacity(4) }
            captured.append(segment)
            if let found = search(node: next, segments: rest, method: method, captured: &captured, firstAllowed: &firstAllowed) {
                return found
            }
            captured.removeLast()
        }
        if !nodes[node].catchAll.isEmpty {
            if let r = pick(nodes[node].catchAll, method) { return (r, captured + [segments.joined(separator: "/")]) }
            if firstAllowed == nil { firstAllowed = Array(nodes[node].catchAll.keys) }
        }
        return nil
    }

    // MARK: Dispatch

    /// Dispatches through the middleware chain to the route, or to this router's 404/405 answers.
    /// Never throws: `HTTPError` becomes its response, anything else `internalError`.
    public func respond(to request: Request) -> Response {
        respond(to: request, match: match(request.method, path: request.rawPath))
    }

    /// Dispatches with a match computed beforehand (the `Dispatcher` matches once per request).
    func respond(to request: Request, match: Match) -> Response {
        do {
            return try runMiddleware(at: 0, request, match)
        } catch let error as HTTPError {
            return error.response
        } catch {
            return internalError(request, error)
        }
    }

    private func runMiddleware(at index: Int, _ request: Request, _ match: Match) throws -> Response {
        if index == middlewares.count { return try dispatch(request, match) }
        return try middlewares[index].handle(request) { try runMiddleware(at: index + 1, $0, match) }
    }

    private func dispatch(_ request: Request, _ match: Match) throws -> Response {
        switch match {
        case .found(let handler, let parameters):
            var routed = request
            routed.pathParameters = parameters
            return try handler(routed)
        case .methodNotAllowed(let allowed):
            var response = methodNotAllowed(request, allowed)
            response.headers.replaceOrAdd(name: "Allow", value: allowed.map(\.rawValue).joined(separator: ", "))
            return response
        case .notFound:
            return notFound(request)
        }
    }
}

/// The top of the routing tree: several routers (one per emulated vendor, plus the emulator's own),
/// tried in order. The first whose routes match the path answers; when none does, the first that
/// `claims` the request answers with its 404, else `fallback`'s.
public struct Dispatcher: Sendable {
    public var routers: [Router]
    public var fallback: Router

    public init(routers: [Router], fallback: Router = Router()) {
        self.routers = routers
        self.fallback = fallback
    }

    public func respond(to request: Request) -> Response {
        let segments = URLCoding.pathNames(request.rawPath)
        for router in routers {
            let match = router.match(request.method, segments: segments)
            if case .notFound = match { continue }
            return router.respond(to: request, match: match)
        }
        for router in routers where router.claims(request) {
            return router.respond(to: request)
        }
        return fallback.respond(to: request)
    }
}
