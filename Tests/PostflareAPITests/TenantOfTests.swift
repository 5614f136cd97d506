// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import PostflareAPI

/// `Vendor.tenant(of:)`: the team of the API key.
@Suite struct TenantOfTests {
    func request(_ target: String, key: String?) -> Request {
        var headers = HTTPHeaders()
        if let key { headers.add(name: "Authorization", value: "Bearer \(key)") }
        return Request(method: .POST, target: target, headers: headers)
    }

    @Test func teamOfEitherKey() throws {
        let h = try Harness()
        #expect(h.api.tenant(of: request("/emails", key: fullKey)) == "team_maildouble")
        #expect(h.api.tenant(of: request("/domains", key: sendKey)) == "team_maildouble")
        #expect(h.api.tenant(of: request("/emails", key: "re_unknown")) == nil)
        #expect(h.api.tenant(of: request("/emails", key: nil)) == nil)
    }

    @Test func askingRecordsNoUseOfTheKey() throws {
        let h = try Harness()
        _ = h.api.tenant(of: request("/emails", key: sendKey))
        let keys = h.call(.GET, "/api-keys").json["data"]?.arrayValue ?? []
        let send = keys.first { $0["name"]?.stringValue == "Sending only" }
        #expect(send?["last_used_at"] == .null)
    }

    @Test func aDeletedKeyNamesNoTeam() throws {
        let h = try Harness()
        let created = h.call(.POST, "/api-keys", ["name": "temp"])
        let token = try #require(created.json["token"]?.stringValue)
        #expect(h.api.tenant(of: request("/emails", key: token)) == "team_maildouble")
        #expect(h.call(.DELETE, "/api-keys/\(try #require(created.id))").status == 200)
        #expect(h.api.tenant(of: request("/emails", key: token)) == nil)
    }
}
