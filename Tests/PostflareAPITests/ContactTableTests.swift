// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@testable import PostflareAPI

@Suite struct ContactTableTests {
    static func contact(_ id: String, _ email: String) -> ContactRecord {
        ContactRecord(
            id: id,
            email: email,
            firstName: nil,
            lastName: nil,
            unsubscribed: false,
            properties: JSONObject(),
            segmentIds: [],
            topics: [:],
            createdAt: 0,
            seq: 0
        )
    }

    /// The e-mail index follows every write: creates, edits that keep the address, renames and deletes,
    /// case-insensitively.
    @Test func emailIndexFollowsWrites() {
        var table = ContactTable()
        table["1"] = Self.contact("1", "Ann@Example.org")
        table["2"] = Self.contact("2", "bob@example.org")
        #expect(table.id(forEmail: "ann@example.ORG") == "1")
        table["1"]?.firstName = "Ann"
        #expect(table.id(forEmail: "ann@example.org") == "1")
        table["2"]?.email = "robert@example.org"
        #expect(table.id(forEmail: "bob@example.org") == nil)
        #expect(table.id(forEmail: "Robert@example.org") == "2")
        table["1"] = nil
        #expect(table.id(forEmail: "ann@example.org") == nil)
        #expect(table.count == 1 && table["2"]?.firstName == nil)
    }

    /// A rename onto another contact's address (allowed by the API) shares it: the oldest answers, and the
    /// next takes over when it goes.
    @Test func sharedAddressesHandOver() {
        var table = ContactTable()
        table["a"] = Self.contact("a", "x@example.org")
        table["b"] = Self.contact("b", "y@example.org")
        table["c"] = Self.contact("c", "z@example.org")
        table["b"]?.email = "X@example.org"
        table["c"]?.email = "x@example.org"
        #expect(table.id(forEmail: "x@example.org") == "a")
        table["b"] = nil
        #expect(table.id(forEmail: "x@example.org") == "a")
        table["a"] = nil
        #expect(table.id(forEmail: "x@example.org") == "c")
        table["c"]?.email = "w@example.org"
        #expect(table.id(forEmail: "x@example.org") == nil)
        #expect(table.id(forEmail: "w@example.org") == "c")
        #expect(table.id(forEmail: "y@example.org") == nil)
    }
}
