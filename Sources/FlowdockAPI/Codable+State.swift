// SPDX-License-Identifier: Apache-2.0
import EmulatorKit

/// The posted-message order's (flow, id) tuples as a flat list (tuples cannot be `Codable`), for persistence.
@propertyWrapper
struct CodedPosted: Sendable, Codable {
    var wrappedValue: [(flowID: String, id: Int)]

    init(wrappedValue: [(flowID: String, id: Int)]) { self.wrappedValue = wrappedValue }

    enum CodingKeys: String, CodingKey { case flows, ids }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let flows = try c.decode([String].self, forKey: .flows)
        let ids = try c.decode([Int].self, forKey: .ids)
        guard flows.count == ids.count else { throw BinaryCoderError("posted: flows and ids differ in count") }
        wrappedValue = zip(flows, ids).map { ($0, $1) }
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(wrappedValue.map(\.flowID), forKey: .flows)
        try c.encode(wrappedValue.map(\.id), forKey: .ids)
    }
}

/// What `--data-dir` keeps of Flowdock: the store and provisioned tenants.
struct PersistedFlowdock: Codable {
    var state: State
    var provisioned: [ProvisionedTenants<State>.Entry]
}

extension FlowdockAPI {
    public func persistedState() throws -> [UInt8]? {
        let state = (try? store.withState { $0 }) ?? State()
        return try BinaryCoder.encode(PersistedFlowdock(state: state, provisioned: provisioned.allEntries))
    }

    public func restorePersisted(_ bytes: [UInt8]) throws {
        let saved = try BinaryCoder.decode(PersistedFlowdock.self, from: bytes)
        try restore(VendorSnapshot(vendor: Self.vendorName, state: saved.state))
        provisioned.replaceAll(saved.provisioned)
    }
}
