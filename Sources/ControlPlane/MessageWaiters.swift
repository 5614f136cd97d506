// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// The parked `GET /_emulator/messages/wait` requests, woken by the change feed.
///
/// One feed observer serves every waiter: a stored message (or an event that may change its status) is
/// inspected once, then tested against only the waiters that could want it — those with its vendor and, when
/// they filter by `to`, one of its recipients (the usual wait: "the mail to user-17"). So 1,000 parked waiters
/// for other recipients cost a send a few dictionary lookups, not 1,000 scans of every stored message. Each
/// waiter keeps what matched so far; completing or timing out answers from that, without a scan.
final class MessageWaiters: Sendable {
    struct Found: Sendable {
        var message: InspectedMessage
        var seq: UInt64
    }

    struct Waiter: Sendable {
        var query: MessageQuery
        var wanted: Int
        var promise: ResponsePromise
        /// vendor + id → the match.
        var found: [String: Found] = [:]
    }

    struct State: Sendable {
        var next: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
        /// Waiters filtering by `to`: by vendor ("" for any vendor), then by the bare address. Nested rather
        /// than one joined key, so that testing a message's recipients builds no strings.
        var byRecipient: [String: [String: Set<UInt64>]] = [:]
        /// Waiters without a `to` filter.
        var unindexed: Set<UInt64> = []
        /// How many waiters filter by `status`: only they care about events (no other filter reads them).
        var statusWaiters = 0
        /// How many waiters each vendor has (nil key: waiters for any vendor).
        var perVendor: [String: Int] = [:]

        /// Whether a change of `vendor` can concern any waiter.
        func wants(_ vendor: String, event: Bool) -> Bool {
            guard !waiters.isEmpty, !event || statusWaiters > 0 else { return false }
            return perVendor[vendor] != nil || perVendor[""] != nil
        }

        mutating func insert(_ waiter: Waiter, id: UInt64) {
            waiters[id] = waiter
            if waiter.query.status != nil { statusWaiters += 1 }
            perVendor[waiter.query.vendor ?? "", default: 0] += 1
            if let to = waiter.query.to {
                byRecipient[waiter.query.vendor ?? "", default: [:]][to, default: []].insert(id)
            } else {
                unindexed.insert(id)
            }
        }

        mutating func remove(_ id: UInt64) {
            guard let waiter = waiters.removeValue(forKey: id) else { return }
            if waiter.query.status != nil { statusWaiters -= 1 }
            let vendor = waiter.query.vendor ?? ""
            perVendor[vendor] = perVendor[vendor].map { $0 > 1 ? $0 - 1 : nil } ?? nil
            if let to = waiter.query.to {
                byRecipient[vendor]?[to]?.remove(id)
                if byRecipient[vendor]?[to]?.isEmpty == true { byRecipient[vendor]?[to] = nil }
                if byRecipient[vendor]?.isEmpty == true { byRecipient[vendor] = nil }
            } else {
                unindexed.remove(id)
            }
        }

        /// The waiters a message of `vendor` to `recipients` could satisfy.
        func candidates(vendor: String, recipients: [String]) -> [UInt64] {
            var out: Set<UInt64> = []
            if !unindexed.isEmpty {
                out = unindexed.filter { waiters[$0]?.query.vendor.map { $0 == vendor } ?? true }
            }
            for table in [byRecipient[vendor], byRecipient[""]] {
                guard let table else { continue }
                for address in recipients {
                    if let ids = table[address] { out.formUnion(ids) }
                }
            }
            return Array(out)
        }
    }

    private let state = Locked(State())
    private let vendors: [String: any Vendor]
    private let seqs: StoredSeqIndex
    private let arrival: ArrivalOrder

    init(vendors: [any Vendor], seqs: StoredSeqIndex, arrival: ArrivalOrder) {
        self.vendors = Dictionary(vendors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.seqs = seqs
        self.arrival = arrival
    }

    /// How many waiters are parked (for tests and health).
    var count: Int { state.withLock { $0.waiters.count } }

    /// Parks a waiter and returns its deferred response: registered first, then the messages already there
    /// are added, so that a message stored in between is seen by the observer or by the scan (found twice is
    /// found once: matches are keyed). `scan` lists what matches now. Answers at once when enough already
    /// match; after `timeoutMilliseconds` with a 408 holding what matched by then; a client hanging up removes
    /// the waiter.
    func park(
        query: MessageQuery,
        wanted: Int,
        timeoutMilliseconds: Int,
        scan: () -> [(message: InspectedMessage, seq: UInt64)]
    ) -> ResponsePromise {
        let id = state.withLock { s -> UInt64 in
            s.next += 1
            return s.next
        }
        let promise = ResponsePromise(timeoutMilliseconds: timeoutMilliseconds) { [weak self] in
            let found = self?.state.withLock { $0.waiters[id].map { Self.ordered($0.found) } } ?? []
            return .json(
                [
                    "error": "timeout", "wanted": .int(wanted), "matched": .int(found.count),
                    "data": .array(found.prefix(query.limit).map { ControlPlane.summary($0.message, seq: $0.seq) }),
                ],
                status: .requestTimeout
            )
        }
        state.withLock { $0.insert(Waiter(query: query, wanted: wanted, promise: promise), id: id) }
        promise.whenComplete { [weak self] _ in self?.state.withLock { $0.remove(id) } }
        let existing = scan()
        let ready: Response? = state.withLock { s in
            guard var waiter = s.waiters[id] else { return nil }
            for m in existing {
                waiter.found[ControlPlane.key(m.message.vendor, m.message.id)] = Found(message: m.message, seq: m.seq)
            }
            s.waiters[id] = waiter
            return waiter.found.count >= wanted ? Self.answer(waiter) : nil
        }
        if let ready { promise.complete(ready) }
        return promise
    }

    /// A change on the feed: re-tests the message it is about against the waiters that could want it.
    func changed(_ change: Change) {
        switch change.kind {
        case .messageStored, .eventAdded: break
        case .reset, .messagesDeleted:
            rescanAll(vendor: change.vendor)
            return
        case .deliveryAttempted: return
        }
        // An event changes a message's status and nothing else a filter reads: without a waiter on `status`,
        // events (several per message, published in batches) cost one check here.
        let idle = state.withLock { !$0.wants(change.vendor, event: change.kind == .eventAdded) }
        guard !idle, let vendor = vendors[change.vendor], let mailboxes = vendor.messageRecipients(id: change.id)
        else { return }
        // Which waiters could want it, from the recipients alone: with 1,000 waiters parked for other
        // addresses a send costs this lookup, not an inspected copy of the message.
        let recipients = mailboxes.map(MessageQuery.address)
        let candidates = state.withLock { $0.candidates(vendor: change.vendor, recipients: recipients) }
        guard !candidates.isEmpty, let message = vendor.inspectMessage(id: change.id) else { return }
        let key = ControlPlane.key(message.vendor, message.id)
        // An event on a message stored earlier: its stored sequence number comes from the index (looked up
        // before taking the lock, so that no lock is taken inside another).
        let seq = change.kind == .messageStored ? change.seq : seqs.seq(of: key)
        let ready: [(ResponsePromise, Response)] = state.withLock { s in
            var out: [(ResponsePromise, Response)] = []
            // A candidate may have gone (answered, timed out, hung up) since; one parked since was registered
            // before its own scan, which finds this message.
            for id in candidates {
                guard var waiter = s.waiters[id] else { continue }
                if waiter.query.matches(message, seq: seq) {
                    waiter.found[key] = Found(message: message, seq: seq)
                } else {
                    waiter.found[key] = nil  // an event moved it out of a `status` filter
                }
                s.waiters[id] = waiter
                if waiter.found.count >= waiter.wanted { out.append((waiter.promise, Self.answer(waiter))) }
            }
            return out
        }
        for (promise, response) in ready { promise.complete(response) }
    }

    /// After a reset, what each waiter of that vendor found may be gone: found again, each waiter's first
    /// `max(wanted, limit)` matches of that vendor (what its answer can hold) by the arrival-order walk, not a
    /// scan of every stored message.
    private func rescanAll(vendor name: String) {
        guard vendors[name] != nil else { return }
        let parked = state.withLock { s in
            s.waiters.filter { $0.value.query.vendor.map { $0 == name } ?? true }.map {
                (id: $0.key, query: $0.value.query, wanted: $0.value.wanted)
            }
        }
        guard !parked.isEmpty else { return }
        let again = parked.map { w in
            arrival.walk(w.query, limit: max(w.wanted, w.query.limit), onlyVendor: name).map(\.item)
        }
        state.withLock { s in
            for (w, found) in zip(parked, again) {
                guard var waiter = s.waiters[w.id] else { continue }
                waiter.found = waiter.found.filter { $0.value.message.vendor != name }
                for (m, seq) in found { waiter.found[ControlPlane.key(m.vendor, m.id)] = Found(message: m, seq: seq) }
                s.waiters[w.id] = waiter
            }
        }
    }

    /// What matched, in arrival order.
    static func ordered(_ found: [String: Found]) -> [Found] {
        found.values.sorted { a, b in a.seq != b.seq ? a.seq < b.seq : a.message.created < b.message.created }
    }

    static func answer(_ waiter: Waiter) -> Response {
        let all = ordered(waiter.found)
        return .json([
            "data": .array(
                all.prefix(max(waiter.wanted, waiter.query.limit)).map { ControlPlane.summary($0.message, seq: $0.seq) }
            )
        ])
    }
}
