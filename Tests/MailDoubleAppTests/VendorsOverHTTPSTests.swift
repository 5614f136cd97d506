// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import MailDoubleApp
import Testing

/// Each vendor through the whole stack: TLS with the chain verified, HTTP/1.1 keep-alive on one
/// connection, the dispatcher choosing the vendor by path. (The vendors' behaviour in depth is tested
/// through their routers; the official-SDK interop tests live in Tests/interop.)
@Suite struct VendorsOverHTTPSTests {
    static func request(
        _ method: String,
        _ target: String,
        host: String,
        headers: [String] = [],
        body: String = ""
    ) -> String {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: \(host)\r\n"
        for h in headers { text += h + "\r\n" }
        if !body.isEmpty || method == "POST" { text += "Content-Length: \(body.utf8.count)\r\n" }
        return text + "\r\n" + body
    }

    static func header(_ name: String, in head: String) -> String? {
        for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix(name.lowercased() + ":") {
            return String(line.dropFirst(name.count + 1)).trimmingSpaces()
        }
        return nil
    }

    @Test func flowmailerTokenSubmitAndRead() throws {
        let app = try MailDoubleTests.start()
        defer { MailDoubleTests.stop(app) }
        let c = try TLSTestClient(port: app.httpsPort!, caFile: app.caFile!, host: "api.flowmailer.net")
        c.send(
            Self.request(
                "POST",
                "/oauth/token",
                host: "login.flowmailer.net",
                headers: ["Content-Type: application/x-www-form-urlencoded"],
                body: "client_id=maildouble&client_secret=maildouble-secret&grant_type=client_credentials&scope=api"
            )
        )
        let token = try #require(try JSON.parse(c.readResponse().body)["access_token"]?.stringValue)
        let media = "application/vnd.flowmailer.v1.12+json"
        c.send(
            Self.request(
                "POST",
                "/545/messages/submit",
                host: "api.flowmailer.net",
                headers: ["Authorization: Bearer \(token)", "Content-Type: \(media)", "Accept: \(media)"],
                body:
                    #"{"messageType":"EMAIL","senderAddress":"a@example.com","recipientAddress":"b@example.com","subject":"s","text":"t"}"#
            )
        )
        let submitted = try c.readResponse()
        #expect(submitted.status == 201)
        #expect(submitted.body.isEmpty)
        let location = try #require(Self.header("Location", in: submitted.head))
        #expect(location.hasPrefix("https://api.flowmailer.net/545/messages/"))
        let id = String(location.split(separator: "/").last!)
        c.send(
            Self.request(
                "GET",
                "/545/messages/\(id)",
                host: "api.flowmailer.net",
                headers: ["Authorization: Bearer \(token)", "Accept: \(media)"]
            )
        )
        let read = try c.readResponse()
        #expect(read.status == 200)
        #expect(try JSON.parse(read.body)["id"]?.stringValue == id)
        c.send(Self.request("GET", "/545/messages", host: "api.flowmailer.net", headers: ["Accept: \(media)"]))
        #expect(try c.readResponse().status == 401)
    }

    @Test func postflareSendAndErrors() throws {
        let app = try MailDoubleTests.start { $0.postflareRateLimit = 0 }
        defer { MailDoubleTests.stop(app) }
        let c = try TLSTestClient(port: app.httpsPort!, caFile: app.caFile!, host: "api.resend.com")
        c.send(
            Self.request(
                "POST",
                "/emails",
                host: "api.resend.com",
                headers: ["Authorization: Bearer re_test_maildouble_full", "Content-Type: application/json"],
                body:
                    #"{"from":"Acme <hello@example.org>","to":["delivered@resend.dev"],"subject":"Hi","html":"<p>Hi</p>"}"#
            )
        )
        let sent = try c.readResponse()
        #expect(sent.status == 200)
        let id = try #require(try JSON.parse(sent.body)["id"]?.stringValue)
        c.send(
            Self.request(
                "GET",
                "/emails/\(id)",
                host: "api.resend.com",
                headers: ["Authorization: Bearer re_test_maildouble_full"]
            )
        )
        let got = try c.readResponse()
        #expect(got.status == 200)
        #expect(try JSON.parse(got.body)["object"] == "email")
        c.send(Self.request("GET", "/emails/\(id)", host: "api.resend.com"))
        let missing = try c.readResponse()
        #expect(missing.status == 401)
        #expect(try JSON.parse(missing.body)["name"] == "missing_api_key")
    }

    @Test func flowdockSeedExample() throws {
        let app = try MailDoubleTests.start()
        defer { MailDoubleTests.stop(app) }
        let c = try TLSTestClient(port: app.httpsPort!, caFile: app.caFile!, host: "api.flowdock.com")
        // Basic auth with the API token as the user name: base64("maildouble-flowdock-token:")
        let basic = "Authorization: Basic bWFpbGRvdWJsZS1mbG93ZG9jay10b2tlbjo="
        c.send(
            Self.request(
                "POST",
                "/flows/organization/main/messages",
                host: "api.flowdock.com",
                headers: [basic, "Content-Type: application/json"],
                body: #"{"event":"message","content":"Hi all!"}"#
            )
        )
        let posted = try c.readResponse()
        #expect(posted.status == 201)
        #expect(Self.header("Flowdock-User", in: posted.head) == "1")
        #expect(try JSON.parse(posted.body)["content"] == "Hi all!")
        c.send(Self.request("GET", "/flows/acme", host: "api.flowdock.com", headers: [basic]))
        let flows = try c.readResponse()
        #expect(flows.status == 200)
        #expect(Self.header("Flowdock-User", in: flows.head) == "1")
    }
}
