// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@testable import PostflareAPI

@Suite struct TemplatesTests {
    @Test func sendWithPublishedTemplateRendersVariables() throws {
        let h = try Harness()
        let r = h.call(
            .POST,
            "/emails",
            ["to": "delivered@resend.dev", "template": ["id": "welcome", "variables": ["NAME": "Ada"]]]
        )
        #expect(r.status == 200)
        let got = h.call(.GET, "/emails/\(r.id ?? "")")
        #expect(got.json["subject"] == "Welcome, Ada!")
        #expect(got.json["html"] == "<p>Hi Ada, your plan is free.</p>")
        #expect(got.json["from"] == "Acme <hello@example.org>")
    }

    @Test func templateSendErrors() throws {
        let h = try Harness()
        expectError(
            h.call(.POST, "/emails", ["to": "delivered@resend.dev", "template": ["id": "welcome"]]),
            422,
            "validation_error"
        )
        expectError(
            h.call(
                .POST,
                "/emails",
                ["to": "delivered@resend.dev", "html": "x", "template": ["id": "welcome", "variables": ["NAME": "A"]]]
            ),
            422,
            "validation_error"
        )
        expectError(
            h.call(.POST, "/emails", ["to": "delivered@resend.dev", "template": ["id": "nope"]]),
            404,
            "not_found"
        )
    }

    @Test func lifecycle() throws {
        let h = try Harness()
        let created = h.call(
            .POST,
            "/templates",
            [
                "name": "Receipt", "alias": "receipt", "html": "<p>{{{AMOUNT}}}</p>", "subject": "Receipt",
                "from": "billing@example.org", "variables": [["key": "AMOUNT", "type": "number", "fallback_value": 0]],
            ]
        )
        #expect(created.status == 201)
        let id = try #require(created.id)
        var got = h.call(.GET, "/templates/receipt")
        #expect(got.json["status"] == "draft")
        #expect(got.json["variables"]?[0]?["key"] == "AMOUNT")
        expectError(
            h.call(.POST, "/emails", ["to": "delivered@resend.dev", "template": ["id": "receipt"]]),
            422,
            "validation_error"
        )
        #expect(h.call(.POST, "/templates/receipt/publish").json == ["id": .string(id), "object": "template"])
        let sent = h.call(
            .POST,
            "/emails",
            ["to": "delivered@resend.dev", "template": ["id": .string(id), "variables": ["AMOUNT": 12]]]
        )
        #expect(h.call(.GET, "/emails/\(sent.id ?? "")").json["html"] == "<p>12</p>")
        #expect(h.call(.PATCH, "/templates/\(id)", ["html": "<p>changed</p>"]).status == 200)
        got = h.call(.GET, "/templates/\(id)")
        #expect(got.json["has_unpublished_versions"] == true)
        let dup = h.call(.POST, "/templates/\(id)/duplicate")
        #expect(dup.json["object"] == "template")
        #expect(dup.id != id)
        #expect(h.call(.GET, "/templates?limit=10").json["data"]?.arrayValue?.count == 3)
        #expect(h.call(.DELETE, "/templates/receipt").json["deleted"] == true)
        expectError(h.call(.GET, "/templates/receipt"), 404, "not_found")
        expectError(h.call(.POST, "/templates", ["name": "x"]), 422, "missing_required_field")
        expectError(
            h.call(
                .POST,
                "/templates",
                ["name": "x", "html": "y", "variables": [["key": "EMAIL", "type": "string"]]]
            ),
            422,
            "validation_error"
        )
    }

    @Test func rendering() {
        #expect(TemplateRendering.render("a {{{X}}} b {{ Y }} {{{Z}}}", ["X": "1", "Y": "2"]) == "a 1 b 2 {{{Z}}}")
        #expect(TemplateRendering.render("open {{{X", ["X": "1"]) == "open {{{X")
    }
}
