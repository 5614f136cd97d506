// SPDX-License-Identifier: Apache-2.0
import EmulatorKit

// Persistence (`--data-dir`) codes the account state with synthesized `Codable`; these cover what it cannot.

/// Rendered bytes are a cache: not persisted, rebuilt on first use after a restart.
extension RenderCache: Codable {
    convenience init(from decoder: any Decoder) throws { self.init() }
    func encode(to encoder: any Encoder) throws {}
}

/// Header fields as (name, value) tuples, `Codable` as a flat list (tuples cannot conform).
@propertyWrapper
struct CodedHeaders: Sendable, Codable {
    var wrappedValue: [(name: String, value: String)]

    init(wrappedValue: [(name: String, value: String)]) { self.wrappedValue = wrappedValue }
    init(from decoder: any Decoder) throws {
        let flat = try [String](from: decoder)
        wrappedValue = stride(from: 0, to: flat.count - 1, by: 2).map { (flat[$0], flat[$0 + 1]) }
    }
    func encode(to encoder: any Encoder) throws {
        try wrappedValue.flatMap { [$0.name, $0.value] }.encode(to: encoder)
    }
}

/// `CodedHeaders` for an optional list.
@propertyWrapper
struct CodedOptionalHeaders: Sendable, Codable {
    var wrappedValue: [(name: String, value: String)]?

    init(wrappedValue: [(name: String, value: String)]?) { self.wrappedValue = wrappedValue }
    init(from decoder: any Decoder) throws {
        wrappedValue = try CodedHeaders?(from: decoder)?.wrappedValue
    }
    func encode(to encoder: any Encoder) throws {
        try wrappedValue.map { CodedHeaders(wrappedValue: $0) }.encode(to: encoder)
    }
}

/// What `--data-dir` keeps of Flowmailer: the accounts, pending lifecycle events and provisioned tenants.
/// OAuth tokens are not kept: they live 60 s, and clients fetch a new one on a 401.
struct PersistedFlowmailer: Codable {
    var accounts: [AccountState]
    var due: [DueEventQueue.Entry]
    var provisioned: [ProvisionedTenants<AccountState>.Entry]
}

extension FlowmailerAPI {
    public func persistedState() throws -> [UInt8]? {
        try BinaryCoder.encode(
            PersistedFlowmailer(
                accounts: store.allAccounts(),
                due: dueEvents.pendingEntries,
                provisioned: provisioned.allEntries
            )
        )
    }

    public func restorePersisted(_ bytes: [UInt8]) throws {
        let saved = try BinaryCoder.decode(PersistedFlowmailer.self, from: bytes)
        try restore(VendorSnapshot(vendor: Self.vendorName, state: saved.accounts))
        dueEvents.schedule(saved.due)
        provisioned.replaceAll(saved.provisioned)
    }
}
