// SPDX-License-Identifier: Apache-2.0
public import EmulatorKit
public import HTTPCore

/// The last N requests the vendors answered (`GET /_emulator/requests`), for tests that assert what their
/// app sent. The control routes under `/_emulator/` are not recorded.
///
/// Cheap per request: one entry written into a bounded ring under one lock, holding the request's headers
/// and target as they came (no copy of their storage); redaction, the tenant and JSON happen when the journal
/// is read. Choices the issue leaves open:
/// - The tenant is worked out when the journal is read or filtered (`Vendor.tenant(of:)` on the kept
///   request), so a credential deleted or expired since then reads as `null`. Bodies up to
///   `keptBodyBytes` are kept for that (an OAuth token request names its client in the form body); bigger
///   ones are not.
/// - `status` is null while a deferred answer is pending and for a client that hung up before it came;
///   `response_bytes` counts the body the handler produced (the server's own framing aside).
/// - `latency_ms` runs from the handler being called to the response (deferred: its completion).
public final class RequestJournal: Sendable {
    struct Entry: Sendable {
        var seq: UInt64
        var at: Timestamp
        var vendor: String?
        var route: String?
        /// The request as received, its body dropped when longer than `keptBodyBytes`.
        var request: Request
        var requestBytes: Int
        var status: Int?
        var latencyMs: Double
        var responseHeaders: HTTPHeaders
        var responseBytes: Int
        var fault: String?
        var started: Double
    }

    /// Request bodies up to this size are kept for `Vendor.tenant(of:)`.
    static let keptBodyBytes = 4096

    public let capacity: Int
    private let clock: EmulatorClock
    private let ring: Locked<JournalRing<Entry>>

    /// - Parameters:
    ///   - capacity: how many requests are kept, newest first (`--journal-size`); 0 turns the journal off.
    ///   - clock: the emulator clock, for `at`.
    public init(capacity: Int, clock: EmulatorClock) {
        self.capacity = max(0, capacity)
        self.clock = clock
        ring = Locked(JournalRing(capacity: capacity))
    }

    public var isEnabled: Bool { capacity > 0 }

    /// Records a request and the response the handler gave. For a deferred response the entry stays pending
    /// (status null) until the promise completes. Call right after the handler returned.
    /// - Parameters:
    ///   - request: the request as the server handed it over.
    ///   - vendor: the name of the router that answered (nil: none).
    ///   - route: the matched template, nil for a 404/405.
    ///   - response: what the handler returned.
    ///   - started: `RequestJournal.now()` taken before the handler ran.
    ///   - fault: the id of the fault rule that acted on the request, if any.
    public func record(
        _ request: Request,
        vendor: String?,
        route: String?,
        response: Response,
        started: Double,
        fault: String? = nil
    ) {
        guard capacity > 0 else { return }
        var kept = request
        if kept.body.count > Self.keptBodyBytes { kept.body = [] }
        let at = clock.now()
        let deferred = response.deferred
        // A fault that closes or resets instead of answering: nothing was sent, so no status.
        let unanswered: Bool
        switch response.connectionAction {
        case .close, .reset, .rstStream, .goaway: unanswered = true
        case nil, .slowBody: unanswered = false
        }
        let done = deferred == nil ? monotonicSeconds() : started
        let seq = ring.withLock { ring in
            ring.append { seq in
                Entry(
                    seq: seq,
                    at: at,
                    vendor: vendor,
                    route: route,
                    request: kept,
                    requestBytes: request.body.count,
                    status: deferred == nil && !unanswered ? response.status.code : nil,
                    latencyMs: (done - started) * 1000,
                    responseHeaders: deferred == nil ? response.headers : HTTPHeaders(),
                    responseBytes: deferred == nil ? response.body.count : 0,
                    fault: fault,
                    started: started
                )
            }
        }
        guard let deferred else { return }
        deferred.whenComplete { [ring] final in
            let end = monotonicSeconds()
            ring.withLock { ring in
                ring.update(seq) { e in
                    // 499 is the server's "the client hung up" completion, never sent.
                    e.status = final.status.code == 499 ? nil : final.status.code
                    e.latencyMs = (end - e.started) * 1000
                    e.responseHeaders = final.headers
                    e.responseBytes = final.body.count
                }
            }
        }
    }

    /// The clock `record(started:)` wants.
    public static func now() -> Double { monotonicSeconds() }

    /// Forgets every entry; returns how many there were. Sequence numbers go on counting.
    public func removeAll() -> Int { ring.withLock { $0.removeAll() } }

    /// Entries numbered above `seq`, oldest first.
    func entries(after seq: UInt64) -> [Entry] { ring.withLock { $0.entries(after: seq) } }

    var count: Int { ring.withLock { $0.count } }
}

/// The filters of `GET /_emulator/requests`.
struct RequestQuery: Sendable {
    var vendor: String?
    var tenant: String?
    var method: String?
    var route: String?
    var status: StatusFilter?
    var path: String?
    var page: JournalPage

    init(_ request: Request, vendors: [String]) throws(HTTPError) {
        vendor = try QueryParsing.vendor(request, among: vendors)
        tenant = request.query("tenant")
        method = request.query("method")?.uppercased()
        route = request.query("route")
        path = request.query("path")
        status = try QueryParsing.status(request)
        page = try JournalPage(request)
    }
}

extension ControlPlane {
    /// `GET /_emulator/requests`: the journal, oldest first, filtered and paged.
    func listRequests(_ request: Request) throws(HTTPError) -> Response {
        let query = try RequestQuery(request, vendors: vendors.map(\.name))
        let byName = Dictionary(vendors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        // `tenant=T`: a provisioned tenant's name or a native id, per vendor.
        let native = query.tenant.map { nativeTenants($0) } ?? [:]
        var matches: [(entry: RequestJournal.Entry, tenant: String?)] = []
        for e in requests?.entries(after: query.page.after) ?? [] {
            if let v = query.vendor, e.vendor != v { continue }
            if let m = query.method, e.request.method.rawValue != m { continue }
            if let r = query.route, e.route != r { continue }
            if let s = query.status, !s.matches(e.status) { continue }
            if let p = query.path, !e.request.rawPath.contains(p) { continue }
            // The tenant last: it asks the vendor.
            let tenant = e.vendor.flatMap { byName[$0] }?.tenant(of: e.request)
            if let t = query.tenant, tenant != t, tenant == nil || tenant != e.vendor.flatMap({ native[$0] }) {
                continue
            }
            matches.append((e, tenant))
            if matches.count > query.page.limit { break }
        }
        return query.page.answer(matches, seq: { $0.entry.seq }, render: { Self.render($0.entry, tenant: $0.tenant) })
    }

    /// `DELETE /_emulator/requests`: `{"deleted":n}`.
    func clearRequests(_ request: Request) -> Response {
        .json(["deleted": .int(requests?.removeAll() ?? 0)])
    }

    static func render(_ e: RequestJournal.Entry, tenant: String?) -> JSON {
        let r = e.request
        return .object([
            "seq": .int(Int64(e.seq)),
            "at": .string(e.at.iso8601()),
            "vendor": .string(e.vendor),
            "tenant": .string(tenant),
            "method": .string(r.method.rawValue),
            "path": .string(r.rawPath),
            "query": .string(r.rawQuery.map(Redaction.query)),
            "route": .string(e.route),
            "status": e.status.map { .int(Int64($0)) } ?? .null,
            "latency_ms": .double((e.latencyMs * 1000).rounded() / 1000),
            "protocol": .string(r.version.rawValue),
            "remote_address": .string(r.remoteAddress),
            "local_address": .string(r.localAddress),
            "request_headers": headersJSON(r.headers, redacting: true),
            "response_headers": headersJSON(e.responseHeaders, redacting: true),
            "request_bytes": .int(Int64(e.requestBytes)),
            "response_bytes": .int(Int64(e.responseBytes)),
            "fault": .string(e.fault),
        ])
    }
}
