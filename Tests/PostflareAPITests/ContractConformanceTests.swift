// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@testable import PostflareAPI

/// Regressions found by the interop runs (the official Python SDK and schemathesis against the contract): each
/// answer here once disagreed with `resend-openapi.yaml` or broke an unmodified SDK call.
@Suite struct ContractConformanceTests {
    @Test func attachmentSizeIsTheDecodedByteCount() throws {
        let h = try Harness()
        // "hello attachment\n" is 17 bytes; its base64 has one `=` of padding. The byte array is 3 bytes.
        let sent = h.call(
            .POST,
            "/emails",
            Harness.email(
                to: "delivered@resend.dev",
                [
                    "attachments": [
                        ["filename": "a.txt", "content": "aGVsbG8gYXR0YWNobWVudAo="],
                        ["filename": "b.bin", "content": [0, 1, 2]],
                    ]
                ]
            )
        )
        let id = try #require(sent.id)
        let sizes = h.call(.GET, "/emails/\(id)/attachments").json["data"]?.arrayValue?.map { $0["size"] }
        #expect(sizes == [17, 3])
        #expect(EmailInput.decodedSize("aGk=") == 2 && EmailInput.decodedSize("aGVs\r\nbG8=") == 5)
    }

    @Test func contactTopicsAcceptTheBareArrayOfThePythonSDK() throws {
        let h = try Harness()
        let contact = try #require(h.call(.POST, "/contacts", ["email": "topics@example.org"]).id)
        let r = h.call(
            .PATCH,
            "/contacts/\(contact)/topics",
            rawBody: #"[{"id":"\#(topicId)","subscription":"opt_out"}]"#
        )
        #expect(r.status == 200)
        let listed = h.call(.GET, "/contacts/\(contact)/topics").json["data"]?.arrayValue ?? []
        #expect(listed.first { $0["id"]?.stringValue == topicId }?["subscription"] == "opt_out")
        #expect(h.call(.PATCH, "/contacts/\(contact)/topics", ["topics": []]).status == 200)
    }

    @Test func unsetStringFieldsAreLeftOutNotNull() throws {
        let h = try Harness()
        let template = try #require(h.call(.POST, "/templates", ["name": "bare", "html": "<p>x</p>"]).id)
        let t = try #require(h.call(.GET, "/templates/\(template)").json.objectValue)
        for key in ["alias", "from", "subject", "text"] { #expect(t[key] == nil, "\(key)") }
        #expect(t["reply_to"] == .null)  // the one field the contract declares nullable
        let topic = try #require(h.call(.POST, "/topics", ["name": "T", "default_subscription": "opt_in"]).id)
        #expect(h.call(.GET, "/topics/\(topic)").json.objectValue?["description"] == nil)
        let property = try #require(h.call(.POST, "/contact-properties", ["key": "tier", "type": "string"]).id)
        #expect(h.call(.GET, "/contact-properties/\(property)").json.objectValue?["fallback_value"] == nil)
        let domain = try #require(h.call(.POST, "/domains", ["name": "bare.example.org"]).id)
        #expect(h.call(.GET, "/domains/\(domain)").json.objectValue?["tracking_subdomain"] == nil)
    }

    @Test func takenNamesAreDocumentedValidationErrors() throws {
        let h = try Harness()
        expectError(
            h.call(.POST, "/contact-properties", ["key": "company", "type": "string"]),
            422,
            "validation_error"
        )
        expectError(
            h.call(.POST, "/templates", ["name": "again", "html": "<p>x</p>", "alias": "welcome"]),
            422,
            "validation_error"
        )
        #expect(h.call(.POST, "/events", ["name": "signup"]).status == 201)
        expectError(h.call(.POST, "/events", ["name": "signup"]), 422, "validation_error")
    }

    @Test func requestsWithForeignMethodsAreNotLogged() throws {
        let h = try Harness()
        #expect(h.call(HTTPMethod(rawValue: "QUERY"), "/domains").status == 405)
        h.call(.GET, "/domains")
        let methods = h.call(.GET, "/logs").json["data"]?.arrayValue?.compactMap { $0["method"]?.stringValue }
        #expect(methods == ["GET"])
    }
}
