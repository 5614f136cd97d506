// SPDX-License-Identifier: Apache-2.0
import ControlPlane
import EmulatorKit
import Glibc
import HTTPCore
import Logging
import Routing

/// The emulator's own routes under `/_emulator/`: health, the virtual clock, injected latency, and a
/// constant body for benchmarks. Not part of any vendor's API.
struct ControlAPI: Sendable {
    let clock: EmulatorClock
    let startedAt: Timestamp
    let vendors: [any Vendor]
    let changes: ChangeFeed
    /// `--control-token`: when set, every control route but health wants `Authorization: Bearer <token>`.
    var token: String?
    /// The journals the server handler and the webhook sender write, read by `/_emulator/requests|deliveries`.
    var requests: RequestJournal?
    var deliveries: DeliveryJournal?
    /// The scripted faults behind `/_emulator/faults`; a full reset clears them.
    var faults: FaultPlan
    /// Readiness and the counters behind `/_emulator/metrics`.
    var operations = Operations()
    /// Where `/_emulator/stall` says that it holds a loop thread.
    var logger = Logger.mailDouble(format: .text, level: .notice)
    static let version = "0.1.0"
    /// The fixed bytes the benchmark compares with nginx serving the same file statically.
    static let pingBody: [UInt8] = Array(#"{"object":"ping","status":"ok","emulator":"maildouble"}"#.utf8)

    func makeRouter() -> Router {
        var router = Router()
        router.claims = { $0.rawPath.hasPrefix("/_emulator") }
        if let token { router.use(ControlTokenMiddleware(token: token)) }
        let plane = ControlPlane(vendors: vendors, changes: changes, requests: requests, deliveries: deliveries)
        plane.addRoutes(to: &router)
        for vendor in vendors { vendor.addControlRoutes(to: &router) }
        FaultRoutes(plan: faults, clock: clock, vendors: vendors.map(\.name)).addRoutes(to: &router)
        router.get("/_emulator/health") { _ in
            .json([
                "status": "ok",
                "version": .string(ControlAPI.version),
                "vendors": .array(vendors.map { .string($0.name) }),
                "clock": .string(clock.now().iso8601()),
                "uptime_seconds": .int(Int((clock.nowMillis() - startedAt.millis - clock.offsetMillis) / 1000)),
                // Stored messages dropped, oldest first, to stay within `--max-messages` per tenant.
                "evicted_messages": .object(JSONObject(vendors.map { ($0.name, .int($0.evictedMessages)) })),
                // `GET /_emulator/messages/wait` requests parked now (a test can wait for its waiter to park).
                "parked_waiters": .int(plane.parkedWaiters),
            ])
        }
        // Probes (exempt from --control-token, like health). Live: the loops answer. Ready: listening with
        // fixtures and state loaded, and not draining.
        router.get("/_emulator/livez") { _ in .json(["status": "ok"]) }
        let operations = self.operations
        router.get("/_emulator/readyz") { _ in
            let phase = operations.phase
            return .json(["status": .string(phase.rawValue)], status: phase == .ready ? .ok : .serviceUnavailable)
        }
        router.get("/_emulator/metrics") { _ in
            Response(
                status: .ok,
                headers: ["Content-Type": PrometheusText.contentType, "Cache-Control": "no-store"],
                body: operations.metricsText(vendors: vendors, parkedWaiters: plane.parkedWaiters)
            )
        }
        router.get("/_emulator/ping") { _ in
            Response(status: .ok, headers: ["Content-Type": "application/json"], body: ControlAPI.pingBody)
        }
        router.get("/_emulator/clock") { _ in clockBody() }
        // Back to real time (offset 0), for test isolation.
        router.post("/_emulator/clock/reset") { _ in
            clock.reset()
            return clockBody()
        }
        // Moves emulator time: {"seconds": 90} or ?seconds=90. Tests use this instead of sleeping.
        router.post("/_emulator/clock/advance") { request in
            var seconds: Double?
            if let q = request.query("seconds") { seconds = Double(q) }
            if seconds == nil, !request.body.isEmpty {
                guard let body = try? request.jsonBody() else {
                    throw HTTPError(.badRequest, message: "The body must be JSON like {\"seconds\": 60}.")
                }
                seconds = body["seconds"]?.doubleValue
            }
            guard let s = seconds, s.isFinite, abs(s) <= 400 * 86400 else {
                throw HTTPError(.badRequest, message: "Give 'seconds' as a number (at most 400 days).")
            }
            // Time only moves forward: vendors derive message lives and token expiry from it, and a step back
            // would un-deliver messages already reported delivered. `POST /_emulator/clock/reset` goes back.
            guard s >= 0 else {
                throw HTTPError(
                    .badRequest,
                    message: "'seconds' must not be negative: time only moves forward (POST /_emulator/clock/reset)."
                )
            }
            clock.advance(bySeconds: s)
            // Events that came due are on the change feed before this answer, so a test can rely on them.
            for vendor in vendors { vendor.publishDueEvents() }
            return clockBody()
        }
        // Back to the fixtures: every vendor, or only `?vendor=flowmailer|postflare|flowdock`, optionally only
        // one `&tenant=`. Other vendors and tenants are untouched; the clock keeps its offset unless `clock=1`.
        router.post("/_emulator/reset") { request in
            let resetClock: Bool
            switch request.query("clock") {
            case nil, "0", "false": resetClock = false
            case "1", "true": resetClock = true
            default: throw HTTPError(.badRequest, message: "'clock' is 1 (also reset the clock) or 0.")
            }
            if resetClock { clock.reset() }
            let wanted = request.query("vendor")
            let chosen = vendors.filter { wanted == nil || $0.name == wanted }
            guard !chosen.isEmpty else {
                throw HTTPError(
                    .badRequest,
                    message: "Unknown vendor; use one of \(vendors.map(\.name).joined(separator: ", "))."
                )
            }
            // `tenant` is a provisioned tenant's name or a native id, resolved per vendor; without `vendor`, every
            // vendor that has it is reset (404 when none has).
            if let tenant = request.query("tenant") {
                let found = chosen.compactMap { v in v.resolveTenant(tenant).map { (vendor: v, native: $0) } }
                let done = found.filter { $0.vendor.reset(tenant: $0.native) }.map(\.vendor.name)
                guard !done.isEmpty else {
                    let who = wanted ?? "No vendor"
                    throw HTTPError(.notFound, message: "\(who) has no tenant '\(tenant)'.")
                }
                return .json(["reset": .array(done.map { .string($0) }), "tenant": .string(tenant)])
            }
            for vendor in chosen { vendor.reset() }
            // A reset of everything (no `vendor`) also removes every fault rule.
            if wanted == nil { faults.removeAll() }
            return .json(["reset": .array(chosen.map { .string($0.name) })])
        }
        // Injected latency: answers after `ms` real milliseconds (≤ 30000) on the event loop's timers, while
        // the loop keeps serving everyone else.
        router.get("/_emulator/delay") { request in
            guard let ms = Int(request.query("ms") ?? ""), (0...30_000).contains(ms) else {
                throw HTTPError(.badRequest, message: "Give 'ms' between 0 and 30000.")
            }
            return .after(milliseconds: ms) { .json(["delayed_ms": .int(ms)]) }
        }
        // A stuck handler, on purpose: holds the event-loop thread that serves it for `ms` real milliseconds
        // (≤ 30000), so that clients' timeouts and the enforced drain deadline can be tested. Every other
        // connection on that loop waits meanwhile.
        router.get("/_emulator/stall") { request in
            guard let ms = Int(request.query("ms") ?? ""), (0...30_000).contains(ms) else {
                throw HTTPError(.badRequest, message: "Give 'ms' between 0 and 30000.")
            }
            logger.notice(
                "/_emulator/stall: holding an event-loop thread for \(ms) ms",
                metadata: ["event": "stall", "ms": .stringConvertible(ms)]
            )
            var ts = timespec(tv_sec: ms / 1000, tv_nsec: (ms % 1000) * 1_000_000)
            var remaining = timespec()
            while nanosleep(&ts, &remaining) != 0 && errno == EINTR { ts = remaining }
            return .json(["stalled_ms": .int(ms)])
        }
        return router
    }

    private func clockBody() -> Response {
        .json(["now": .string(clock.now().iso8601()), "offset_ms": .int(clock.offsetMillis)])
    }
}

/// `--control-token`: a shared CI instance's control routes (reset, clock, faults to come) are not for
/// whoever can reach the port. Health and the probes (`livez`, `readyz`) stay open for orchestrators, which
/// send no token; `/_emulator/metrics` wants it (Prometheus scrape configs can send a bearer token).
struct ControlTokenMiddleware: Middleware {
    let token: String

    func handle(_ request: Request, next: (Request) -> Response) throws -> Response {
        // Health and probes; the inbox's page and assets, which hold no data and ask for the token.
        if let route = request.route, Self.open.contains(route) || route.hasPrefix("/_emulator/ui") {
            return next(request)
        }
        guard let given = Credentials.bearer(request.headers), Self.equal(given, token) else {
            var r = Response.json(
                [
                    "error": "unauthorized",
                    "message": "The control routes want 'Authorization: Bearer <token>' (--control-token).",
                ],
                status: .unauthorized
            )
            r.headers["WWW-Authenticate"] = "Bearer realm=\"maildouble-control\""
            return r
        }
        return next(request)
    }

    static let open: Set<String> = ["/_emulator/health", "/_emulator/livez", "/_emulator/readyz"]

    /// Compares without stopping at the first difference, so timing does not reveal a prefix.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) { diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0) }
        return diff == 0
    }
}
