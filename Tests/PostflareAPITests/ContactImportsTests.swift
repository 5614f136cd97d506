// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
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
            .POST,
            "/contacts/imports",
            headers: [("Content-Type", "multipart/form-data; boundary=XyZ")],
            rawBody: body
        )
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
            .POST,
            "/contacts/imports",
            headers: [("Content-Type", "multipart/form-data; boundary=XyZ")],
            rawBody: multipart([("on_conflict", "skip")])
        )
        expectError(r, 422, "missing_required_field")
    }

    /// Issue 12: a part whose header block ends at the closing delimiter (a file part with no content)
    /// trapped on a backwards slice and took the whole process down.
    @Test func filePartWithoutContentIsAnErrorNotACrash() throws {
        let h = try Harness()
        let r = h.call(
            .POST,
            "/contacts/imports",
            headers: [("Content-Type", "multipart/form-data; boundary=B")],
            rawBody: "--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n--B--\r\n"
        )
        expectError(r, 422, "validation_error")
        #expect(r.json["message"] == "The CSV `file` is empty.")
    }

    /// Malformed bodies and content types: each a Postflare 422, never a crash or a 500.
    @Test(arguments: [
        ("boundary=B", ""), ("boundary=B", "--B"), ("boundary=B", "--B\r\n"), ("boundary=B", "garbage"),
        ("boundary=B", "--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nunterminated"),
        ("boundary=B", "--B\r\nno colon here\r\n\r\nx\r\n--B--\r\n"),
        ("boundary=B", "--B\r\nContent-Type: text/csv\r\n\r\nemail\r\n--B--\r\n"),
        ("boundary=B", "--B\r\n--B--"), ("boundary=B", "--B--\r\n"), ("boundary=B", "\r\n--B\r\n\r\n"),
        ("boundary=", "--\r\n\r\n--\r\n"), ("boundary=\"\"", "--B--"), ("charset=utf-8", "--B--"),
        ("boundary=" + String(repeating: "b", count: 71), "--b--"),
    ])
    func malformedMultipartIsAValidationError(_ parameters: String, _ body: String) throws {
        let h = try Harness()
        let r = h.call(
            .POST,
            "/contacts/imports",
            headers: [("Content-Type", "multipart/form-data; \(parameters)")],
            rawBody: body
        )
        #expect(r.status == 422, "\(body.debugDescription) → \(r.json.text)")
        #expect(["validation_error", "missing_required_field"].contains(r.name ?? ""), "\(r.json.text)")
    }

    /// Issue 12: an import is answered at once and applied in bounded batches afterwards, so no request
    /// holds the store for work proportional to the file. A GET of the import applies one more batch.
    @Test func largeImportIsAppliedInBatchesAfterItIsAccepted() throws {
        let h = try Harness()
        var csv = "email,first_name\r\n"
        for i in 0..<2_500 { csv += "user\(i)@example.org,U\(i)\r\n" }
        let r = h.call(
            .POST,
            "/contacts/imports",
            headers: [("Content-Type", "multipart/form-data; boundary=XyZ")],
            rawBody: multipart([("file", csv)])
        )
        #expect(r.status == 201)
        let id = try #require(r.id)
        #expect(h.call(.GET, "/contacts/user0%40example.org").status == 404)
        let first = h.call(.GET, "/contacts/imports/\(id)")
        #expect(first.json["status"] == "queued")
        #expect(first.json["counts"]?["total"] == 1_000)
        #expect(h.call(.GET, "/contacts/user999%40example.org").json["first_name"] == "U999")
        #expect(h.call(.GET, "/contacts/user1000%40example.org").status == 404)
        h.clock.advance(bySeconds: 1)
        let second = h.call(.GET, "/contacts/imports/\(id)")
        #expect(second.json["status"] == "in_progress")
        #expect(second.json["completed_at"] == .null)
        #expect(second.json["counts"]?["total"] == 2_000)
        #expect(h.call(.GET, "/contacts/imports?status=in_progress").json["data"]?.arrayValue?.count == 1)
        let third = h.call(.GET, "/contacts/imports/\(id)")
        #expect(third.json["status"] == "completed")
        #expect(third.json["counts"] == ["total": 2_500, "created": 2_500, "updated": 0, "skipped": 0, "failed": 0])
        #expect(h.call(.GET, "/contacts/user2499%40example.org").json["first_name"] == "U2499")
    }

    /// Rows find their contact by e-mail (any case) through the team's index, which follows creates,
    /// renames and deletes.
    @Test func importMatchesContactsByEmailThroughRenamesAndDeletes() throws {
        let h = try Harness()
        let created = h.call(.POST, "/contacts", ["email": "Mixed@Example.org", "first_name": "Old"])
        let mixedId = try #require(created.id)
        let renamed = try #require(h.call(.POST, "/contacts", ["email": "before@example.org"]).id)
        #expect(h.call(.PATCH, "/contacts/\(renamed)", ["email": "after@example.org"]).status == 200)
        #expect(h.call(.GET, "/contacts/before%40example.org").status == 404)
        #expect(h.call(.GET, "/contacts/AFTER%40example.org").id == renamed)
        let gone = try #require(h.call(.POST, "/contacts", ["email": "gone@example.org"]).id)
        #expect(h.call(.DELETE, "/contacts/\(gone)").status == 200)
        let csv =
            "email,first_name\r\nmixed@example.org,New\r\nbefore@example.org,B\r\nafter@example.org,A\r\n"
            + "gone@example.org,G\r\n"
        let r = h.call(
            .POST,
            "/contacts/imports",
            headers: [("Content-Type", "multipart/form-data; boundary=XyZ")],
            rawBody: multipart([("file", csv)])
        )
        let id = try #require(r.id)
        h.clock.advance(bySeconds: 1)
        #expect(
            h.call(.GET, "/contacts/imports/\(id)").json["counts"]
                == ["total": 4, "created": 2, "updated": 2, "skipped": 0, "failed": 0]
        )
        let mixed = h.call(.GET, "/contacts/mixed%40example.org")
        #expect(mixed.id == mixedId)
        #expect(mixed.json["first_name"] == "New")
        #expect(h.call(.GET, "/contacts/after%40example.org").json["first_name"] == "A")
        #expect(h.call(.GET, "/contacts/before%40example.org").id != renamed)
        #expect(h.call(.GET, "/contacts/gone%40example.org").id != gone)
    }

    @Test func csvParser() {
        #expect(CSV.parse("a,b\n\"x\"\"y\",\n") == [["a", "b"], ["x\"y", ""]])
    }
}
