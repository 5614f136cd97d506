// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import MailDoubleApp
import Testing

/// `/_emulator/tenants` against a live emulator: two provisioned tenants send through all three vendors'
/// APIs with their own credentials and never see each other, through the vendor APIs or the control routes.
@Suite struct TenantLiveTests {
    typealias Call = (status: Int, body: String)

    static func json(_ r: Call) throws -> JSON { try JSON.parse(Array(r.body.utf8)) }

    static func call(
        _ app: MailDouble,
        _ method: String,
        _ target: String,
        headers: [String] = [],
        body: String = ""
    )
        throws -> Call
    {
        try VendorContractTests.call(app, method, target, headers: headers, body: body)
    }

    /// One provisioned tenant's credentials, as `POST /_emulator/tenants` answered them.
    struct Tenant {
        var name: String
        var account: String
        var clientId: String
        var clientSecret: String
        var apiKey: String
        var sendingKey: String
        var domain: String
        var flow: String
        var userToken: String

        init(_ j: JSON) throws {
            name = try #require(j["tenant"]?.stringValue)
            account = try #require(j["flowmailer"]?["account_id"]?.stringValue)
            clientId = try #require(j["flowmailer"]?["client_id"]?.stringValue)
            clientSecret = try #require(j["flowmailer"]?["client_secret"]?.stringValue)
            apiKey = try #require(j["postflare"]?["api_key"]?.stringValue)
            sendingKey = try #require(j["postflare"]?["sending_api_key"]?.stringValue)
            domain = try #require(j["postflare"]?["domain"]?.stringValue)
            flow = try #require(j["flowdock"]?["flow"]?.stringValue)
            userToken = try #require(j["flowdock"]?["user_token"]?.stringValue)
            #expect(j["postflare"]?["tenant"]?.stringValue == name)
            #expect(j["flowdock"]?["tenant"]?.stringValue == name)
            #expect(j["flowmailer"]?["tenant"]?.stringValue == account)
        }

        var flowdockAuth: String { "Authorization: Basic " + Base64.encode(Array((userToken + ":").utf8)) }
    }

    static func provision(_ app: MailDouble, _ body: String = "") throws -> Tenant {
        let r = try call(app, "POST", "/_emulator/tenants", headers: ["Content-Type: application/json"], body: body)
        #expect(r.status == 201, "\(r.body)")
        return try Tenant(try json(r))
    }

    static func flowmailerToken(_ app: MailDouble, _ t: Tenant) throws -> String {
        let r = try call(
            app,
            "POST",
            "/oauth/token",
            headers: ["Content-Type: application/x-www-form-urlencoded"],
            body: "client_id=\(t.clientId)&client_secret=\(t.clientSecret)&grant_type=client_credentials&scope=api"
        )
        #expect(r.status == 200)
        return try #require(try json(r)["access_token"]?.stringValue)
    }

    static let flowmailerHeaders = [
        "Content-Type: application/vnd.flowmailer.v1.12+json", "Accept: application/vnd.flowmailer.v1.12+json",
    ]

    /// Sends one message through each vendor with the tenant's own credentials.
    static func sendEverywhere(_ app: MailDouble, _ t: Tenant, subject: String) throws {
        let token = try flowmailerToken(app, t)
        let submitted = try call(
            app,
            "POST",
            "/\(t.account)/messages/submit",
            headers: ["Authorization: Bearer \(token)"] + flowmailerHeaders,
            body: #"{"messageType":"EMAIL","senderAddress":"app@example.com","recipientAddress":"a@example.com","#
                + #""subject":"\#(subject)","text":"hi"}"#
        )
        #expect(submitted.status == 201)
        let sent = try call(
            app,
            "POST",
            "/emails",
            headers: ["Authorization: Bearer \(t.sendingKey)", "Content-Type: application/json"],
            body: #"{"from":"app@\#(t.domain)","to":"delivered@resend.dev","subject":"\#(subject)","text":"hi"}"#
        )
        #expect(sent.status == 200)
        let posted = try call(
            app,
            "POST",
            "/flows/\(t.name)/\(t.flow)/messages",
            headers: [t.flowdockAuth, "Content-Type: application/json"],
            body: #"{"event":"message","content":"\#(subject)"}"#
        )
        #expect(posted.status == 201)
    }

    static func messages(_ app: MailDouble, _ query: String) throws -> [JSON] {
        let r = try call(app, "GET", "/_emulator/messages?\(query)")
        #expect(r.status == 200)
        return try json(r)["data"]?.arrayValue ?? []
    }

    @Test func twoTenantsNeverSeeEachOther() throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let a = try Self.provision(app, #"{"name":"job-a"}"#)
        let b = try Self.provision(app)
        #expect(a.name == "job-a" && b.name.hasPrefix("t-") && a.account != b.account && a.account != "545")
        try Self.sendEverywhere(app, a, subject: "from-a")
        // B has sent nothing: a wait for B times out although A just sent.
        let none = try Self.call(app, "GET", "/_emulator/messages/wait?tenant=\(b.name)&timeout=0.05")
        #expect(try none.status == 408 && Self.json(none)["matched"] == 0)
        // A wait parked for B's Flowmailer message (B's account id is not its name) is woken by B's submit.
        let waiter = try TLSTestClient(port: app.httpsPort!, caFile: app.caFile!)
        waiter.send(
            VendorsOverHTTPSTests.request(
                "GET",
                "/_emulator/messages/wait?tenant=\(b.name)&vendor=flowmailer&timeout=60",
                host: "localhost"
            )
        )
        try Self.sendEverywhere(app, b, subject: "from-b")
        let parked = try waiter.readResponse()
        #expect(parked.status == 200)
        let parkedData = try JSON.parse(Array(parked.body.utf8))["data"]?.arrayValue ?? []
        #expect(parkedData.map { $0["tenant"] } == [.string(b.account)])
        let woken = try Self.call(app, "GET", "/_emulator/messages/wait?tenant=\(b.name)&count=3&timeout=5")
        #expect(woken.status == 200)
        for (t, subject) in [(a, "from-a"), (b, "from-b")] {
            let mine = try Self.messages(app, "tenant=\(t.name)")
            #expect(Set(mine.compactMap { $0["vendor"]?.stringValue }) == ["flowmailer", "postflare", "flowdock"])
            #expect(mine.count == 3)
            #expect(mine.allSatisfy { $0["subject"]?.stringValue == subject || $0["text"]?.stringValue == subject })
            // A vendor's native id works too.
            #expect(try Self.messages(app, "vendor=flowmailer&tenant=\(t.account)").count == 1)
            // Each vendor's own list route shows only the tenant's own message.
            let token = try Self.flowmailerToken(app, t)
            let fm = try Self.call(
                app,
                "GET",
                "/\(t.account)/messages",
                headers: ["Authorization: Bearer \(token)", "Range: items=:10"] + Self.flowmailerHeaders
            )
            #expect(try Self.json(fm).arrayValue?.compactMap { $0["subject"]?.stringValue } == [subject])
            let pf = try Self.call(app, "GET", "/emails", headers: ["Authorization: Bearer \(t.apiKey)"])
            #expect(try Self.json(pf)["data"]?.arrayValue?.compactMap { $0["subject"]?.stringValue } == [subject])
            let fd = try Self.call(app, "GET", "/flows/\(t.name)/\(t.flow)/messages", headers: [t.flowdockAuth])
            #expect(try Self.json(fd).arrayValue?.compactMap { $0["content"]?.stringValue } == [subject])
        }
        // The fixtures' tenants saw nothing of either.
        #expect(try Self.messages(app, "tenant=545").count == 3)
        #expect(try Self.messages(app, "tenant=team_maildouble").isEmpty)
        #expect(try Self.messages(app, "q=from-").count == 6)
        // Reset A: its messages go, its credentials stay; B keeps everything.
        let reset = try Self.call(app, "POST", "/_emulator/reset?tenant=\(a.name)")
        #expect(reset.status == 200)
        #expect(try Self.json(reset)["reset"] == ["flowmailer", "postflare", "flowdock"])
        #expect(try Self.messages(app, "tenant=\(a.name)").isEmpty)
        #expect(try Self.messages(app, "tenant=\(b.name)").count == 3)
        try Self.sendEverywhere(app, a, subject: "again")
        #expect(try Self.call(app, "POST", "/_emulator/reset?vendor=postflare&tenant=\(a.name)").status == 200)
        #expect(try Self.messages(app, "tenant=\(a.name)").count == 2)
    }

    @Test func listDeleteAndFullReset() throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let a = try Self.provision(app, #"{"name":"job-a"}"#)
        let only = try Self.call(
            app,
            "POST",
            "/_emulator/tenants",
            body: #"{"name":"pf-only","vendors":["postflare"]}"#
        )
        #expect(only.status == 201)
        let onlyJSON = try Self.json(only)
        #expect(onlyJSON["postflare"]?["tenant"] == "pf-only" && onlyJSON["flowmailer"] == nil)
        let listed = try #require(try Self.json(try Self.call(app, "GET", "/_emulator/tenants"))["data"]?.arrayValue)
        #expect(listed.contains { $0["tenant"] == "545" && $0["provisioned"] == false })
        #expect(listed.contains { $0["tenant"] == "loft" && $0["vendors"] == ["pigeon": "loft"] })
        let entry = try #require(listed.first { $0["tenant"] == "job-a" })
        #expect(entry["provisioned"] == true)
        #expect(
            entry["vendors"] == ["flowmailer": .string(a.account), "postflare": "job-a", "flowdock": "job-a"]
        )
        #expect(listed.first { $0["tenant"] == "pf-only" }?["vendors"] == ["postflare": "pf-only"])
        #expect(!listed.contains { $0["tenant"]?.stringValue == a.account })
        // Delete: the credentials stop working at once.
        let deleted = try Self.call(app, "DELETE", "/_emulator/tenants/job-a")
        #expect(deleted.status == 200)
        #expect(try Self.json(deleted)["vendors"] == ["flowmailer", "postflare", "flowdock"])
        #expect(try Self.call(app, "GET", "/emails", headers: ["Authorization: Bearer \(a.apiKey)"]).status == 400)
        #expect(try Self.call(app, "GET", "/flows", headers: [a.flowdockAuth]).status == 401)
        #expect(try Self.call(app, "DELETE", "/_emulator/tenants/job-a").status == 404)
        #expect(try Self.call(app, "DELETE", "/_emulator/tenants/545").status == 400)
        #expect(try Self.call(app, "POST", "/_emulator/reset?tenant=job-a").status == 404)
        // The name is free again; a full reset removes every provisioned tenant.
        _ = try Self.provision(app, #"{"name":"job-a"}"#)
        #expect(try Self.call(app, "POST", "/_emulator/reset").status == 200)
        let after = try #require(try Self.json(try Self.call(app, "GET", "/_emulator/tenants"))["data"]?.arrayValue)
        #expect(!after.contains { $0["provisioned"] == true })
        #expect(after.contains { $0["tenant"] == "acme" })
    }

    @Test(arguments: [
        (#"{"name":"Bad_Name"}"#, 400), (#"{"name":""}"#, 400), (#"{"name":7}"#, 400),
        (#"{"name":"a-name-that-is-far-longer-than-forty-characters"}"#, 400), (#"{"name":"all"}"#, 400),
        (#"{"vendors":["nope"]}"#, 400), (#"{"vendors":["pigeon"]}"#, 400), (#"{"vendors":[]}"#, 400),
        (#"{"vendors":"postflare"}"#, 400), (#"{"vendors":["postflare","postflare"]}"#, 400),
        (#"{"tenant":"x"}"#, 400), ("[1]", 400), ("{", 400), (#"{"name":"545"}"#, 409),
        (#"{"name":"acme"}"#, 409), (#"{"name":"team_maildouble"}"#, 400), (#"{"name":"loft"}"#, 409),
    ])
    func badBodiesAreClearErrors(body: String, status: Int) throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let r = try Self.call(
            app,
            "POST",
            "/_emulator/tenants",
            headers: ["Content-Type: application/json"],
            body: body
        )
        #expect(r.status == status)
        #expect(try Self.json(r)["message"]?.stringValue?.isEmpty == false)
        #expect(try Self.json(try Self.call(app, "GET", "/_emulator/tenants"))["data"]?.arrayValue?.count == 6)
    }
}

/// Snapshots hold a vendor's state, not its list of provisioned tenants: restoring one from before a tenant
/// was provisioned forgets the tenant in every vendor.
@Suite struct TenantSnapshotTests {
    @Test func restoringAnOlderSnapshotForgetsTenantsItLacks() throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let saved = app.vendors.map { $0.snapshot() }
        _ = try TenantLiveTests.provision(app, #"{"name":"job-s"}"#)
        #expect(app.vendors.filter { $0.resolveTenant("job-s") != nil }.count == 3)
        for (vendor, snapshot) in zip(app.vendors, saved) { try vendor.restore(snapshot) }
        #expect(app.vendors.allSatisfy { $0.resolveTenant("job-s") == nil && $0.provisionedTenants.isEmpty })
        #expect(try TenantLiveTests.call(app, "DELETE", "/_emulator/tenants/job-s").status == 404)
    }
}
