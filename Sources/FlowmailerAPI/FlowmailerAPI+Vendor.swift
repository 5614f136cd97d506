// SPDX-License-Identifier: Apache-2.0
public import EmulatorKit
public import HTTPCore
import Routing

/// The vendor contract: accounts are the tenants, submitted messages are what inspection shows.
extension FlowmailerAPI: Vendor {
    public var name: String { Self.vendorName }

    public var tenants: [String] { store.allAccounts().map(\.id) }

    public var evictedMessages: Int { store.evictedMessages() }

    /// A provisioned account goes back to the state it was provisioned with and keeps its issued tokens
    /// (its credentials stay valid, so a test's cached token survives a per-test reset); a fixture account
    /// goes back to its fixtures and loses its tokens.
    public func reset(tenant: String) -> Bool {
        if let entry = provisioned.entry(tenant: tenant) {
            guard store.replace(account: tenant, with: entry.seed) else { return false }
        } else {
            let fresh = seed.first { $0.id == tenant }
            guard store.replace(account: tenant, with: fresh) else { return false }
            tokens.removeAll(account: tenant)
        }
        dueEvents.removeAll(tenant: tenant)
        webhookOutbox.removeAll(tenant: tenant)
        changes.append(.reset, vendor: Self.vendorName, tenant: tenant, id: "")
        return true
    }

    /// Forgets the accounts' messages (with their events, held-message releases and the recipient filters
    /// they put in place). Accounts, credentials, flows, templates and sender domains stay.
    public func forgetMessages(tenant: String?) -> Int {
        var deleted = 0
        for account in tenants where tenant == nil || account == tenant {
            deleted +=
                (try? store.write(account) { state throws(HTTPError) -> Int in
                    let n = state.messages.count
                    // Swapped out here, freed by the shared worker (outside the lock, off the request path).
                    var old = OrderedTable<StoredMessage>()
                    swap(&old, &state.messages)
                    DeferredRelease.shared.release(consume old)
                    state.filterCandidates.removeAll()
                    state.resumed.removeAll()
                    return n
                }) ?? 0
            dueEvents.removeAll(tenant: account)
        }
        return deleted
    }

    /// The account of the bearer token (expired or not) when the request has one we issued, else the
    /// account id in the path when that account exists; for `/oauth/token`, the account of the client id
    /// (form, query or Basic; the secret is not checked, so a failed login counts for its account too).
    public func tenant(of request: Request) -> String? {
        if let token = Credentials.bearer(request.headers), let account = tokens.account(of: token) {
            return account
        }
        guard let first = URLCoding.pathNames(request.rawPath, limit: 1).first, !first.isEmpty else { return nil }
        if first == "oauth" {
            guard let clientId = OAuthHandler.parameters(request).clientId else { return nil }
            return store.credential(clientId: clientId)?.account
        }
        guard first.utf8AllSatisfy({ $0 >= 48 && $0 <= 57 }), store.hasAccount(first) else { return nil }
        return first
    }

    public func inspectMessages(tenant: String?) -> [InspectedMessage] {
        let now = clock.now()
        var out: [InspectedMessage] = []
        for account in store.allAccounts() where tenant == nil || account.id == tenant {
            for message in account.messages.values {
                out.append(Self.inspected(message, account: account.id, now: now))
            }
        }
        return out
    }

    public func newestMessages(
        tenant: String?,
        limit: Int,
        where include: (InspectedMessage) -> Bool
    ) -> [InspectedMessage] {
        let now = clock.now()
        var lists: [[InspectedMessage]] = []
        for account in store.allAccounts() where tenant == nil || account.id == tenant {
            var out: [InspectedMessage] = []
            for message in account.messages.values.reversed() where out.count < limit {
                let m = Self.inspected(message, account: account.id, now: now)
                if include(m) { out.append(m) }
            }
            lists.append(out)
        }
        return InspectedMessage.mergedNewest(lists, limit: limit)
    }

    /// One list per account, walked in stored (insertion) order; `to`, `from` and `subject` go through the
    /// table's term index.
    public func oldestMessages(
        tenant: String?,
        filter: MessageFilter,
        resume: MessageResume?,
        limit: Int,
        where include: (InspectedMessage) -> Bool
    ) -> [MessageRun] {
        let now = clock.now()
        var runs: [MessageRun] = []
        for account in store.allAccounts() where tenant == nil || account.id == tenant {
            let messages = account.messages.walkMessages(
                list: account.id,
                filter: filter,
                resume: resume,
                limit: limit,
                position: { account.messages.position(of: MessageKey($0)) },
                key: { ($0.id, $0.submitted) },
                passes: { filter.passes(subject: .some($0.subject), text: .some($0.text)) },
                build: { Self.inspected($0, account: account.id, now: now) },
                where: include
            )
            runs.append(MessageRun(list: account.id, messages: messages))
        }
        return runs
    }

    public func inspectMessage(id: String) -> InspectedMessage? {
        let now = clock.now()
        for account in store.allAccounts() {
            if let message = account.message(id) { return Self.inspected(message, account: account.id, now: now) }
        }
        return nil
    }

    public func messageRecipients(id: String) -> [String]? {
        for account in store.allAccounts() {
            if let message = account.message(id) { return [message.recipientAddress] }
        }
        return nil
    }

    /// The submitted attachment's base64 `content`, decoded; an attachment submitted without `content` is an
    /// empty file (its inspected size is 0).
    public func attachmentContent(messageID: String, index: Int) -> AttachmentContent? {
        for account in store.allAccounts() {
            guard let message = account.message(messageID) else { continue }
            guard message.attachments.indices.contains(index) else { return nil }
            let a = message.attachments[index]
            guard let bytes = Base64.decode(a["content"]?.stringValue ?? "") else { return nil }
            return (a["filename"]?.stringValue ?? "", a["contentType"]?.stringValue ?? "", bytes)
        }
        return nil
    }

    public func snapshot() -> VendorSnapshot { VendorSnapshot(vendor: Self.vendorName, state: store.allAccounts()) }

    public func restore(_ snapshot: VendorSnapshot) throws(VendorError) {
        store.replaceAll(with: try snapshot.state(as: [AccountState].self, for: Self.vendorName))
        provisioned.retain { store.hasAccount($0) }
        tokens.removeAll()
        dueEvents.removeAll()
    }

    public func publishDueEvents() {
        let due = dueEvents.takeDue(now: clock.nowMillis())
        queueWebhooks(due)
        changes.append(.eventAdded, vendor: Self.vendorName, items: due.map { ($0.tenant, $0.id, $0.type) })
    }

    static func inspected(_ m: StoredMessage, account: String, now: Timestamp) -> InspectedMessage {
        var out = InspectedMessage(
            vendor: vendorName,
            tenant: account,
            id: m.id,
            created: m.submitted,
            vendorPath: "/\(account)/messages/\(m.id)"
        )
        out.from = m.fromAddress?.address ?? m.senderAddress
        out.to = [m.recipientAddress]
        out.subject = m.subject
        out.text = m.text
        out.html = m.html
        out.headers = m.headersIn
        out.attachments = m.attachments.map { a in
            let content = a["content"]?.stringValue ?? ""
            return InspectedMessage.Attachment(
                name: a["filename"]?.stringValue ?? "",
                contentType: a["contentType"]?.stringValue ?? "",
                size: Base64.decode(content)?.count ?? 0
            )
        }
        out.status = m.status(at: now)
        // Newest first in the API; oldest first here, as on every inspected timeline.
        out.events = m.visibleEvents(at: now).reversed().map {
            InspectedMessage.Event(type: $0.type, at: $0.inserted, detail: $0.subType ?? $0.snippet)
        }
        return out
    }
}

/// SendPro webhooks are set up outside the API (its web UI): here through `/_emulator/webhooks`.
extension FlowmailerAPI {
    public var configuresWebhooks: Bool { true }

    public func addWebhook(tenant: String, _ config: JSONObject) throws(VendorError) -> JSON {
        let id = IDs.uuid()
        let hook = try Self.webhook(from: config, id: id).get()
        do {
            try store.write(tenant) { a throws(HTTPError) in
                var table = a.table(Self.webhookTable)
                table.put(hook, id: id)
                a.tables[Self.webhookTable] = table
            }
        } catch {
            throw VendorError("flowmailer has no account '\(tenant)'")
        }
        return Self.shown(hook, account: tenant)
    }

    public func configuredWebhooks(tenant: String?) -> [JSON] {
        store.allAccounts().filter { tenant == nil || $0.id == tenant }.flatMap { a in
            a.table(Self.webhookTable).all.map { Self.shown($0, account: a.id) }
        }
    }

    public func removeWebhook(id: String) -> Bool {
        for account in tenants {
            let removed =
                (try? store.write(account) { a throws(HTTPError) -> Bool in
                    var table = a.table(Self.webhookTable)
                    guard table.remove(id) else { return false }
                    a.tables[Self.webhookTable] = table
                    return true
                }) ?? false
            if removed { return true }
        }
        return false
    }

    /// A webhook as the control routes show it: its settings with `vendor` and `tenant`.
    static func shown(_ hook: JSONObject, account: String) -> JSON {
        var o: JSONObject = ["id": hook["id"] ?? .null, "vendor": .string(vendorName), "tenant": .string(account)]
        for key in ["url", "description", "add_message_tags", "sources", "event_types"] { o[key] = hook[key] ?? .null }
        return .object(o)
    }
}
