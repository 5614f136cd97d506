// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// Ranged message listings (spec §5.2 #26, #30, #31, #33, #43, #45, #58, #65, #71). Every listing accepts both
/// Range dialects (spec §3.3: clients use items_range on ref_range endpoints and vice versa).
extension FlowmailerAPI {
    static let bounceTypes: Set<String> = ["HARDBOUNCE", "SOFTBOUNCE", "REJECT"]

    func addMessageListRoutes(to router: inout Router) {
        router.get("/{account_id}/messages") { [self] request in
            // No `flow_ids`: no filter, so that an offset page is a slice of the stored order.
            let filter = QueryParams.idList(request, "flow_ids").map { flows in
                { (m: StoredMessage) in flows.contains(m.flow.id) }
            }
            return try listMessages(request, sortable: true, filter)
        }
        router.get("/{account_id}/recipient/{recipient}/messages") { [self] request in
            let recipient = request.parameter("recipient").lowercased()
            return try listMessages(request) { Self.equalLowercased($0.recipientAddress, recipient) }
        }
        router.get("/{account_id}/sender/{sender}/messages") { [self] request in
            let sender = request.parameter("sender").lowercased()
            return try listMessages(request) { Self.equalLowercased($0.senderAddress, sender) }
        }
        router.get("/{account_id}/tag/{tag}/messages") { [self] request in
            let tag = request.parameter("tag")
            return try listMessages(request) { $0.tags.contains(tag) }
        }
        router.get("/{account_id}/flows/{flow_id}/messages") { [self] request in
            let flow = request.parameter("flow_id")
            try requireResource(request, table: "flows", id: flow, what: "Flow")
            return try listMessages(request, dateRangeRequired: true) { $0.flow.id == flow }
        }
        router.get("/{account_id}/sources/{source_id}/messages") { [self] request in
            let source = request.parameter("source_id")
            try requireResource(request, table: "sources", id: source, what: "Source")
            return try listMessages(request, dateRangeRequired: true) { $0.source.id == source }
        }
        router.get("/{account_id}/undeliveredmessages") { [self] request in try undelivered(request) }
        router.get("/{account_id}/message_events") { [self] request in try events(request) }
        router.get("/{account_id}/message_hold") { [self] request in try held(request) }
        router.get("/{account_id}/message_hold/{message_id}") { [self] request in
            let now = clock.now()
            let m = try message(request)
            guard m.status(at: now) == "ERROR" else { throw FlowmailerError.notFound("Held message") }
            return Self.json(Self.holdJSON(m, at: now))
        }
    }

    /// `text.lowercased() == lower`, without the lower-cased copy when `text` is ASCII: the filter runs on
    /// every message an offset page walks past.
    static func equalLowercased(_ text: String, _ lower: String) -> Bool {
        var a = text.utf8.makeIterator()
        var b = lower.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return true
            case (let x?, let y?) where x < 0x80:
                if (x >= 0x41 && x <= 0x5A ? x | 0x20 : x) != y { return false }
            case (_?, _?): return text.lowercased() == lower  // a non-ASCII character: Unicode lower-casing
            default: return false
            }
        }
    }

    func requireResource(_ request: Request, table: String, id: String, what: String) throws(HTTPError) {
        try store.read(Self.account(request)) { a throws(HTTPError) in
            if a.table(table)[id] == nil { throw FlowmailerError.notFound(what) }
        }
    }

    /// Messages of the account matching `filter` and the query, in output order (whole list: offset paging,
    /// SUBMITTED sort and the derived lists need it).
    func matching(
        _ request: Request,
        _ query: MessageQuery,
        _ filter: (StoredMessage) -> Bool
    ) throws(HTTPError) -> [StoredMessage] {
        var rows = try store.read(Self.account(request)) { a in
            a.messages.values.filter { query.accepts($0) && filter($0) }
        }
        // Stored order is INSERTED ascending (the default, spec §3.2).
        if query.field == MessageQuery.submitted {
            rows.sort { ($0.submitted.millis, $0.id) < ($1.submitted.millis, $1.id) }
        }
        if query.descending { rows.reverse() }
        return rows
    }

    /// An `items=START-END` page of the stored INSERTED order without building the filtered list: a slice
    /// of the account's table when nothing narrows it, else one walk that counts the matches (for the
    /// total) and copies only the page's rows; a `;daterange` bounds the walk to its insert-time window.
    func offsetPage(
        _ request: Request,
        _ query: MessageQuery,
        start: Int,
        end: Int,
        _ filter: ((StoredMessage) -> Bool)?
    ) throws(HTTPError) -> Page<StoredMessage> {
        let (rows, total) = try store.read(Self.account(request)) { a in
            let window = query.dateRange.map {
                KeysetScan.positions(a.messages, insertedWithin: a.insertedWindow(submittedIn: $0))
            }
            let narrowing: ((StoredMessage) -> Bool)? =
                query.dateRange == nil && filter == nil ? nil : { query.accepts($0) && (filter?($0) ?? true) }
            return a.messages.offsetPage(
                window,
                descending: query.descending,
                offset: start,
                limit: end - start,
                where: narrowing
            )
        }
        return Paginator.itemsPage(rows, start: start, total: total)
    }

    /// `filter` nil: every message of the account (then an `items=START-END` page costs only its rows).
    func listMessages(
        _ request: Request,
        sortable: Bool = false,
        dateRangeRequired: Bool = false,
        _ filter: ((StoredMessage) -> Bool)?
    ) throws(HTTPError) -> Response {
        let flags = try MessageFlags(request)
        let rangeRequest = try RangeRequest.parse(request.headers["Range"])
        let query = try MessageQuery(request, sortable: sortable, dateRangeRequired: dateRangeRequired)
        let now = clock.now()
        let page: Page<StoredMessage>
        if case .reference(let ref, let count) = rangeRequest, query.field == MessageQuery.inserted {
            // Fast path: keyset on the stored INSERTED order (see KeysetScan).
            let usable = ref?.field == MessageQuery.inserted ? ref : nil
            let rows = try store.read(Self.account(request)) { a in
                KeysetScan.page(
                    a.messages,
                    ref: usable,
                    count: count,
                    descending: query.descending,
                    insertedWithin: query.dateRange.map { a.insertedWindow(submittedIn: $0) }
                ) {
                    query.accepts($0) && (filter?($0) ?? true)
                }
            }
            page = Paginator.page(
                rows,
                range: .reference(nil, count: count),
                field: query.field,
                descending: query.descending,
                key: query.key
            )
        } else if case .items(let start, let end) = rangeRequest, query.field == MessageQuery.inserted {
            page = try offsetPage(request, query, start: start, end: end, filter)
        } else {
            let rows = try matching(request, query) { filter?($0) ?? true }
            page = Paginator.page(
                rows,
                range: rangeRequest,
                field: query.field,
                descending: query.descending,
                key: query.key
            )
        }
        return Self.jsonArray(
            page.rows.map { $0.jsonBytes(at: now, flags: flags) },
            status: .partialContent,
            headers: page.headers
        )
    }

    /// Undeliverable messages (`BouncedMessage`): bounced or rejected; `;receivedrange` filters the bounce time.
    func undelivered(_ request: Request) throws(HTTPError) -> Response {
        let now = clock.now()
        let flags = try MessageFlags(request)
        let rangeRequest = try RangeRequest.parse(request.headers["Range"])
        let received = try QueryParams.dateRange(request, "receivedrange")
        func bounce(_ m: StoredMessage) -> MessageEvent? {
            m.visibleEvents(at: now).first { Self.bounceTypes.contains($0.type) }
        }
        let query = try MessageQuery(request)
        let filter = { (m: StoredMessage) -> Bool in
            guard let b = bounce(m) else { return false }
            return received.map { $0.contains(b.received.millis) } ?? true
        }
        let page = try derivedPage(request, query, rangeRequest, filter)
        let body: [JSON] = page.rows.map { m in
            var json = m.json(at: now, flags: flags)
            if let b = bounce(m) {
                json["bounceReceived"] = .string(b.received.iso8601())
                json["bounceSnippet"] = .string(b.snippet)
                json["bounceSubType"] = .string(b.subType)
                json["bounceType"] = .string(b.type == "SOFTBOUNCE" ? "soft" : "hard")
            }
            return json
        }
        return Self.json(.array(body), status: .partialContent, headers: page.headers)
    }

    /// A page of a derived list (undelivered, held): `items=START-END` walks the stored order (`offsetPage`);
    /// a reference page cuts the filtered list.
    func derivedPage(
        _ request: Request,
        _ query: MessageQuery,
        _ range: RangeRequest,
        _ filter: @escaping (StoredMessage) -> Bool
    ) throws(HTTPError) -> Page<StoredMessage> {
        if case .items(let start, let end) = range {
            return try offsetPage(request, query, start: start, end: end, filter)
        }
        let rows = try matching(request, query, filter)
        return Paginator.page(rows, range: range, field: query.field, descending: query.descending, key: query.key)
    }

    /// Message events, newest first by default ("Ordered by received, new events first", spec §3.2).
    func events(_ request: Request) throws(HTTPError) -> Response {
        let now = clock.now()
        let rangeRequest = try RangeRequest.parse(request.headers["Range"])
        let flows = QueryParams.idList(request, "flow_ids")
        let sources = QueryParams.idList(request, "source_ids")
        let received = try QueryParams.dateRange(request, "receivedrange")
        let addTags = try QueryParams.bool(request, "addmessagetags")
        let descending = try QueryParams.descending(request, default: true)
        let messages = try matching(request, try MessageQuery(request)) { m in
            (flows.map { $0.contains(m.flow.id) } ?? true) && (sources.map { $0.contains(m.source.id) } ?? true)
        }
        var rows: [(event: MessageEvent, message: StoredMessage, key: String)] = []
        for m in messages {
            for e in m.visibleEvents(at: now) where received.map({ $0.contains(e.received.millis) }) ?? true {
                rows.append((e, m, m.id + "." + (e.id ?? e.type)))
            }
        }
        rows.sort { a, b in
            let asc = (a.event.received.millis, a.key) < (b.event.received.millis, b.key)
            return descending ? !asc && (a.event.received.millis, a.key) != (b.event.received.millis, b.key) : asc
        }
        // Keyset on (received, messageId.eventId); `R` marks the received sort (inferred, like `I` for INSERTED).
        let page = Paginator.page(rows, range: rangeRequest, field: UInt8(ascii: "R"), descending: descending) {
            ($0.event.received.millis, $0.key)
        }
        let body = page.rows.map { $0.event.json(messageId: $0.message.id, tags: addTags ? $0.message.tags : nil) }
        return Self.json(.array(body), status: .partialContent, headers: page.headers)
    }

    /// Held messages: those whose processing failed (status ERROR) and that were not resumed.
    func held(_ request: Request) throws(HTTPError) -> Response {
        let now = clock.now()
        let rangeRequest = try RangeRequest.parse(request.headers["Range"])
        let query = try MessageQuery(request)
        let page = try derivedPage(request, query, rangeRequest) { $0.status(at: now) == "ERROR" }
        return Self.json(
            .array(page.rows.map { Self.holdJSON($0, at: now) }),
            status: .partialContent,
            headers: page.headers
        )
    }

    static func holdJSON(_ m: StoredMessage, at now: Timestamp) -> JSON {
        let error = m.visibleEvents(at: now).first { $0.type == "ERROR" }
        var mime = m.headersIn.map { "\($0.name): \($0.value)" }.joined(separator: "\r\n")
        mime += "\r\n\r\n" + (m.text ?? "")
        return [
            "backendDone": .string(m.backendDone.flatMap { $0 <= now ? $0.iso8601() : nil }),
            "data": .string(m.messageType == "EMAIL" ? mime : m.text),
            "errorText": .string(error?.extraData?["errorText"]?.stringValue ?? error?.snippet),
            "extraData": error?.extraData ?? .null,
            "flow": m.flow.json,
            "messageId": .string(m.id),
            "messageType": .string(m.messageType),
            "reason": .string(error?.snippet),
            "recipient": .string(m.recipientAddress),
            "sender": .string(m.senderAddress),
            "source": m.source.json,
            // Held messages show "New" in the UI and `NEW` in Flowmailer's own scripts (spec §7.5).
            "status": "NEW",
            "submitted": .string(m.submitted.iso8601()),
            "transactionId": .string(m.transactionId),
        ]
    }
}
