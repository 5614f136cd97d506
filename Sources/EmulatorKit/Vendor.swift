// SPDX-License-Identifier: Apache-2.0
public import HTTPCore
public import Routing

/// What every emulated vendor module offers the app and the control plane. `MailDoubleApp` wires vendors as
/// a list of these; nothing outside a vendor's module knows its types, so a new vendor needs only its module
/// and one line of wiring.
public protocol Vendor: AnyObject, Sendable {
    /// The vendor's name in URLs, flags and inspection (`flowmailer`, `postflare`, `flowdock`).
    var name: String { get }
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
    /// One message by the vendor's own id, or nil.
    func inspectMessage(id: String) -> InspectedMessage?
    /// The vendor's whole state as a value, copied under its lock.
    func snapshot() -> VendorSnapshot
    /// Puts a snapshot of this vendor back; throws when it is another vendor's.
    func restore(_ snapshot: VendorSnapshot) throws(VendorError)
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
}

extension Vendor {
    public func publishDueEvents() {}
    public var evictedMessages: Int { 0 }
    public func tenant(of request: Request) -> String? { nil }
    /// A vendor that stores no messages forgets none.
    public func forgetMessages(tenant: String?) -> Int { 0 }
}

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
