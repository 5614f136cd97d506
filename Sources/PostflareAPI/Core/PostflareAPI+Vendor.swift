// SPDX-License-Identifier: Apache-2.0
public import EmulatorKit
public import HTTPCore
import Routing

/// The vendor contract: teams are the tenants, sent e-mails are what inspection shows.
extension PostflareAPI: Vendor {
    public var evictedMessages: Int {
        (try? store.withState { state throws(PostflareError) in state.teams.values.reduce(0) { $0 + $1.evictedEmails } })
            ?? 0
    }

    public var name: String { Self.vendorName }

    public var tenants: [String] { (try? store.withState { $0.teams.keys.sorted() }) ?? [] }

    /// A provisioned team goes back to the state it was provisioned with (its two keys and domains kept).
    public func reset(tenant: String) -> Bool {
        let fresh = seed.teams[tenant] ?? provisioned.entry(tenant: tenant)?.seed
        var old: Team?
        let known =
            (try? store.withState { state throws(PostflareError) -> Bool in
                guard let current = state.teams[tenant] ?? fresh else { return false }
                for key in current.keys.values { state.unindex(key) }
                old = state.teams.removeValue(forKey: tenant)
                state.teams[tenant] = fresh
                if let fresh { for key in fresh.keys.values { state.index(key, team: tenant) } }
                return true
            }) ?? false
        // The old team (a million e-mails take seconds to free) is freed off the request path, outside the lock.
        DeferredRelease.shared.release(old.take())
        guard known else { return false }
        store.idempotency.reset(team: tenant)
        dueEvents.removeAll(tenant: tenant)
        changes.append(.reset, vendor: Self.vendorName, tenant: tenant, id: "")
        return true
    }

    /// Forgets the teams' e-mails, their request logs, the e-mail events not yet published or delivered, and
    /// the idempotency keys (they name forgotten e-mails: a retried send makes a new one). Keys, domains,
    /// contacts, templates, webhooks and the quota counts stay.
    public func forgetMessages(tenant: String?) -> Int {
        let teams =
            (try? store.withState { state throws(PostflareError) -> [(String, Int)] in
                var out: [(String, Int)] = []
                for teamId in Array(state.teams.keys) where tenant == nil || teamId == tenant {
                    guard var team = state.teams.removeValue(forKey: teamId) else { continue }
                    out.append((teamId, team.emails.count))
                    // Swapped out and freed by the shared worker, off the request path and outside the lock.
                    var emails = OrderedTable<EmailRecord>()
                    swap(&emails, &team.emails)
                    DeferredRelease.shared.release(consume emails)
                    var logs = OrderedTable<LogRecord>()
                    swap(&logs, &team.logs)
                    DeferredRelease.shared.release(consume logs)
                    team.trackedEmails.removeAll()
                    team.pendingEvents.removeAll { $0.type.hasPrefix("email.") }
                    state.teams[teamId] = team
                }
                return out
            }) ?? []
        for (teamId, _) in teams {
            store.idempotency.reset(team: teamId)
            dueEvents.removeAll(tenant: teamId)
        }
        return teams.reduce(0) { $0 + $1.1 }
    }

    /// The team of the bearer API key (any permission), without recording its use; nil without a key we
    /// know.
    public func tenant(of request: Request) -> String? {
        guard let token = Credentials.bearer(request.headers) else { return nil }
        return store.team(ofToken: token)
    }

    public func inspectMessages(tenant: String?) -> [InspectedMessage] {
        let now = store.now
        let emails =
            (try? store.withState { state throws(PostflareError) -> [(String, EmailRecord)] in
                var out: [(String, EmailRecord)] = []
                for (teamId, team) in state.teams where tenant == nil || teamId == tenant {
                    for email in team.emails.values { out.append((teamId, email)) }
                }
                return out
            }) ?? []
        return emails.sorted { $0.1.seq < $1.1.seq }.map { Self.inspected($0.1, team: $0.0, now: now) }
    }

    public func newestMessages(
        tenant: String?,
        limit: Int,
        where include: (InspectedMessage) -> Bool
    ) -> [InspectedMessage] {
        let now = store.now
        // The records are copied under the lock (the walk stops at `limit` matches), then built outside it.
        let teams =
            (try? store.withState { state throws(PostflareError) -> [(String, OrderedTable<EmailRecord>)] in
                state.teams.compactMap { tenant == nil || $0.key == tenant ? ($0.key, $0.value.emails) : nil }
            }) ?? []
        var lists: [[InspectedMessage]] = []
        for (teamId, emails) in teams {
            var out: [InspectedMessage] = []
            for email in emails.values.reversed() where out.count < limit {
                let m = Self.inspected(email, team: teamId, now: now)
                if include(m) { out.append(m) }
            }
            lists.append(out)
        }
        return InspectedMessage.mergedNewest(lists, limit: limit)
    }

    /// One list per team, walked in stored (send) order under the lock — a term lookup takes a few rows, and
    /// a copy of the tables would make a send meanwhile copy a whole table; `to`, `from` and `subject` go
    /// through the table's term index.
    public func oldestMessages(
        tenant: String?,
        filter: MessageFilter,
        resume: MessageResume?,
        limit: Int,
        where include: (InspectedMessage) -> Bool
    ) -> [MessageRun] {
        let now = store.now
        let runs = try? store.withState { state throws(PostflareError) -> [MessageRun] in
            var runs: [MessageRun] = []
            for (teamId, team) in state.teams where tenant == nil || teamId == tenant {
                let emails = team.emails
                let messages = emails.walkMessages(
                    list: teamId,
                    filter: filter,
                    resume: resume,
                    limit: limit,
                    position: { emails.position(of: HashedKey($0)) },
                    key: { ($0.id, Timestamp(millis: $0.createdAt)) },
                    passes: { filter.passes(subject: .some($0.subject), text: .some($0.text)) },
                    build: { Self.inspected($0, team: teamId, now: now) },
                    where: include
                )
                runs.append(MessageRun(list: teamId, messages: messages))
            }
            return runs
        }
        return runs ?? []
    }

    public func inspectMessage(id: String) -> InspectedMessage? {
        let now = store.now
        let found = try? store.withState { state throws(PostflareError) -> (String, EmailRecord)? in
            for (teamId, team) in state.teams {
                if let email = team.emails[HashedKey(id)] { return (teamId, email) }
            }
            return nil
        }
        return (found ?? nil).map { Self.inspected($0.1, team: $0.0, now: now) }
    }

    public func messageRecipients(id: String) -> [String]? {
        let found = try? store.withState { state throws(PostflareError) -> [String]? in
            for team in state.teams.values {
                if let e = team.emails[HashedKey(id)] { return e.to + e.cc + e.bcc }
            }
            return nil
        }
        return found ?? nil
    }

    /// The bytes sent as the attachment's `content`; nil for one given only by `path` (never fetched).
    public func attachmentContent(messageID: String, index: Int) -> AttachmentContent? {
        let found = try? store.withState { state throws(PostflareError) -> AttachmentRecord? in
            for team in state.teams.values {
                guard let email = team.emails[HashedKey(messageID)] else { continue }
                return email.attachments.indices.contains(index) ? email.attachments[index] : nil
            }
            return nil
        }
        guard let a = found ?? nil, let bytes = a.content else { return nil }
        return (a.filename, a.contentType, bytes)
    }

    public func snapshot() -> VendorSnapshot {
        VendorSnapshot(vendor: Self.vendorName, state: (try? store.withState { $0 }) ?? PostflareStore.State())
    }

    public func restore(_ snapshot: VendorSnapshot) throws(VendorError) {
        let state = try snapshot.state(as: PostflareStore.State.self, for: Self.vendorName)
        try? store.withState { $0 = state }
        provisioned.retain { state.teams[$0] != nil }
        store.idempotency.reset()
        webhookRetries.reset()
        webhookReplays.reset()
        dueEvents.removeAll()
    }

    public func publishDueEvents() {
        let due = dueEvents.takeDue(now: store.now)
        guard !due.isEmpty else { return }
        // Read after taking: an entry scheduled in between carries the new epoch and is checked, harmlessly.
        let epoch = dueEvents.epoch
        var current = [Bool](repeating: true, count: due.count)
        if due.contains(where: { $0.epoch != epoch }) {
            // An e-mail canceled or rescheduled since its send no longer reaches that event then: look again,
            // cheaply (every step is a fixed offset from `sendAt`) and in place (a copy retains every field).
            try? store.withState { state throws(PostflareError) in
                for (i, e) in due.enumerated() where e.epoch != epoch {
                    guard let team = state.teams.index(forKey: e.tenant) else {
                        current[i] = false
                        continue
                    }
                    current[i] =
                        state.teams.values[team].emails.read(HashedKey(e.id)) {
                            $0.canceledAt == nil && e.at - $0.sendAt == EmailLife.offset(ofStep: e.type)
                        } ?? false
                }
            }
        }
        var items: [(tenant: String, id: String, detail: String?)] = []
        items.reserveCapacity(due.count)
        for (e, still) in zip(due, current) where still { items.append((e.tenant, e.id, "email." + e.type)) }
        changes.append(.eventAdded, vendor: Self.vendorName, items: items)
    }

    /// Counts a change to an e-mail's life after its send (cancel, reschedule): the steps already scheduled
    /// for it are checked against the e-mail before they are published. Its own steps are never due yet
    /// (only a pending e-mail can change), so the order against a concurrent publish does not matter.
    func lifeChanged() { dueEvents.advanceEpoch() }

    /// Tells the feed an e-mail was stored (unless `stored` is false: a reschedule), and when its `last_event`
    /// will change.
    func announce(_ email: EmailRecord, team: String, stored: Bool = true) {
        if stored { changes.append(.messageStored, vendor: Self.vendorName, tenant: team, id: email.id) }
        // The same steps as `EmailLife.lastEvent`, computed once (publishing checks each against it again).
        let send = email.sendAt
        let outcome = EmailLife.outcome(of: email)
        var steps: [DueEventQueue.Entry] = []
        steps.reserveCapacity(4)
        // Each step's time comes from the one table publishing checks it against (`EmailLife.offset(ofStep:)`).
        func step(_ type: String) {
            guard let offset = EmailLife.offset(ofStep: type) else { return }
            steps.append(DueEventQueue.Entry(at: send + offset, tenant: team, id: email.id, type: type))
        }
        if email.scheduledAt != nil && send > email.createdAt { step("queued") }
        switch outcome {
        case .suppressed: step("suppressed")
        case .bounced, .delivered, .complained:
            step("sent")
            step(outcome == .bounced ? "bounced" : "delivered")
            if outcome == .complained { step("complained") }
        }
        dueEvents.schedule(steps)
    }

    static func inspected(_ e: EmailRecord, team: String, now: Int64) -> InspectedMessage {
        var out = InspectedMessage(
            vendor: vendorName,
            tenant: team,
            id: e.id,
            created: Timestamp(millis: e.createdAt),
            vendorPath: "/emails/\(e.id)"
        )
        out.from = e.from
        out.to = e.to
        out.cc = e.cc
        out.bcc = e.bcc
        out.subject = e.subject
        out.text = e.text
        out.html = e.html
        out.headers = (e.headers ?? JSONObject()).map { ($0.key, $0.value.stringValue ?? "") }
        out.attachments = e.attachments.map {
            InspectedMessage.Attachment(name: $0.filename, contentType: $0.contentType, size: $0.size)
        }
        let last = EmailLife.lastEvent(e, now: now)
        out.status = last
        out.events = EmailLife.timeline(e, now: now).map {
            InspectedMessage.Event(type: "email." + $0.type, at: Timestamp(millis: $0.at))
        }
        return out
    }
}

extension EmailLife {
    /// When after `sendAt` the step `type` (a `last_event` value `announce` schedules) is reached.
    static func offset(ofStep type: String) -> Int64? {
        switch type {
        case "queued": 0
        case "sent", "suppressed": sentAfterMillis
        case "delivered", "bounced": outcomeAfterMillis
        case "complained": complaintAfterMillis
        default: nil
        }
    }

    /// The e-mail's events so far, oldest first: the `last_event` values it has passed through, each at the
    /// time it was reached (the same thresholds as `lastEvent`).
    static func timeline(_ email: EmailRecord, now: Int64) -> [(type: String, at: Int64)] {
        if let recorded = email.recorded {
            // A fixture e-mail's own timeline, with any event the control plane simulated on it since.
            return (recorded + email.simulated).filter { $0.at <= now }.sorted { $0.at < $1.at }.map {
                ($0.type, $0.at)
            }
        }
        var points: [Int64] = [email.createdAt, email.sendAt, email.sendAt + sentAfterMillis]
        points += [email.sendAt + outcomeAfterMillis, email.sendAt + complaintAfterMillis]
        if let canceled = email.canceledAt { points.append(canceled) }
        var out: [(type: String, at: Int64)] = []
        for at in points.sorted() where at <= now {
            let type = lastEvent(email, now: at)
            if out.last?.type != type { out.append((type, at)) }
        }
        return out
    }
}

/// Webhooks go out through the app's one delivery worker.
extension PostflareAPI: OutboundDeliverySource {
    public func takeDueDeliveries() -> [OutboundDelivery] { takeDueWebhookDeliveries() }
    public func deliveryFailed(_ delivery: OutboundDelivery) -> Bool { webhookDeliveryFailed(delivery) }
    public func scheduleRetry(_ delivery: OutboundDelivery) -> Timestamp? {
        webhookRetries.scheduled(delivery, now: store.now).map { Timestamp(millis: $0) }
    }
    public func deliveryAttempted(_ delivery: OutboundDelivery, status: Int?, error: String?, nextAttempt: Timestamp?) {
        recordWebhookAttempt(delivery, status: status, error: error, nextAttempt: nextAttempt)
    }
}
