// SPDX-License-Identifier: Apache-2.0
public import EmulatorKit
import HTTPCore

/// Every outbound webhook POST the emulator made (`GET /_emulator/deliveries`), newest `capacity` kept.
/// The app's delivery worker writes each attempt here before it announces it on the change feed
/// (`delivery.attempted`), so a waiter woken by that change finds the attempt in the journal.
public final class DeliveryJournal: Sendable {
    struct Entry: Sendable {
        var seq: UInt64
        var delivery: OutboundDelivery
        var status: Int?
        var error: String?
        var at: Timestamp
        var durationMs: Double
        var nextAttempt: Timestamp?
        /// The journal entry this attempt replays (`POST /_emulator/deliveries/{seq}/replay`), nil otherwise.
        var replayOf: UInt64?
    }

    public let capacity: Int
    private let ring: Locked<JournalRing<Entry>>
    /// Replays asked for and not yet taken by the delivery worker.
    private let replays = Locked<[(delivery: OutboundDelivery, replayOf: UInt64)]>([])

    /// - Parameter capacity: how many attempts are kept (`--journal-size`, or 10,000 when that is 0: the
    ///   deliveries are few, and `deliveries/wait` needs them).
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        ring = Locked(JournalRing(capacity: self.capacity))
    }

    /// Records one attempt.
    /// - Parameters:
    ///   - delivery: what was POSTed.
    ///   - status: the HTTP status of the answer, nil when none came.
    ///   - error: why no answer came (connect refused, timeout…), nil otherwise.
    ///   - at: emulator time the attempt started.
    ///   - durationMs: real milliseconds the attempt took.
    ///   - nextAttempt: when the vendor retries it (emulator time), nil when it does not.
    ///   - replayOf: the entry this attempt replays, nil for the vendor's own attempts.
    /// - Returns: the attempt's sequence number in this journal.
    @discardableResult
    public func record(
        _ delivery: OutboundDelivery,
        status: Int?,
        error: String?,
        at: Timestamp,
        durationMs: Double,
        nextAttempt: Timestamp?,
        replayOf: UInt64? = nil
    ) -> UInt64 {
        ring.withLock { ring in
            ring.append { seq in
                Entry(
                    seq: seq,
                    delivery: delivery,
                    status: status,
                    error: error,
                    at: at,
                    durationMs: durationMs,
                    nextAttempt: nextAttempt,
                    replayOf: replayOf
                )
            }
        }
    }

    func entries(after seq: UInt64) -> [Entry] { ring.withLock { $0.entries(after: seq) } }

    /// Queues the attempt `seq` to be POSTed again, byte for byte (same headers, so the same signature and
    /// delivery id: what a receiver's duplicate handling sees when the vendor redelivers). False when the
    /// journal no longer holds it.
    func queueReplay(of seq: UInt64) -> OutboundDelivery? {
        guard seq > 0, let entry = ring.withLock({ $0.entries(after: seq - 1).first }), entry.seq == seq else {
            return nil
        }
        replays.withLock { $0.append((entry.delivery, seq)) }
        return entry.delivery
    }

    /// The replays queued since the last call, oldest first, each handed out once (the delivery worker POSTs
    /// them outside the vendor's retry schedule: a failed replay is journaled, never retried).
    public func takeReplays() -> [(delivery: OutboundDelivery, replayOf: UInt64)] {
        replays.withLock { queued in
            defer { queued.removeAll() }
            return queued
        }
    }

    public var count: Int { ring.withLock { $0.count } }
}

/// The filters of `GET /_emulator/deliveries` and `/deliveries/wait`.
struct DeliveryQuery: Sendable {
    var vendor: String?
    var tenant: String?
    var eventType: String?
    var endpointId: String?
    var status: StatusFilter?
    var page: JournalPage

    init(_ request: Request, vendors: [String]) throws(HTTPError) {
        vendor = try QueryParsing.vendor(request, among: vendors)
        tenant = request.query("tenant")
        eventType = request.query("event_type")
        endpointId = request.query("endpoint_id")
        status = try QueryParsing.status(request)
        page = try JournalPage(request)
    }

    /// What `tenant` means in each vendor (a provisioned tenant's name, or a native id): set by the plane.
    var nativeTenants: [String: String] = [:]

    /// Whether a delivery of `vendor` for native tenant `id` passes the `tenant` filter.
    func tenantMatches(vendor: String, _ id: String) -> Bool {
        guard let tenant else { return true }
        return id == tenant || nativeTenants[vendor] == id
    }

    func matches(_ e: DeliveryJournal.Entry) -> Bool {
        let d = e.delivery
        if let vendor, d.vendor != vendor { return false }
        if !tenantMatches(vendor: d.vendor, d.tenant) { return false }
        if let eventType, d.eventType != eventType { return false }
        if let endpointId, d.endpointId != endpointId { return false }
        if let status, !status.matches(e.status) { return false }
        return true
    }
}

extension ControlPlane {
    /// The delivery filters of `request`, with `tenant` resolved per vendor.
    func deliveryQuery(_ request: Request) throws(HTTPError) -> DeliveryQuery {
        var query = try DeliveryQuery(request, vendors: vendors.map(\.name))
        if let name = query.tenant { query.nativeTenants = nativeTenants(name) }
        return query
    }

    /// `GET /_emulator/deliveries`: every attempt, oldest first, filtered and paged.
    func listDeliveries(_ request: Request) throws(HTTPError) -> Response {
        let query = try deliveryQuery(request)
        let matches = matchingDeliveries(query, atMost: query.page.limit + 1)
        return query.page.answer(matches, seq: \.seq, render: Self.render)
    }

    /// `GET /_emulator/deliveries/wait`: 200 `{"data":[…]}` once `count` attempts match, else 408
    /// `{"error":"timeout","wanted":N,"matched":k,"data":[…]}` after `timeout` seconds. A parked deferred
    /// response, woken by `delivery.attempted` on the change feed; the observer goes when it completes
    /// (answered, timed out, or the client hung up). `data` holds at most `max(count, limit)` attempts.
    func waitForDeliveries(_ request: Request) throws(HTTPError) -> Response {
        let query = try deliveryQuery(request)
        let (wanted, timeout) = try QueryParsing.wait(request)
        let plane = self
        let shown = max(wanted, query.page.limit)
        let answer: @Sendable () -> Response? = {
            let found = plane.matchingDeliveries(query, atMost: shown)
            guard found.count >= wanted else { return nil }
            return .json(["data": .array(found.map(Self.render))])
        }
        let promise = ResponsePromise(timeoutMilliseconds: Int(timeout * 1000)) {
            let found = plane.matchingDeliveries(query, atMost: .max)
            return .json(
                [
                    "error": "timeout", "wanted": .int(wanted), "matched": .int(found.count),
                    "data": .array(found.prefix(shown).map(Self.render)),
                ],
                status: .requestTimeout
            )
        }
        // Observe first, then look: an attempt recorded in between is seen by one or the other.
        let token = changes.observe { change in
            guard change.kind == .deliveryAttempted, !promise.isCompleted else { return }
            if let v = query.vendor, change.vendor != v { return }
            if !query.tenantMatches(vendor: change.vendor, change.tenant) { return }
            if let response = answer() { promise.complete(response) }
        }
        let changes = self.changes
        promise.whenComplete { _ in changes.removeObserver(token) }
        if let response = answer() { promise.complete(response) }
        return .later(promise)
    }

    /// `POST /_emulator/deliveries/{seq}/replay`: POSTs the journaled attempt `seq` again through the
    /// delivery worker (within its poll interval), as it was sent: same URL, headers (signature included) and
    /// body. 202 `{"replay_of":seq,"delivery_id":…,"queued":true}`; the attempt appears in the journal with
    /// `replay_of` and on the change feed as `delivery.attempted`. A failed replay is not retried.
    func replayDelivery(_ request: Request) throws(HTTPError) -> Response {
        let text = request.parameter("seq")
        guard let seq = UInt64(text), seq > 0 else {
            throw HTTPError(.badRequest, message: "'\(text)' is not a delivery's seq (a positive number).")
        }
        guard let delivery = deliveries?.queueReplay(of: seq) else {
            throw HTTPError(.notFound, message: "The delivery journal holds no attempt \(seq).")
        }
        return .json(
            ["replay_of": .int(Int64(seq)), "delivery_id": .string(delivery.deliveryId), "queued": true],
            status: .accepted
        )
    }

    func matchingDeliveries(_ query: DeliveryQuery, atMost: Int) -> [DeliveryJournal.Entry] {
        var out: [DeliveryJournal.Entry] = []
        for e in deliveries?.entries(after: query.page.after) ?? [] where query.matches(e) {
            out.append(e)
            if out.count >= atMost { break }
        }
        return out
    }

    static func render(_ e: DeliveryJournal.Entry) -> JSON {
        let d = e.delivery
        return .object([
            "seq": .int(Int64(e.seq)),
            "vendor": .string(d.vendor),
            "tenant": .string(d.tenant),
            "endpoint_id": .string(d.endpointId),
            "url": .string(d.url),
            "event_type": .string(d.eventType),
            "delivery_id": .string(d.deliveryId),
            "attempt": .int(d.attempt),
            "status": .int(e.status),
            "error": .string(e.error),
            "request_headers": headersJSON(d.headers, redacting: false),
            "request_body": .string(String(decoding: d.body, as: UTF8.self)),
            "at": .string(e.at.iso8601()),
            "duration_ms": .double((e.durationMs * 1000).rounded() / 1000),
            "next_attempt": .string(e.nextAttempt?.iso8601()),
            "replay_of": e.replayOf.map { .int(Int64($0)) } ?? .null,
        ])
    }
}
