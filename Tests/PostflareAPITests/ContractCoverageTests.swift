// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@testable import PostflareAPI

/// Every operation of `resend-openapi.yaml` (104, generated from its `paths`) reaches a handler: no
/// "endpoint does not exist" and no 405, whatever the handler then says about the request.
@Suite struct ContractCoverageTests {
    static let operations: [(HTTPMethod, String)] = [
        (.POST, "/emails"),
        (.GET, "/emails"),
        (.GET, "/emails/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.PATCH, "/emails/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.POST, "/emails/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/cancel"),
        (.POST, "/emails/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/share"),
        (.POST, "/emails/batch"),
        (.GET, "/emails/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/attachments"),
        (.GET, "/emails/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/attachments/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.GET, "/emails/receiving"),
        (.GET, "/emails/receiving/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.GET, "/emails/receiving/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/attachments"),
        (
            .GET,
            "/emails/receiving/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/attachments/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"
        ),
        (.GET, "/emails/metrics"),
        (.POST, "/domains"),
        (.GET, "/domains"),
        (.GET, "/domains/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.PATCH, "/domains/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.DELETE, "/domains/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.POST, "/domains/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/verify"),
        (.POST, "/domains/claim"),
        (.GET, "/domains/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/claim"),
        (.POST, "/domains/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/claim/verify"),
        (.POST, "/api-keys"),
        (.GET, "/api-keys"),
        (.PATCH, "/api-keys/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.DELETE, "/api-keys/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.GET, "/oauth/grants"),
        (.DELETE, "/oauth/grants/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.POST, "/templates"),
        (.GET, "/templates"),
        (.GET, "/templates/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.PATCH, "/templates/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.DELETE, "/templates/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.POST, "/templates/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/publish"),
        (.POST, "/templates/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/duplicate"),
        (.POST, "/audiences"),
        (.GET, "/audiences"),
        (.DELETE, "/audiences/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.GET, "/audiences/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.POST, "/contacts"),
        (.GET, "/contacts"),
        (.POST, "/contacts/imports"),
        (.GET, "/contacts/imports"),
        (.GET, "/contacts/imports/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.GET, "/contacts/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.PATCH, "/contacts/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.DELETE, "/contacts/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.POST, "/broadcasts"),
        (.GET, "/broadcasts"),
        (.DELETE, "/broadcasts/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.GET, "/broadcasts/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.PATCH, "/broadcasts/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.POST, "/broadcasts/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/send"),
        (.POST, "/broadcasts/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/cancel"),
        (.GET, "/broadcasts/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/recipients"),
        (.GET, "/broadcasts/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/clicked-links"),
        (.POST, "/webhooks"),
        (.GET, "/webhooks"),
        (.GET, "/webhooks/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.PATCH, "/webhooks/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.DELETE, "/webhooks/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.POST, "/segments"),
        (.GET, "/segments"),
        (.GET, "/segments/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.DELETE, "/segments/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.POST, "/topics"),
        (.GET, "/topics"),
        (.GET, "/topics/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.PATCH, "/topics/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.DELETE, "/topics/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.POST, "/contact-properties"),
        (.GET, "/contact-properties"),
        (.GET, "/contact-properties/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.PATCH, "/contact-properties/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.DELETE, "/contact-properties/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.GET, "/contacts/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/segments"),
        (.POST, "/contacts/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/segments/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.DELETE, "/contacts/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/segments/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.GET, "/contacts/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/topics"),
        (.PATCH, "/contacts/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/topics"),
        (.GET, "/logs"),
        (.GET, "/logs/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.POST, "/automations"),
        (.GET, "/automations"),
        (.GET, "/automations/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.PATCH, "/automations/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.DELETE, "/automations/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.POST, "/automations/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/duplicate"),
        (.POST, "/automations/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/stop"),
        (.GET, "/automations/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/runs"),
        (.GET, "/automations/4ef9a417-02e9-4d39-ad75-9611e0fcc33c/runs/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.POST, "/events"),
        (.GET, "/events"),
        (.POST, "/events/send"),
        (.GET, "/events/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.PATCH, "/events/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.DELETE, "/events/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.POST, "/suppressions"),
        (.GET, "/suppressions"),
        (.POST, "/suppressions/batch/add"),
        (.POST, "/suppressions/batch/remove"),
        (.GET, "/suppressions/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
        (.DELETE, "/suppressions/4ef9a417-02e9-4d39-ad75-9611e0fcc33c"),
    ]

    @Test func everyOperationIsRouted() throws {
        let h = try Harness()
        #expect(Self.operations.count == 104)
        var unrouted: [String] = []
        for (method, path) in Self.operations {
            let r = h.call(method, path, [:])
            if r.status == 405 || r.json["message"] == "The requested endpoint does not exist." {
                unrouted.append("\(method) \(path)")
            }
            #expect(r.status != 500, "\(method) \(path)")
            #expect(r.headers["Content-Type"] == "application/json; charset=utf-8")
        }
        #expect(unrouted == [])
    }
}

/// Bad input never crashes nor yields a 500: every operation gets hostile bodies and answers with a
/// Postflare error or a success, always JSON.
@Suite struct HostileInputTests {
    static let bodies: [String] = [
        "", "null", "\"x\"", "[1,2]", "{", "{\"a\":}", "\u{FF}\u{FE}",
        #"{"name":5,"email":[],"from":{},"to":7,"subject":[],"html":1,"text":{},"tags":"x","attachments":{},"headers":[]}"#,
        #"{"scheduled_at":12,"segment_id":null,"steps":"x","connections":{},"events":"email.sent","endpoint":1}"#,
        #"{"template":"welcome","variables":[],"permission":1,"region":{},"topics":[1],"segments":[{}],"properties":[]}"#,
        #"[{"from":"a@example.org"},{},null,5]"#,
    ]

    @Test func neverAServerError() throws {
        let h = try Harness()
        for (method, path) in ContractCoverageTests.operations {
            for body in Self.bodies {
                let r = h.call(method, path, rawBody: body)
                #expect(r.status != 500, "\(method) \(path) \(body)")
                #expect(r.headers["Content-Type"] == "application/json; charset=utf-8")
                if r.status >= 400 {
                    #expect(r.json["statusCode"]?.intValue == r.status, "\(method) \(path) \(body)")
                }
            }
        }
    }
}
