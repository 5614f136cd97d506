// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// Who is calling: resolved from the bearer token by the auth middleware.
struct Principal: RequestIdentity, Codable {
    var teamId: String
    var keyId: String
    var permission: String
    var domainId: String?

    var tenant: String { teamId }
}

/// Every team's state behind one lock. Handlers are short and synchronous, so one lock is enough: a
/// request never holds it while doing I/O.
final class PostflareStore: Sendable {
    struct State: Sendable, Codable {
        var teams: [String: Team] = [:]
        /// Bearer token → principal, kept in step with `Team.keys` by the api-key handlers and fixtures.
        /// Authentication reads only this index: reading a `Team` out of `teams` would copy it.
        var tokens: [String: Principal] = [:]
        /// Key id → last use, for `GET /api-keys` (kept here so that every request does not touch a team).
        var lastUsed: [String: Int64] = [:]
        var seq = 0
        /// Contact imports with rows still to apply, oldest first (`PostflareAPI.processPendingWork`).
        var importQueue: [ContactImportJob] = []

        mutating func nextSeq() -> Int {
            seq += 1
            return seq
        }

        /// Registers a key of `team` (which must be checked out of `teams` or be written back after).
        mutating func index(_ key: APIKeyRecord, team teamId: String) {
            tokens[key.token] = Principal(
                teamId: teamId,
                keyId: key.id,
                permission: key.permission,
                domainId: key.domainId
            )
        }

        mutating func unindex(_ key: APIKeyRecord) {
            tokens[key.token] = nil
            lastUsed[key.id] = nil
        }
    }

    let clock: EmulatorClock
    private let state = Locked(State())
    let idempotency = IdempotencyCache()

    init(clock: EmulatorClock) { self.clock = clock }

    var now: Int64 { clock.nowMillis() }
    /// Real time, for webhook signatures (`EmulatorClock.realNowMillis()`).
    var realNow: Int64 { clock.realNowMillis() }

    /// Runs `body` on the whole state under the lock.
    func withState<R: Sendable>(_ body: (inout State) throws(PostflareError) -> R) throws(PostflareError) -> R {
        try state.withLock { (s: inout State) throws(PostflareError) -> R in try body(&s) }
    }

    /// Runs `body` on one team under the lock. Teams are never removed, and principals only name existing
    /// ones; an unknown team id still gets a fresh empty team rather than a crash. The team is written back
    /// even when `body` throws, so handlers validate everything before they change anything.
    func withTeam<R: Sendable>(
        _ teamId: String,
        _ body: (inout Team, inout State) throws(PostflareError) -> R
    )
        throws(PostflareError) -> R
    {
        try state.withLock { (s: inout State) throws(PostflareError) -> R in
            var team = s.teams.removeValue(forKey: teamId) ?? Team(id: teamId, ownerEmail: "owner@example.org")
            // Automation runs whose delay has ended move on before anyone looks at the team.
            team.advanceRuns(now: clock.nowMillis(), seq: &s.seq)
            let result: Result<R, PostflareError>
            do throws(PostflareError) { result = .success(try body(&team, &s)) } catch { result = .failure(error) }
            // Moved back, not copied: writing it back in a `defer` retained and released every one of the
            // team's ~25 collections per call.
            s.teams[teamId] = consume team
            return try result.get()
        }
    }

    /// The principal for `token`, recording the key's `last_used_at`.
    func resolve(token: String) -> Principal? {
        let now = self.now
        return state.withLock { s -> Principal? in
            guard let p = s.tokens[token] else { return nil }
            s.lastUsed[p.keyId] = now
            return p
        }
    }

    /// The team a token belongs to, for rate limiting before authentication.
    func team(ofToken token: String) -> String? {
        state.withLock { $0.tokens[token]?.teamId }
    }
}

extension DomainRecord {
    /// Domain status on the emulator clock: a verification request completes 5 s later (DNS is not checked).
    func status(now: Int64) -> String {
        if verified { return "verified" }
        guard let at = verifyRequestedAt else { return "not_started" }
        return now - at >= 5_000 ? "verified" : "pending"
    }
}
