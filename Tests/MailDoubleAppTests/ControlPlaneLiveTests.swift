// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import MailDoubleApp
import Testing

/// `/_emulator/messages` and `/_emulator/messages/wait` against a live emulator.
@Suite struct ControlPlaneLiveTests {
    static let sendHeaders = ["Authorization: Bearer re_test_maildouble_full", "Content-Type: application/json"]

    static func json(_ body: String) throws -> JSON { try JSON.parse(Array(body.utf8)) }

    @Test func aSendIsListedAcrossVendorsWithItsLinksAndCodes() throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let html = #"<p>Your code is 482913. <a href=\"https://app.example/verify?u=1&amp;t=2\">Verify</a></p>"#
        let sent = try VendorContractTests.call(
            app,
            "POST",
            "/emails",
            headers: Self.sendHeaders,
            body:
                #"{"from":"Acme <hello@example.org>","to":["Ada <delivered@resend.dev>"],"subject":"Verify","html":"\#(html)"}"#
        )
        let id = try #require(try Self.json(sent.body)["id"]?.stringValue)
        let list = try VendorContractTests.call(app, "GET", "/_emulator/messages?to=delivered@resend.dev")
        #expect(list.status == 200)
        let data = try #require(try Self.json(list.body)["data"]?.arrayValue)
        #expect(data.count == 1 && data.first?["id"]?.stringValue == id && data.first?["vendor"] == "postflare")
        #expect((data.first?["seq"]?.intValue ?? 0) > 0)
        // Fixture messages of the other vendors are there too, in arrival order before the send.
        let everything = try #require(
            try Self.json(VendorContractTests.call(app, "GET", "/_emulator/messages?limit=1000").body)["data"]?
                .arrayValue
        )
        #expect(Set(everything.compactMap { $0["vendor"]?.stringValue }) == ["flowmailer", "postflare", "flowdock"])
        #expect(everything.last?["id"]?.stringValue == id)
        let detail = try Self.json(try VendorContractTests.call(app, "GET", "/_emulator/messages/postflare/\(id)").body)
        #expect(detail["links"] == [.string("https://app.example/verify?u=1&t=2")])
        #expect(detail["codes"] == ["482913"])
        #expect(try VendorContractTests.call(app, "GET", "/_emulator/messages/postflare/nope").status == 404)
        // Paging: one at a time, following `next`.
        let first = try Self.json(
            try VendorContractTests.call(app, "GET", "/_emulator/messages?vendor=flowmailer&limit=1").body
        )
        #expect(first["has_more"] == true)
        let next = try #require(first["next"]?.stringValue)
        let second = try Self.json(
            try VendorContractTests.call(app, "GET", "/_emulator/messages?vendor=flowmailer&limit=1&cursor=\(next)")
                .body
        )
        #expect(second["data"]?[0]?["id"] != first["data"]?[0]?["id"])
    }

    @Test func aParkedWaitAnswersTheMomentTheMessageArrives() throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let waiter = try TLSTestClient(port: app.httpsPort!, caFile: app.caFile!)
        waiter.send(
            VendorsOverHTTPSTests.request(
                "GET",
                "/_emulator/messages/wait?vendor=postflare&subject=Welcome&timeout=60",
                host: "localhost"
            )
        )
        // The wait is parked on the server; the send happens on another connection.
        let sent = try VendorContractTests.call(
            app,
            "POST",
            "/emails",
            headers: Self.sendHeaders,
            body: #"{"from":"hello@example.org","to":"delivered@resend.dev","subject":"Welcome","text":"hi"}"#
        )
        let id = try #require(try Self.json(sent.body)["id"]?.stringValue)
        let woken = try waiter.readResponse()
        #expect(woken.status == 200)
        #expect(try Self.json(woken.body)["data"]?[0]?["id"]?.stringValue == id)
        // Already there: answers at once.
        #expect(try VendorContractTests.call(app, "GET", "/_emulator/messages/wait?subject=Welcome").status == 200)
    }

    @Test func aWaitThatIsNotMetTimesOutWith408AndWhatMatched() throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let r = try VendorContractTests.call(
            app,
            "GET",
            "/_emulator/messages/wait?vendor=flowmailer&count=50&timeout=0.05"
        )
        #expect(r.status == 408)
        let body = try Self.json(r.body)
        #expect(body["error"] == "timeout" && body["wanted"] == 50 && body["matched"] == 3)
        #expect(body["data"]?.arrayValue?.count == 3)
    }

    @Test(arguments: [
        "/_emulator/messages?vendor=nobody", "/_emulator/messages?limit=0", "/_emulator/messages?limit=x",
        "/_emulator/messages?since=yesterday", "/_emulator/messages?cursor=-1", "/_emulator/messages/wait?count=0",
        "/_emulator/messages/wait?timeout=301", "/_emulator/messages/wait?timeout=nan",
    ])
    func badQueriesAreClear400s(target: String) throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let r = try VendorContractTests.call(app, "GET", target)
        #expect(r.status == 400)
        #expect(try Self.json(r.body)["message"]?.stringValue?.isEmpty == false)
    }
}
