// SPDX-License-Identifier: Apache-2.0
public import EmulatorKit
import HTTPCore
public import Routing

/// The test control plane under `/_emulator/`: what every vendor stored, across vendors, and long-poll waits
/// for it. It knows vendors only through the `Vendor` contract and the change feed.
public struct ControlPlane: Sendable {
    let vendors: [any Vendor]
    let changes: ChangeFeed
    let seqs: StoredSeqIndex
    let waiters: MessageWaiters
    let arrival: ArrivalOrder
    /// The request journal the app's server handler writes (nil: `/_emulator/requests` is always empty).
    let requests: RequestJournal?
    /// The webhook attempts the app's delivery worker writes (nil: `/_emulator/deliveries` is always empty).
    let deliveries: DeliveryJournal?
    /// Real seconds between the `: keep-alive` comments of `/_emulator/events`.
    public var eventsHeartbeatSeconds = 15.0
    /// Makes checking a tenant name and provisioning it one step (`/_emulator/tenants`).
    let tenantLock = Locked(0)

    public init(
        vendors: [any Vendor],
        changes: ChangeFeed,
        requests: RequestJournal? = nil,
        deliveries: DeliveryJournal? = nil
    ) {
        self.vendors = vendors
        self.changes = changes
        seqs = StoredSeqIndex(changes: changes)
        arrival = ArrivalOrder(vendors: vendors, seqs: seqs)
        let waiters = MessageWaiters(vendors: vendors, seqs: seqs, arrival: arrival)
        self.waiters = waiters
        // Weak: the vendors keep the feed, which keeps this observer, which would keep the vendors.
        _ = changes.observe { [weak waiters] change in waiters?.changed(change) }
        self.requests = requests
        self.deliveries = deliveries
    }

    /// How many `wait` requests are parked now.
    public var parkedWaiters: Int { waiters.count }

    public func addRoutes(to router: inout Router) {
        router.get("/_emulator/messages") { request in try listMessages(request) }
        router.delete("/_emulator/messages") { request in try forgetMessages(request) }
        router.get("/_emulator/requests") { request in try listRequests(request) }
        router.delete("/_emulator/requests") { request in clearRequests(request) }
        router.get("/_emulator/deliveries") { request in try listDeliveries(request) }
        router.get("/_emulator/deliveries/wait") { request in try waitForDeliveries(request) }
        router.post("/_emulator/deliveries/{seq}/replay") { request in try replayDelivery(request) }
        let events = EventStreamRoute(
            changes: changes,
            vendors: vendors.map(\.name),
            heartbeatSeconds: eventsHeartbeatSeconds,
            nativeTenants: { [self] name in nativeTenants(name) }
        )
        router.get("/_emulator/events") { request in try events.open(request) }
        router.get("/_emulator/messages/wait") { request in try waitForMessages(request) }
        router.get("/_emulator/messages/{vendor}/{id}") { request in try showMessage(request) }
        router.get("/_emulator/messages/{vendor}/{id}/attachments/{index}") { request in try showAttachment(request) }
        router.get("/_emulator/openapi.json") { _ in
            Response(
                status: .ok,
                headers: ["Content-Type": "application/json; charset=utf-8"],
                body: ControlPlane.openAPIBytes
            )
        }
        addTenantRoutes(to: &router)
        addInboxRoutes(to: &router)
        addWebhookRoutes(to: &router)
    }

    static let openAPIBytes = Array(openAPIDocument.utf8)

    // MARK: Inspection

    /// `GET /_emulator/messages`: `{"data":[…],"has_more":…,"next":…}` in arrival order (fixtures first, then
    /// by change-feed sequence); `next` is the `cursor` of the following page.
    /// `order=desc`: newest first (`listMessagesNewestFirst`, the web inbox's order).
    func listMessages(_ request: Request) throws(HTTPError) -> Response {
        let query = try messageQuery(request)
        switch request.query("order") {
        case nil, "asc": break
        case "desc": return try listMessagesNewestFirst(request, query)
        default: throw HTTPError(.badRequest, message: "'order' is asc (arrival order, the default) or desc.")
        }
        var start = ArrivalOrder.Start.beginning
        if let cursor = request.query("cursor") {
            if let c = ArrivalOrder.Cursor(cursor) {
                start = .after(c)
            } else if let n = Int(cursor), n >= 0 {
                start = .offset(n)  // a cursor given before the keyset one: still an offset
            } else {
                throw HTTPError(.badRequest, message: "'cursor' is not one we gave.")
            }
        }
        let found = arrival.walk(query, from: start, limit: query.limit + 1)
        let page = found.prefix(query.limit)
        let more = found.count > query.limit
        return .json([
            "data": .array(page.map { Self.summary($0.item.message, seq: $0.item.seq) }),
            "has_more": .bool(more),
            "next": more ? page.last.map { .string($0.cursor.encoded) } ?? .null : .null,
        ])
    }

    /// `GET /_emulator/messages/{vendor}/{id}`: the whole message with its extracted links and codes.
    func showMessage(_ request: Request) throws(HTTPError) -> Response {
        let name = request.parameter("vendor")
        guard let vendor = vendors.first(where: { $0.name == name }) else {
            throw HTTPError(.notFound, message: "No vendor '\(name)'.")
        }
        guard let message = vendor.inspectMessage(id: request.parameter("id")) else {
            throw HTTPError(.notFound, message: "\(name) has no message '\(request.parameter("id"))'.")
        }
        var o = Self.json(message)
        o["seq"] = .int(Int64(seqs.seq(of: Self.key(message.vendor, message.id))))
        let bodies = [message.text ?? "", message.html ?? ""]
        o["links"] = .array(Extract.links(in: bodies).map { .string($0) })
        o["codes"] = .array(Extract.codes(in: [message.subject ?? ""] + bodies).map { .string($0) })
        return .json(.object(o))
    }

    // MARK: Waiting

    /// `GET /_emulator/messages/wait`: the matches as soon as `count` exist (200), else a 408 with what matched
    /// when `timeout` seconds pass. Parked as a deferred response in `MessageWaiters`, which the change feed
    /// wakes; the server's deadline (or the client hanging up) ends it, and the waiter goes with it.
    func waitForMessages(_ request: Request) throws(HTTPError) -> Response {
        let query = try messageQuery(request)
        let (count, timeout) = try QueryParsing.wait(request)
        let arrival = self.arrival
        let promise = waiters.park(query: query, wanted: count, timeoutMilliseconds: Int(timeout * 1000)) {
            // The first matches only: the answer holds `max(count, limit)` of them.
            arrival.walk(query, limit: max(count, query.limit)).map(\.item)
        }
        return .later(promise)
    }

    // MARK: Forgetting

    /// `DELETE /_emulator/messages?vendor=&tenant=`: forgets stored messages (and what hangs on them: events,
    /// logs, comments), never tenants, keys, templates or webhooks. `{"deleted":n}`. Each vendor that forgot
    /// some appends one `messages.deleted` change (tenant "" when all tenants; `detail` the count), so waiters
    /// and the event stream see it. `tenant` needs `vendor`; an unknown vendor is a 400, an unknown tenant a 404.
    func forgetMessages(_ request: Request) throws(HTTPError) -> Response {
        let wanted = try QueryParsing.vendor(request, among: vendors.map(\.name))
        let chosen = vendors.filter { wanted == nil || $0.name == wanted }
        // `tenant=T`: a provisioned tenant's name or a native id, resolved like every control route's.
        var tenant: String?
        if let name = request.query("tenant") {
            guard wanted != nil else { throw HTTPError(.badRequest, message: "Give 'vendor' with 'tenant'.") }
            guard let native = chosen[0].resolveTenant(name) else {
                throw HTTPError(.notFound, message: "\(chosen[0].name) has no tenant '\(name)'.")
            }
            tenant = native
        }
        var deleted = 0
        for vendor in chosen {
            let n = vendor.forgetMessages(tenant: tenant)
            deleted += n
            if n > 0 {
                changes.append(.messagesDeleted, vendor: vendor.name, tenant: tenant ?? "", id: "", detail: String(n))
            }
        }
        return .json(["deleted": .int(deleted)])
    }

    // MARK: Helpers

    /// The filters of a messages route, with `tenant` resolved in each vendor.
    func messageQuery(_ request: Request) throws(HTTPError) -> MessageQuery {
        var query = try MessageQuery(request, vendors: vendors.map(\.name))
        if let name = query.tenant { query.nativeTenants = nativeTenants(name) }
        return query
    }

    /// What a `tenant=` value means in each vendor that has it: a provisioned tenant's name or a native id
    /// (vendor name → native id). Every control route that takes `tenant` resolves it through this.
    public func nativeTenants(_ name: String) -> [String: String] {
        var out: [String: String] = [:]
        for vendor in vendors { out[vendor.name] = vendor.resolveTenant(name) }
        return out
    }

    static func key(_ vendor: String, _ id: String) -> String { vendor + "\u{0}" + id }

    /// A list item: the neutral message without its bodies, plus `seq`.
    static func summary(_ m: InspectedMessage, seq: UInt64) -> JSON {
        var o = Self.json(m)
        o["seq"] = .int(Int64(seq))
        return .object(o)
    }
}
