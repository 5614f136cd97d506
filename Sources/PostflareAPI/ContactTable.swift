// SPDX-License-Identifier: Apache-2.0

/// A team's contacts by id, with an index by lower-cased e-mail kept in step on every write, so that a
/// lookup by address (every `/contacts/{email}` call, every row of a CSV import) is a hash probe instead of
/// a scan of the team.
struct ContactTable: Sendable, Sequence {
    private(set) var byId: [String: ContactRecord] = [:]
    /// Lower-cased e-mail → ids, oldest first. Addresses are unique per team except after a rename onto
    /// another contact's address, which the API allows.
    private var byEmail: [String: [String]] = [:]

    var values: Dictionary<String, ContactRecord>.Values { byId.values }
    var count: Int { byId.count }
    var isEmpty: Bool { byId.isEmpty }

    func makeIterator() -> Dictionary<String, ContactRecord>.Iterator { byId.makeIterator() }

    subscript(id: String) -> ContactRecord? {
        get { byId[id] }
        set {
            let old: ContactRecord?
            if let newValue { old = byId.updateValue(newValue, forKey: id) } else { old = byId.removeValue(forKey: id) }
            if old?.email == newValue?.email { return }
            if let old { unindex(id, email: old.email) }
            if let newValue { byEmail[newValue.email.lowercased(), default: []].append(id) }
        }
    }

    /// The contact with this e-mail address, compared case-insensitively.
    func id(forEmail email: String) -> String? { byEmail[email.lowercased()]?.first }

    private mutating func unindex(_ id: String, email: String) {
        let key = email.lowercased()
        byEmail[key]?.removeAll { $0 == id }
        if byEmail[key]?.isEmpty == true { byEmail[key] = nil }
    }
}
