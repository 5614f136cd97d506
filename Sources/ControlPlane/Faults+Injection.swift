// SPDX-License-Identifier: Apache-2.0
public import EmulatorKit
public import HTTPCore
public import Routing

/// Applies the fault plan to a resolved request: the server's handler asks it instead of the dispatcher while
/// any rule is set. Requests to the control routes (router `emulator`) are never faulted.
///
/// What each action answers:
/// - `status`: the matched router's `errorResponse` (the vendor's own format; the fallback's for a request no
///   vendor claims) with that status and `message` (default: a short sentence for the status). 429 and 503
///   get `Retry-After: retry_after` (default 1); a `ratelimit-reset` the vendor adds (Postflare) is set to it
///   too. `body` replaces the body (a JSON value is serialized, a string sent as is), `headers` replace or add.
/// - `delay_ms`: the request is handled at once (a send is stored) and its answer sent that much later, on the
///   loop's timers. An answer that is itself deferred (none of the vendors' is) is not delayed further.
/// - `drop: before`, `reset`, `rst_stream`, `goaway`: not handled; `drop: after_commit`, `slow_body`: handled.
public struct FaultInjector: Sendable {
    public let plan: FaultPlan
    let dispatcher: Dispatcher
    /// Per router index: the vendor whose `tenant(of:)` answers `match.tenant`.
    let vendorOfRouter: [(any Vendor)?]
    let controlRouter: Int?

    /// - Parameters:
    ///   - plan: built with `dispatcher.routers.map(\.name)`.
    ///   - dispatcher: answers unfaulted requests and renders `status` faults.
    ///   - vendors: the vendors behind the routers, matched by name.
    public init(plan: FaultPlan, dispatcher: Dispatcher, vendors: [any Vendor]) {
        self.plan = plan
        self.dispatcher = dispatcher
        vendorOfRouter = dispatcher.routers.map { router in vendors.first { $0.name == router.name } }
        controlRouter = dispatcher.routers.firstIndex { $0.name == "emulator" }
    }

    /// The answer to `request`: faulted if a rule fires, else the dispatcher's.
    public func respond(to request: Request, resolution: Dispatcher.Resolution) -> Response {
        guard !plan.isEmpty, resolution.router == nil || resolution.router != controlRouter,
            let rule = plan.fire(
                request,
                router: resolution.router,
                route: resolution.route,
                tenant: { request in resolution.router.flatMap { vendorOfRouter[$0] }?.tenant(of: request) },
                resolveTenant: { name in resolution.router.flatMap { vendorOfRouter[$0] }?.resolveTenant(name) }
            )
        else { return dispatcher.respond(to: request, resolution: resolution) }
        return apply(rule, to: request, resolution: resolution)
    }

    func apply(_ rule: FaultRule, to request: Request, resolution: Dispatcher.Resolution) -> Response {
        let id = rule.id
        switch rule.action {
        case .status(let fault):
            var r = statusResponse(fault, request: request, resolution: resolution)
            r.faultID = id
            return r
        case .delay(let ms):
            let real = dispatcher.respond(to: request, resolution: resolution)
            if real.deferred != nil { return real.with(connectionAction: nil, faultID: id) }
            var delayed = real
            delayed.faultID = id
            var r = Response.after(milliseconds: ms) { [delayed] in delayed }
            r.faultID = id
            return r
        case .drop(let afterCommit):
            guard afterCommit else { return Response().with(connectionAction: .close, faultID: id) }
            return dispatcher.respond(to: request, resolution: resolution).with(connectionAction: .close, faultID: id)
        case .reset:
            return Response().with(connectionAction: .reset, faultID: id)
        case .slowBody(let rate):
            return dispatcher.respond(to: request, resolution: resolution)
                .with(connectionAction: .slowBody(bytesPerSecond: rate), faultID: id)
        case .rstStream(let code):
            return Response().with(connectionAction: .rstStream(code: code), faultID: id)
        case .goaway(let code):
            return Response().with(connectionAction: .goaway(code: code), faultID: id)
        case .refuse:
            return dispatcher.respond(to: request, resolution: resolution)  // a listener rule; never fired here
        }
    }

    func statusResponse(
        _ fault: FaultAction.StatusFault,
        request: Request,
        resolution: Dispatcher.Resolution
    ) -> Response {
        let router = resolution.router.map { dispatcher.routers[$0] } ?? dispatcher.fallback
        let status = HTTPStatus(fault.status)
        var r = router.errorResponse(request, status, fault.message ?? Self.defaultMessage(fault.status))
        r.status = status
        if fault.status == 429 || fault.status == 503 {
            let seconds = String(fault.retryAfter)
            r.headers.replaceOrAdd(name: "Retry-After", value: seconds)
            if r.headers["ratelimit-reset"] != nil { r.headers.replaceOrAdd(name: "ratelimit-reset", value: seconds) }
        }
        switch fault.body {
        case nil: break
        case .text(let text): r.body = Array(text.utf8)
        case .json(let json): r.body = json.serialized()
        }
        for header in fault.headers { r.headers.replaceOrAdd(name: header.name, value: header.value) }
        return r
    }

    /// The sentence a `status` fault without `message` hands the vendor's error format.
    static func defaultMessage(_ status: Int) -> String {
        switch status {
        case 429: "Too many requests."
        case 500: "An unexpected error occurred."
        case 502: "Bad gateway."
        case 503: "The service is temporarily unavailable."
        case 504: "Gateway timeout."
        default: HTTPStatus(status).reason
        }
    }
}
