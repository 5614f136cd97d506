// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// The `Idempotency-Key` cache of `POST /emails` and `POST /emails/batch` (spec §9).
///
/// Choices where the docs are silent (spec §9 "Not documented"): keys are scoped per team and the
/// endpoint is part of the payload fingerprint, so one key reused across `/emails` and `/emails/batch` is a
/// 409 `invalid_idempotent_request`; only successful (2xx) answers are remembered — a failed attempt
/// releases the key so that the client may retry it ("we check if an email … has already been sent").
final class IdempotencyCache: Sendable {
    enum Begin {
        /// The caller owns the key now and must call `finish` (or the key stays in flight).
        case proceed
        /// The original answer, replayed without sending again.
        case replay(status: Int, body: [UInt8])
        case conflict(PostflareError)
    }

    private enum Entry {
        case inFlight(fingerprint: [UInt8])
        case done(fingerprint: [UInt8], status: Int, body: [UInt8], expiresAt: Int64)
    }

    /// "We keep idempotency keys in our system for 24 hours."
    static let retentionMillis: Int64 = 24 * 3600 * 1000

    private let entries = Locked<[String: Entry]>([:])
    /// Test hook run after a key is marked in flight and before the send happens, outside the lock, so a
    /// test can hold the first request while a second one arrives on another thread.
    let afterReserve = Locked<(@Sendable () -> Void)?>(nil)

    /// Checks `key` (already validated for length) and reserves it when it is new or expired.
    func begin(team: String, key: String, fingerprint: [UInt8], now: Int64) -> Begin {
        let slot = team + "\u{0}" + key
        let result: Begin = entries.withLock { entries in
            switch entries[slot] {
            case .inFlight(let fp):
                return .conflict(fp == fingerprint ? .concurrentIdempotentRequests : .invalidIdempotentRequest)
            case .done(let fp, let status, let body, let expiresAt) where expiresAt > now:
                return fp == fingerprint ? .replay(status: status, body: body) : .conflict(.invalidIdempotentRequest)
            default:
                entries[slot] = .inFlight(fingerprint: fingerprint)
                return .proceed
            }
        }
        if case .proceed = result, let hook = afterReserve.withLock({ $0 }) { hook() }
        return result
    }

    /// Records the answer for a reserved key: kept when successful, released otherwise.
    func finish(team: String, key: String, fingerprint: [UInt8], status: Int, body: [UInt8], now: Int64) {
        let slot = team + "\u{0}" + key
        entries.withLock { entries in
            if (200..<300).contains(status) {
                entries[slot] = .done(
                    fingerprint: fingerprint,
                    status: status,
                    body: body,
                    expiresAt: now + Self.retentionMillis
                )
            } else {
                entries[slot] = nil
            }
            // Forget expired keys now and then so that the cache does not grow without bound.
            if entries.count > 10_000 {
                entries = entries.filter { if case .done(_, _, _, let e) = $0.value { e > now } else { true } }
            }
        }
    }

    func reset() { entries.withLock { $0.removeAll() } }

    /// A finished key as persistence saves it (`--data-dir`); in-flight ones are not: their request got no
    /// answer, so a client retries it.
    struct Saved: Codable, Sendable {
        var slot: String
        var fingerprint: [UInt8]
        var status: Int
        var body: [UInt8]
        var expiresAt: Int64
    }

    /// The finished keys still within their 24 h at `now`.
    func saved(now: Int64) -> [Saved] {
        entries.withLock { entries in
            entries.compactMap { slot, entry in
                guard case .done(let fp, let status, let body, let expiresAt) = entry, expiresAt > now else {
                    return nil
                }
                return Saved(slot: slot, fingerprint: fp, status: status, body: body, expiresAt: expiresAt)
            }
        }
    }

    /// Replaces every key with saved ones (a restart).
    func restore(_ saved: [Saved]) {
        entries.withLock { entries in
            entries = [:]
            for s in saved {
                entries[s.slot] = .done(
                    fingerprint: s.fingerprint,
                    status: s.status,
                    body: s.body,
                    expiresAt: s.expiresAt
                )
            }
        }
    }

    /// Forgets one team's keys (its reset).
    func reset(team: String) {
        let prefix = team + "\u{0}"
        entries.withLock { $0 = $0.filter { !$0.key.hasPrefix(prefix) } }
    }
}

extension PostflareAPI {
    /// Runs `send` under the request's `Idempotency-Key`, if any (spec §9).
    func idempotent(
        _ request: Request,
        principal: Principal,
        endpoint: String,
        _ send: () throws -> Response
    )
        throws -> Response
    {
        guard let key = request.headers["Idempotency-Key"] else { return try send() }
        guard (1...256).contains(key.utf8.count) else { throw PostflareError.invalidIdempotencyKey.httpError }
        var fingerprint = Array(endpoint.utf8)
        fingerprint.append(0)
        if let json = try? request.jsonBody() { fingerprint += json.serialized() } else { fingerprint += request.body }
        let now = store.now
        switch store.idempotency.begin(team: principal.teamId, key: key, fingerprint: fingerprint, now: now) {
        case .conflict(let error):
            throw error.httpError
        case .replay(let status, let body):
            return Response(status: HTTPStatus(status), headers: ["Content-Type": jsonContentType], body: body)
        case .proceed:
            let response: Response
            do {
                response = try send()
            } catch {
                // A failed send releases the key (any non-2xx status does), so the client may retry it.
                let status = (error as? any HTTPResponseError)?.response.status.code ?? 500
                store.idempotency.finish(
                    team: principal.teamId,
                    key: key,
                    fingerprint: fingerprint,
                    status: status,
                    body: [],
                    now: now
                )
                throw error
            }
            store.idempotency.finish(
                team: principal.teamId,
                key: key,
                fingerprint: fingerprint,
                status: response.status.code,
                body: response.body,
                now: store.now
            )
            return response
        }
    }
}
