// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import FlowmailerAPI

@Suite struct ResourceTests {
    @Test func fixtureFlowsAndSources() throws {
        let h = try Harness()
        let token = try h.token()
        let flows = h.api(.GET, "/545/flows", token: token)
        #expect(flows.status == .ok)
        #expect(flows.json.arrayValue?.map { $0["id"] } == ["16801", "16814"])
        #expect(h.api(.GET, "/545/flows/16801", token: token).json["description"] == "test flow 1 (updated)")
        #expect(h.api(.GET, "/545/sources/6953", token: token).json["description"] == "test source a")
        #expect(h.api(.GET, "/545/flows/1", token: token).status == .notFound)
        #expect(h.api(.GET, "/545/flows/16801/rule", token: token).json["flowSelector"] == "flow1")
    }

    @Test func templateCrud() throws {
        let h = try Harness()
        let token = try h.token()
        let bad = h.api(.POST, "/545/templates", token: token, body: #"{"mimeType":"text/rtf"}"#)
        #expect(bad.status == .badRequest)
        #expect(
            Set(bad.json["allErrors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []) == [
                "description", "templateEngine", "mimeType",
            ]
        )
        let created = h.api(
            .POST,
            "/545/templates",
            token: token,
            body:
                #"{"description":"welcome","mimeType":"text/html","templateEngine":"freemarker-2.3.20","data":"<p>hi</p>"}"#
        )
        #expect(created.status == .created)
        #expect(created.body.isEmpty)
        let location = try #require(created.headers["Location"])
        let id = String(location.split(separator: "/").last!)
        #expect(location == "http://api.flowmailer.net/545/templates/\(id)")
        #expect(h.api(.GET, "/545/templates/\(id)", token: token).json["data"] == "<p>hi</p>")
        let put = h.api(
            .PUT,
            "/545/templates/\(id)",
            token: token,
            body: #"{"description":"welcome 2","mimeType":"text/html","templateEngine":"freemarker-2.3.20"}"#
        )
        #expect(put.status == .ok)
        let updated = h.api(.GET, "/545/templates/\(id)", token: token).json
        #expect(updated["description"] == "welcome 2")
        #expect(updated["data"] == "<p>hi</p>")
        #expect(h.api(.DELETE, "/545/templates/\(id)", token: token).status == .ok)
        #expect(h.api(.GET, "/545/templates/\(id)", token: token).status == .notFound)
    }

    @Test func flowSelectorFollowsUpdatedRules() throws {
        let h = try Harness()
        let token = try h.token()
        let created = h.api(.POST, "/545/flows", token: token, body: #"{"description":"invoices","templateId":"1"}"#)
        let flowId = String(try #require(created.headers["Location"]).split(separator: "/").last!)
        #expect(
            h.api(.PUT, "/545/flows/\(flowId)/rule", token: token, body: #"{"flowSelector":"invoice"}"#).status == .ok
        )
        let id = try h.submit(token: token, extra: #","flowSelector":"invoice""#)
        #expect(
            h.api(.GET, "/545/messages/\(id)", token: token).json["flow"] == [
                "id": .string(flowId), "description": "invoices",
            ]
        )
        let put = h.api(
            .PUT,
            "/545/flows/\(flowId)",
            token: token,
            body: #"{"description":"invoices v2","templateId":"1"}"#
        )
        #expect(put.json["description"] == "invoices v2")
    }

    @Test func credentialsCreatedAreUsableForTokens() throws {
        let h = try Harness()
        let token = try h.token()
        let r = h.api(
            .POST,
            "/545/api_credentials",
            token: token,
            body: #"{"description":"ci","roles":["FEATURE_SUBMITMESSAGE"],"sourceId":"6953"}"#
        )
        #expect(r.status == .ok)
        let clientId = try #require(r.json["clientId"]?.stringValue)
        let secret = try #require(r.json["clientSecret"]?.stringValue)
        let ci = try h.token(clientId, secret)
        _ = try h.submit(token: ci)
        #expect(h.api(.GET, "/545/flows", token: ci).status == .forbidden)
        let listed = h.api(.GET, "/545/api_credentials", token: token).json.arrayValue ?? []
        #expect(listed.allSatisfy { $0["clientSecret"] == .null })
    }

    @Test func statsAndRecipientAndSenderDomains() throws {
        let h = try Harness()
        let token = try h.token()
        let stats = h.api(.GET, "/545/messagestats;daterange=2021-12-30T00:00:00Z,2021-12-31T00:00:00Z", token: token)
        #expect(stats.status == .ok)
        let processed = stats.json["list"]?.arrayValue?.first { $0["name"] == "processed" }
        #expect(processed?["samples"]?[0]?["value"] == 2)
        #expect(h.api(.GET, "/545/messagestats", token: token).status == .badRequest)
        let recipient = h.api(
            .GET,
            "/545/recipient/richard@flowmailer.local;daterange=2021-12-30T00:00:00Z,2021-12-31T00:00:00Z",
            token: token
        )
        #expect(recipient.json["messageSummary"]?["delivered"] == 2)
        let domain = h.api(.POST, "/545/sender_domains", token: token, body: #"{"senderDomain":"example.com"}"#)
        #expect(domain.status == .created)
        let byDomain = h.api(.GET, "/545/sender_domains/by_domain/example.com?validate=true", token: token)
        #expect(byDomain.json["dnsRecords"]?.arrayValue?.count == 4)
        #expect(byDomain.json["dnsRecords"]?[0]?["status"] == "OK")
        let domainId = String(try #require(domain.headers["Location"]).split(separator: "/").last!)
        let byId = h.api(.GET, "/545/sender_domains/\(domainId)", token: token)
        #expect(byId.json["dnsRecords"]?[0]?["status"] == nil)
        let sources = h.api(.GET, "/545/sources", token: token)
        #expect(sources.json[0]?["messageSummary"]?["processed"] == 2)
        #expect(h.api(.GET, "/545/sources?statistics=false", token: token).json[0]?["messageSummary"] == nil)
    }

    @Test func createAccount() throws {
        let h = try Harness()
        let token = try h.token()
        let bad = h.api(.POST, "/accounts", token: token, body: "{}")
        #expect(bad.status == .badRequest)
        #expect(bad.json["allErrors"]?.arrayValue?.count == 2)
        let r = h.api(.POST, "/accounts", token: token, body: #"{"type":"CUSTOMER","description":"new"}"#)
        #expect(r.status == .created)
        #expect(r.headers["Location"] == "http://api.flowmailer.net/accounts/546")
        let submitOnly = try h.token("maildouble-submit", "maildouble-submit-secret")
        #expect(
            h.api(.POST, "/accounts", token: submitOnly, body: #"{"type":"CUSTOMER","description":"x"}"#).status
                == .forbidden
        )
    }

    @Test func senderIdentitiesAreStored() throws {
        let h = try Harness()
        let token = try h.token()
        let r = h.api(
            .POST,
            "/545/sender_identities",
            token: token,
            body: #"{"senderEmail":"news@example.com","senderName":"News"}"#
        )
        #expect(r.status == .created)
        #expect(h.api(.GET, "/545/sender_identities", token: token).json[0]?["senderName"] == "News")
    }
}
