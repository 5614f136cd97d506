// SPDX-License-Identifier: Apache-2.0
public import HTTPCore
public import Routing

/// What every emulated vendor module offers the app and the control plane. `MailDoubleApp` wires vendors as
/// a list of these; nothing outside a vendor's module knows its types, so a new vendor needs only its module
/// and one line of wiring.
public protocol Vendor: AnyObject, Sendable {
    /// The vendor's name in URLs, flags and inspection (`flowmailer`, `postflare`, `flowdock`).
    var name: String { get }
    /// Control routes of the vendor's own under `/_emulator/` (simulated events, injected mail), added to the
    /// control router; errors are the control plane's `HTTPError`s. The default adds none.
    func addControlRoutes(to router: inout Router)
    /// The vendor's routes with its middleware and error answers; built once at start-up.
    func makeRouter() -> Router
    /// Everything back to the fixtures (tenants, messages, tokens, rate-limit windows).
    func reset()
    /// One tenant back to its fixtures (removed if the fixtures do not have it); false for an unknown tenant.
    func reset(tenant: String) -> Bool
    /// The tenants the vendor holds now (Flowmailer accounts, Postflare teams, Flowdock organizations).
    var tenants: [String] { get }
    /// The messages the vendor holds, oldest first, in the vendor-neutral shape (all tenants when nil).
    func inspectMessages(tenant: String?) -> [InspectedMessage]
    /// Up to `limit` stored messages for which `include` holds, newest first (the inbox's order), building
    /// only the ones it walks: a vendor whose storage is ordered walks each tenant from its end. The default
    /// walks `inspectMessages(tenant:)` backwards.
    func newestMessages(
        tenant: String?,
        limit: Int,
        where include: (InspectedMessage) -> Bool
    ) -> [InspectedMessage]
    /// The arrival-order walk of the control plane's listing and waits: per list (a tenant, a Flowdock flow),
    /// up to `limit` stored messages from `resume` on (all of a list when nil) that pass `filter` and for
    /// which `include` holds, oldest first, building only the messages it takes or tests. A vendor whose
    /// tables keep a term index (`OrderedRow.indexTerms`) walks only the rows of the filter's rarest term, so
    /// "the mail to a@b" among a million costs that mail. The default walks `inspectMessages(tenant:)`, one
    /// list per tenant.
    func oldestMessages(
        tenant: String?,
        filter: MessageFilter,
        resume: MessageResume?,
        limit: Int,
        where include: (InspectedMessage) -> Bool
    ) -> [MessageRun]
    /// One message by the vendor's own id, or nil.
    func inspectMessage(id: String) -> InspectedMessage?
    /// The `to`, `cc` and `bcc` mailboxes of one stored message, as `inspectMessage(id:)` would give them; nil
    /// when there is none. The wait index asks this of every stored message while waiters are parked, so a
    /// vendor whose records hold the lists answers without building the whole inspected message.
    func messageRecipients(id: String) -> [String]?
    /// The vendor's whole state as a value, copied under its lock.
    func snapshot() -> VendorSnapshot
    /// Puts a snapshot of this vendor back; throws when it is another vendor's.
    func restore(_ snapshot: VendorSnapshot) throws(VendorError)
    /// The vendor's state as bytes for `--data-dir`: its snapshot plus what a restart would otherwise lose
    /// (pending due events, idempotency keys, webhook retries, provisioned tenants' names). Nil for a vendor
    /// that is not persisted.
    func persistedState() throws -> [UInt8]?
    /// Puts `persistedState()` bytes back (at start-up, replacing the fixtures' state); throws on bytes that do
    /// not decode.
    func restorePersisted(_ bytes: [UInt8]) throws
    /// Appends `.eventAdded` to the change feed for every event whose emulator time has come since the last
    /// call. The app calls it from its worker and right after the clock is advanced.
    func publishDueEvents()
    /// How many stored messages were dropped, oldest first, to stay within the per-tenant cap
    /// (`--max-messages`).
    var evictedMessages: Int { get }
    /// The tenant a request to this vendor acts in, from its credentials or path (a Flowmailer account, a
    /// Postflare team, a Flowdock organization), without side effects; nil when it names none the vendor
    /// knows. Fault rules and the request journal match on it.
    func tenant(of request: Request) -> String?
    /// Forgets the stored messages of one tenant (all when nil) and what only they carry (their events,
    /// logs, comments, pending webhook events), leaving tenants, credentials, templates and webhooks as they
    /// are (`DELETE /_emulator/messages`). Returns how many messages went.
    func forgetMessages(tenant: String?) -> Int
    /// The file of attachment `index` (0-based, in the order of `inspectMessage(id:)`'s `attachments`) of the
    /// message with the vendor's id `messageID`: its name, media type and bytes. Nil when there is no such
    /// message or attachment, or when the vendor does not hold the attachment's content (a Postflare
    /// attachment given by `path` URL, which the emulator never fetches). Served by
    /// `GET /_emulator/messages/{vendor}/{id}/attachments/{index}`.
    func attachmentContent(messageID: String, index: Int) -> AttachmentContent?

    // MARK: Webhooks the emulator configures (`/_emulator/webhooks`)

    /// Whether `addWebhook(tenant:_:)` works here: a vendor whose real service sets webhooks up outside its API
    /// (SendPro, in its web UI). A vendor with a webhook API of its own (Postflare) keeps to that.
    var configuresWebhooks: Bool { get }
    /// Adds a webhook to `tenant` (a native id) from the control route's body; returns it as JSON with its
    /// `id`. Throws a message for the caller on bad input.
    func addWebhook(tenant: String, _ config: JSONObject) throws(VendorError) -> JSON
    /// The webhooks configured in one tenant (all when nil), each as JSON with its `id` and `tenant`.
    func configuredWebhooks(tenant: String?) -> [JSON]
    /// Removes the webhook `id`; false when there is none.
    func removeWebhook(id: String) -> Bool

    // MARK: Provisioned tenants (`POST /_emulator/tenants`)

    /// Whether `provisionTenant(_:)` works here (the control plane provisions in these vendors by default).
    var provisionsTenants: Bool { get }
    /// Makes a fresh, isolated tenant named `name` from the fixtures' first tenant and returns its
    /// credentials as a JSON object whose `tenant` is its native id (what `tenants` lists). The caller has
    /// checked that `name` is free in every vendor; this throws when the vendor cannot (no template tenant).
    func provisionTenant(_ name: String) throws(VendorError) -> JSON
    /// Removes the tenant provisioned as `name` with all its data; false when there is none.
    func removeTenant(_ name: String) -> Bool
    /// The tenants provisioned here, oldest first: their names and native ids.
    var provisionedTenants: [ProvisionedTenant] { get }
    /// The native tenant id a control-route `tenant=` value means here: the tenant provisioned under that
    /// name, else the tenant with that native id; nil when the vendor has neither.
    func resolveTenant(_ name: String) -> String?
    /// How many messages each tenant holds now, by native tenant id (`maildouble_stored_messages` in
    /// `/_emulator/metrics`, read at scrape time). The default counts `inspectMessages`; vendors count cheaper.
    func storedMessageCounts() -> [String: Int]
}

/// An attachment's file as `Vendor.attachmentContent(messageID:index:)` gives it: its name, media type and
/// bytes.
public typealias AttachmentContent = (name: String, contentType: String, bytes: [UInt8])

/// A tenant `POST /_emulator/tenants` made: the name the control routes know it by, its native id in one
/// vendor (equal to the name unless the vendor's ids cannot be: Flowmailer's are numeric).
public struct ProvisionedTenant: Sendable, Equatable {
    public var name: String
    public var tenant: String

    public init(name: String, tenant: String) {
        self.name = name
        self.tenant = tenant
    }
}

extension Vendor {
    public func newestMessages(
        tenant: String?,
        limit: Int,
        where include: (InspectedMessage) -> Bool
    ) -> [InspectedMessage] {
        var out: [InspectedMessage] = []
        for m in inspectMessages(tenant: tenant).reversed() where out.count < limit && include(m) { out.append(m) }
        return out
    }

    public func oldestMessages(
        tenant: String?,
        filter: MessageFilter,
        resume: MessageResume?,
        limit: Int,
        where include: (InspectedMessage) -> Bool
    ) -> [MessageRun] {
        var runs: [MessageRun] = []
        var runOf: [String: Int] = [:]
        var started: Set<String> = []
        for m in inspectMessages(tenant: tenant) {
            let i = runOf[m.tenant] ?? runs.count
            if i == runs.count {
                runOf[m.tenant] = i
                runs.append(MessageRun(list: m.tenant, messages: []))
                if resume == nil { started.insert(m.tenant) }
            }
            if !started.contains(m.tenant) {
                // Past the message the cursor names (or, when it is gone, at the first one after the start).
                if let resume, resume.list == m.tenant, resume.id != nil {
                    if resume.id == m.id {
                        started.insert(m.tenant)
                        continue
                    }
                    if !resume.isAfter(m.tenant, m.id, m.created) { continue }
                } else if let resume, !resume.isAfter(m.tenant, m.id, m.created) {
                    continue
                }
                started.insert(m.tenant)
            }
            guard runs[i].messages.count < limit else { continue }
            let passes = filter.passes(
                from: .some(m.from),
                recipients: m.to + m.cc + m.bcc,
                subject: .some(m.subject),
                text: .some(m.text)
            )
            if passes && include(m) { runs[i].messages.append(m) }
        }
        return runs
    }

    public func storedMessageCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for tenant in tenants { counts[tenant] = inspectMessages(tenant: tenant).count }
        return counts
    }
    public func persistedState() throws -> [UInt8]? { nil }
    public func restorePersisted(_ bytes: [UInt8]) throws {
        throw VendorError("\(name) does not persist its state")
    }
    public func messageRecipients(id: String) -> [String]? {
        inspectMessage(id: id).map { $0.to + $0.cc + $0.bcc }
    }
    public func publishDueEvents() {}
    public func addControlRoutes(to router: inout Router) {}
    public var evictedMessages: Int { 0 }
    public func tenant(of request: Request) -> String? { nil }
    /// A vendor that stores no messages forgets none.
    public func forgetMessages(tenant: String?) -> Int { 0 }
    /// A vendor that keeps no attachment content serves none.
    public func attachmentContent(messageID: String, index: Int) -> AttachmentContent? { nil }
    public var configuresWebhooks: Bool { false }
    public func addWebhook(tenant: String, _ config: JSONObject) throws(VendorError) -> JSON {
        throw VendorError("\(self.name) webhooks are not configured through the emulator")
    }
    public func configuredWebhooks(tenant: String?) -> [JSON] { [] }
    public func removeWebhook(id: String) -> Bool { false }
    public var provisionsTenants: Bool { false }
    public func provisionTenant(_ name: String) throws(VendorError) -> JSON {
        throw VendorError("\(self.name) cannot provision tenants")
    }
    public func removeTenant(_ name: String) -> Bool { false }
    public var provisionedTenants: [ProvisionedTenant] { [] }
    public func resolveTenant(_ name: String) -> String? { tenants.contains(name) ? name : nil }
}

/// The tenants provisioned in one vendor, by name, with the state each was provisioned with (what
/// `reset(tenant:)` puts back). A vendor's `reset()` empties it with the tenants themselves.
public final class ProvisionedTenants<Seed: Sendable>: Sendable {
    public struct Entry: Sendable {
        public var name: String
        public var tenant: String
        public var seed: Seed
    }

    private let entries = Locked<[Entry]>([])

    public init() {}

    /// Adds an entry; false when the name or the native id is taken.
    public func add(name: String, tenant: String, seed: Seed) -> Bool {
        entries.withLock { list in
            guard !list.contains(where: { $0.name == name || $0.tenant == tenant }) else { return false }
            list.append(Entry(name: name, tenant: tenant, seed: seed))
            return true
        }
    }

    public func remove(name: String) -> Entry? {
        entries.withLock { list in
            guard let i = list.firstIndex(where: { $0.name == name }) else { return nil }
            return list.remove(at: i)
        }
    }

    public func entry(name: String) -> Entry? { entries.withLock { $0.first { $0.name == name } } }
    public func entry(tenant: String) -> Entry? { entries.withLock { $0.first { $0.tenant == tenant } } }
    public func removeAll() { entries.withLock { $0.removeAll() } }
    /// Keeps the entries whose native id passes `keep` (after a snapshot is restored: snapshots hold the
    /// vendor's state, not this list).
    public func retain(_ keep: (String) -> Bool) { entries.withLock { $0.removeAll { !keep($0.tenant) } } }
    /// Every entry, oldest first, with its seed (what persistence saves).
    public var allEntries: [Entry] { entries.withLock { $0 } }
    /// Replaces every entry (a restart putting saved ones back).
    public func replaceAll(_ list: [Entry]) { entries.withLock { $0 = list } }
    public var all: [ProvisionedTenant] {
        entries.withLock { $0.map { ProvisionedTenant(name: $0.name, tenant: $0.tenant) } }
    }
}

extension ProvisionedTenants.Entry: Codable where Seed: Codable {}

/// A vendor's state as data. `state` is the vendor's own value type; only that vendor reads it back.
public struct VendorSnapshot: Sendable {
    public var vendor: String
    public var state: any Sendable

    public init(vendor: String, state: any Sendable) {
        self.vendor = vendor
        self.state = state
    }

    /// The state as the vendor's own type, or a `VendorError` naming what arrived instead.
    public func state<T: Sendable>(as type: T.Type, for vendor: String) throws(VendorError) -> T {
        guard self.vendor == vendor, let value = state as? T else {
            throw VendorError("a \(self.vendor) snapshot cannot be restored into \(vendor)")
        }
        return value
    }
}

public struct VendorError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
