// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// Per-team fixed one-second windows on the emulator clock (spec §4): "This limit applies across all API
/// keys associated with your team". A fixture may give a team its own limit.
struct RateLimitGate: Sendable {
    let defaultLimiter: RateLimiter
    let teamLimiters: [String: RateLimiter]

    init(defaultLimit: Int, teamLimits: [String: Int], clock: EmulatorClock) {
        defaultLimiter = RateLimiter(limit: defaultLimit, windowSeconds: 1, clock: clock)
        var perTeam: [String: RateLimiter] = [:]
        for (team, limit) in teamLimits { perTeam[team] = RateLimiter(limit: limit, windowSeconds: 1, clock: clock) }
        teamLimiters = perTeam
    }

    func limiter(team: String) -> RateLimiter { teamLimiters[team] ?? defaultLimiter }

    /// No limiter counts anything (`--postflare-rate-limit 0` and no fixture team limits).
    var isOff: Bool { !defaultLimiter.isEnabled && teamLimiters.values.allSatisfy { !$0.isEnabled } }

    func reset() {
        defaultLimiter.reset()
        for l in teamLimiters.values { l.reset() }
    }
}

/// Counts each request against its team and adds the `ratelimit-*` headers to every answer, success or
/// error (spec §4, seen on 2xx and 4xx in the recordings). Requests without a known key are counted per
/// token (or together when there is none), so a flood of bad keys is limited too.
struct RateLimitMiddleware: Middleware {
    let api: PostflareAPI
    /// Fixed when the router is built: limits come from the options and fixtures, which a reset reloads
    /// with the same options (see `PostflareAPI.reset`).
    let isOff: Bool

    init(api: PostflareAPI) {
        self.api = api
        isOff = api.rateLimiter.isOff
    }

    func handle(_ request: Request, next: (Request) -> Response) throws -> Response {
        // Limiting off: skip the token lookup (a lock and a copy of the key) that only picks the bucket.
        if isOff { return next(request) }
        let token = Credentials.bearer(request.headers)
        let bucket: String
        if let token, let team = api.store.team(ofToken: token) {
            bucket = team
        } else {
            bucket = "anonymous:" + (token ?? "")
        }
        let limiter = api.rateLimiter.limiter(team: bucket)
        guard limiter.isEnabled else { return next(request) }
        let decision = limiter.check(bucket)
        var response: Response
        if decision.allowed {
            response = next(request)
        } else {
            response = PostflareError.rateLimited(limit: decision.limit, retryAfter: decision.resetSeconds).response
        }
        response.headers.replaceOrAdd(name: "ratelimit-limit", value: String(decision.limit))
        response.headers.replaceOrAdd(name: "ratelimit-remaining", value: String(decision.remaining))
        response.headers.replaceOrAdd(name: "ratelimit-reset", value: String(decision.resetSeconds))
        response.headers.replaceOrAdd(name: "ratelimit-policy", value: "\(decision.limit);w=1")
        return response
    }
}
