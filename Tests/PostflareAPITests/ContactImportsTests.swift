// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@testable import PostflareAPI

@Suite struct ContactImportsTests {
    func multipart(_ fields: [(String, String)]) -> String {
        var s = ""
        for (name, value) in fields {
            s += "--XyZ\r\nContent-Disposition: form-data; name=\"\(name)\""
            s += name == "file" ? "; filename=\"c.csv\"\r\nContent-Type: text/csv\r\n\r\n" : "\r\n\r\n"
            s += value + "\r\n"
        }
        return s + "--XyZ--\r\n"
    }

    @Test func importsCSVWithColumnMap() throws {
        let h = try Harness()
        let csv =
            "Mail,First\r\nnew1@example.org,Ann\r\n\"new2@example.org\",\"B, Jr\"\r\nnot-an-email,X\r\nalice@example.org,Al\r\n"
        let body = multipart([
            ("file", csv), ("column_map", #"{"email":"Mail","first_name":"First"}"#), ("on_conflict", "skip"),
            ("segments", "[\"\(segmentId)\"]"),
        ])
        let r = h.call(
            .POST, "/contacts/imports", headers: [("Content-Type", "multipart/form-data; boundary=XyZ")], rawBody: body)
        #expect(r.status == 201)
        let id = try #require(r.id)
        #expect(h.call(.GET, "/contacts/imports/\(id)").json["status"] == "queued")
        h.clock.advance(bySeconds: 1)
        let got = h.call(.GET, "/contacts/imports/\(id)")
        #expect(got.json["status"] == "completed")
        #expect(got.json["counts"] == ["total": 4, "created": 2, "updated": 0, "skipped": 1, "failed": 1])
        #expect(h.call(.GET, "/contacts/new2%40example.org").json["first_name"] == "B, Jr")
        #expect(h.call(.GET, "/contacts/imports?status=completed").json["data"]?.arrayValue?.count == 1)
    }

    @Test func rejectsNonMultipart() throws {
        let h = try Harness()
        expectError(h.call(.POST, "/contacts/imports", ["file": "x"]), 422, "validation_error")
        let r = h.call(
            .POST, "/contacts/imports", headers: [("Content-Type", "multipart/form-data; boundary=XyZ")],
            rawBody: multipart([("on_conflict", "skip")]))
        expectError(r, 422, "missing_required_field")
    }

    @Test func csvParser() {
        #expect(CSV.parse("a,b\n\"x\"\"y\",\n") == [["a", "b"], ["x\"y", ""]])
    }
}
