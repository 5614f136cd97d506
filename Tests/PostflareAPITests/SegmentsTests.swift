// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@testable import PostflareAPI

@Suite struct SegmentsTests {
    @Test func segmentsAndAudiencesAreOneCollection() throws {
        let h = try Harness()
        let s = h.call(.POST, "/segments", ["name": "Beta"])
        #expect(s.status == 201)
        #expect(s.json["object"] == "segment")
        let id = try #require(s.id)
        #expect(h.call(.GET, "/audiences/\(id)").json["object"] == "audience")
        #expect(h.call(.GET, "/audiences").json["data"]?.arrayValue?.count == 2)
        #expect(h.call(.GET, "/segments/\(segmentId)/contacts").json["data"]?.arrayValue?.count == 3)
        #expect(h.call(.DELETE, "/segments/\(id)").json["deleted"] == true)
        let missing = h.call(.GET, "/segments/\(id)")
        expectError(missing, 404, "not_found")
        #expect(missing.json["message"] == "Audience not found")
        #expect(h.call(.DELETE, "/segments/\(id)").status == 200)
        let r = h.call(.POST, "/segments", [:])
        expectError(r, 422, "missing_required_field")
        #expect(r.json["message"] == "Missing `name` field.")
    }
}
