// SPDX-License-Identifier: Apache-2.0
import EmulatorKit

/// A team's contacts in creation order (an `OrderedTable`, for keyset paging), with an index by lower-cased
/// e-mail kept in step on every write, so that a lookup by address (every `/contacts/{email}` call, every row
/// of a CSV import) is a hash probe instead of a scan of the team.
struct ContactTable: Sendable, Codable {
    private(set) var table = OrderedTable<ContactRecord>()
    /// Lower-cased e-mail → the oldest contact with it. Addresses are unique per team except after a
    /// rename onto another contact's address, which the API allows: the younger ones wait in `sharedEmail`
    /// (kept apart so that the common case stores one string, not an array, per contact).
    private var byEmail: [String: String] = [:]
    private var sharedEmail: [String: [String]] = [:]

    var values: ArraySlice<ContactRecord> { table.values }
    var count: Int { table.count }
    var isEmpty: Bool { table.isEmpty }

    subscript(id: String) -> ContactRecord? {
        get { table[id] }
        set {
            let old: ContactRecord?
            if let newValue {
                old = table[id]
                table.upsert(newValue)
            } else {
                old = table.removeValue(forKey: id)
            }
            if old?.email == newValue?.email { return }
            if let old { unindex(id, email: old.email) }
            if let newValue { index(id, email: newValue.email) }
        }
    }

    /// Edits a contact in place; its e-mail must stay the same (renames go through the subscript).
    mutating func modify<R>(_ id: String, _ body: (inout ContactRecord) throws -> R) rethrows -> R? {
        let before = table[id]?.email
        let result = try table.modify(id, body)
        precondition(table[id]?.email == before, "a contact's e-mail changed through modify; use the subscript")
        return result
    }

    /// The contact with this e-mail address, compared case-insensitively.
    func id(forEmail email: String) -> String? { byEmail[email.lowercased()] }

    private mutating func index(_ id: String, email: String) {
        let key = email.lowercased()
        if byEmail[key] == nil {
            byEmail[key] = id
        } else {
            sharedEmail[key, default: []].append(id)
        }
    }

    private mutating func unindex(_ id: String, email: String) {
        let key = email.lowercased()
        if byEmail[key] == id {
            // The next oldest contact with the address takes over.
            byEmail[key] = sharedEmail[key]?.first
            sharedEmail[key]?.removeFirst()
        } else {
            sharedEmail[key]?.removeAll { $0 == id }
        }
        if sharedEmail[key]?.isEmpty == true { sharedEmail[key] = nil }
    }
}
