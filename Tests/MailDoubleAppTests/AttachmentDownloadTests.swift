// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import MailDoubleApp
import Routing
import Testing

/// `GET /_emulator/messages/{vendor}/{id}/attachments/{index}`: an attachment sent through a vendor's API is
/// served back byte for byte from the `url` its message shows, through the dispatcher (no sockets) and once
/// over a live socket.
@Suite struct AttachmentDownloadTests {
    static let pdf: [UInt8] = [0x25, 0x50, 0x44, 0x46, 0x00, 0xFF, 0x0A, 0x80, 0x7F]
    static let note = Array("Grüße, Ada\n".utf8)

    static func get(_ app: MailDouble, _ target: String) -> Response { MessageWaitersTests.get(app, target) }

    static func json(_ r: Response) throws -> JSON { try JSON.parse(r.body) }

    /// A Postflare e-mail with a base64 PDF, a byte-array note with a non-ASCII, quoted name, a name with a
    /// line break, and an attachment given only by `path`.
    static func sendPostflare(_ app: MailDouble) throws -> String {
        let noteBytes = note.map { String($0) }.joined(separator: ",")
        let body = """
            {"from":"hi@example.org","to":"ada@acme.io","subject":"Files","text":"x","attachments":[
              {"filename":"report.pdf","content_type":"application/pdf","content":"\(Base64.encode(pdf))"},
              {"filename":"Grüße \\"v2\\".txt","content":[\(noteBytes)]},
              {"filename":"evil\\r\\nSet-Cookie: a=b.txt","content_type":"text/plain\\r\\nX-Injected: 1",
               "content":"\(Base64.encode(Array("ok".utf8)))"},
              {"path":"https://files.example/logo.png"}
            ]}
            """
        let r = app.dispatcher.respond(
            to: Request(
                method: .POST,
                target: "/emails",
                headers: ["Authorization": "Bearer re_test_maildouble_full", "Content-Type": "application/json"],
                body: Array(body.utf8)
            )
        )
        #expect(r.status == .ok, "\(String(decoding: r.body, as: UTF8.self))")
        return try #require(try json(r)["id"]?.stringValue)
    }

    @Test func postflareAttachmentsAreServedFromTheirURLs() throws {
        let app = try MessageWaitersTests.app()
        let id = try Self.sendPostflare(app)
        let detail = try Self.json(Self.get(app, "/_emulator/messages/postflare/\(id)"))
        let items = try #require(detail["attachments"]?.arrayValue)
        #expect(items.count == 4)
        let urls = items.compactMap { $0["url"]?.stringValue }
        #expect(urls == (0..<4).map { "/_emulator/messages/postflare/\(id)/attachments/\($0)" })
        // The list shows the same urls.
        let listed = try Self.json(Self.get(app, "/_emulator/messages?vendor=postflare&subject=Files"))
        #expect(listed["data"]?[0]?["attachments"]?[1]?["url"]?.stringValue == urls[1])

        let pdf = Self.get(app, urls[0])
        #expect(pdf.status == .ok)
        #expect(pdf.body == Self.pdf && items[0]["size"]?.intValue == Self.pdf.count)
        #expect(pdf.headers["Content-Type"] == "application/pdf")
        #expect(pdf.headers["Content-Disposition"] == #"attachment; filename="report.pdf""#)
        #expect(pdf.headers["X-Content-Type-Options"] == "nosniff")

        let note = Self.get(app, urls[1])
        #expect(note.status == .ok && note.body == Self.note)
        #expect(note.headers["Content-Type"] == "text/plain")  // Postflare's guess from the name
        #expect(
            note.headers["Content-Disposition"]
                == #"attachment; filename="Gr__e \"v2\".txt"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%22v2%22.txt"#
        )

        // A line break in the name or type never reaches the header as one.
        let evil = Self.get(app, urls[2])
        #expect(evil.status == .ok && evil.body == Array("ok".utf8))
        #expect(evil.headers["Content-Type"] == "application/octet-stream")
        let disposition = try #require(evil.headers["Content-Disposition"])
        #expect(!disposition.utf8.contains(13) && !disposition.utf8.contains(10))
        #expect(
            disposition.hasPrefix(#"attachment; filename="evil__Set-Cookie: a=b.txt"; filename*=UTF-8''evil%0D%0A"#)
        )
        #expect(evil.headers["Set-Cookie"] == nil && evil.headers["X-Injected"] == nil)

        // Listed (name and size unknown: the URL's last segment, 0), but its content was never fetched.
        #expect(items[3]["name"]?.stringValue == "logo.png")
        let path = Self.get(app, urls[3])
        #expect(path.status == .notFound)
        let error = try Self.json(path)
        #expect(error["error"]?.stringValue?.isEmpty == false)
        #expect(error["message"]?.stringValue?.contains("`path` URL is never fetched") == true)
    }

    @Test func flowmailerAttachmentsAreServedFromTheirURLs() throws {
        let app = try MessageWaitersTests.app()
        let token = app.dispatcher.respond(
            to: Request(
                method: .POST,
                target: "/oauth/token",
                headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: Array(
                    "client_id=maildouble&client_secret=maildouble-secret&grant_type=client_credentials&scope=api".utf8
                )
            )
        )
        #expect(token.status == .ok, "\(String(decoding: token.body, as: UTF8.self))")
        let access = try #require(try Self.json(token)["access_token"]?.stringValue)
        let media = "application/vnd.flowmailer.v1.12+json"
        let submit = """
            {"messageType":"EMAIL","senderAddress":"shop@example.com","recipientAddress":"ada@example.com",
             "subject":"Invoice","text":"Attached","attachments":[
              {"filename":"invoice 7.pdf","contentType":"application/pdf","content":"\(Base64.encode(Self.pdf))"}
            ]}
            """
        let sent = app.dispatcher.respond(
            to: Request(
                method: .POST,
                target: "/545/messages/submit",
                headers: ["Authorization": "Bearer \(access)", "Content-Type": media, "Accept": media],
                body: Array(submit.utf8)
            )
        )
        #expect(sent.status == HTTPStatus(201), "\(String(decoding: sent.body, as: UTF8.self))")
        let listed = try Self.json(Self.get(app, "/_emulator/messages?vendor=flowmailer&subject=Invoice"))
        let message = try #require(listed["data"]?[0])
        let id = try #require(message["id"]?.stringValue)
        let url = try #require(message["attachments"]?[0]?["url"]?.stringValue)
        #expect(url == "/_emulator/messages/flowmailer/\(URLCoding.percentEncode(id))/attachments/0")
        let detail = try Self.json(Self.get(app, "/_emulator/messages/flowmailer/\(id)"))
        #expect(detail["attachments"]?[0]?["url"]?.stringValue == url)

        let file = Self.get(app, url)
        #expect(file.status == .ok && file.body == Self.pdf)
        #expect(file.headers["Content-Type"] == "application/pdf")
        #expect(file.headers["Content-Disposition"] == #"attachment; filename="invoice 7.pdf""#)
    }

    /// Flowdock: a `file` message's upload (JSON base64) and a discussion's attachments, one of them given by
    /// reference (no bytes the emulator could serve).
    @Test func flowdockFilesAreServedFromTheirURLs() throws {
        let app = try MessageWaitersTests.app()
        let auth = ["Authorization": "Bearer maildouble-flowdock-token", "Content-Type": "application/json"]
        func post(_ body: String) -> Response {
            app.dispatcher.respond(
                to: Request(
                    method: .POST,
                    target: "/flows/acme/my-flow/messages",
                    headers: HTTPHeaders(auth.map { ($0.key, $0.value) }),
                    body: Array(body.utf8)
                )
            )
        }
        let file = post(
            #"{"event":"file","content":{"data":"\#(Base64.encode(Self.pdf))","content_type":"application/pdf","file_name":"r.pdf"}}"#
        )
        #expect(file.status == .created, "\(String(decoding: file.body, as: UTF8.self))")
        let fileID = try #require(try Self.json(file)["id"]?.intValue)
        let detail = try Self.json(Self.get(app, "/_emulator/messages/flowdock/acme:my-flow:\(fileID)"))
        let items = try #require(detail["attachments"]?.arrayValue)
        #expect(items.count == 1 && items[0]["name"]?.stringValue == "r.pdf")
        #expect(items[0]["size"]?.intValue == Self.pdf.count)
        let url = try #require(items[0]["url"]?.stringValue)
        let bytes = Self.get(app, url)
        #expect(bytes.status == .ok && bytes.body == Self.pdf && bytes.headers["Content-Type"] == "application/pdf")

        let discussion = post(
            #"{"event":"discussion","title":"Build","author":{"name":"CI"},"thread":{"title":"Build"},"attachments":[{"file_name":"far.png","content_type":"image/png","file_size":10,"path":"https://elsewhere.example/far.png"}]}"#
        )
        #expect(discussion.status == .created)
        let discussionID = try #require(try Self.json(discussion)["id"]?.intValue)
        let shown = try Self.json(Self.get(app, "/_emulator/messages/flowdock/acme:my-flow:\(discussionID)"))
        #expect(shown["attachments"]?[0]?["name"]?.stringValue == "far.png")
        let missing = Self.get(app, "/_emulator/messages/flowdock/acme:my-flow:\(discussionID)/attachments/0")
        #expect(missing.status == .notFound)
    }

    @Test func unknownVendorMessageOrIndexIsA404AndABadIndexA400() throws {
        let app = try MessageWaitersTests.app()
        let id = try Self.sendPostflare(app)
        let base = "/_emulator/messages/postflare/\(id)/attachments/"
        let flowdock = try #require(
            try Self.json(Self.get(app, "/_emulator/messages?vendor=flowdock&limit=1"))["data"]?[0]?["id"]?.stringValue
        )
        let cases: [(String, HTTPStatus, String)] = [
            ("/_emulator/messages/pigeon/\(id)/attachments/0", .notFound, "No vendor 'pigeon'"),
            ("/_emulator/messages/postflare/no-such-id/attachments/0", .notFound, "no message 'no-such-id'"),
            (base + "4", .notFound, "has no attachment 4 (it has 4"),
            (base + "99999999999999999999999", .notFound, "has no attachment 99999999999999999999999"),
            // Flowdock messages carry no attachments in inspection.
            ("/_emulator/messages/flowdock/\(URLCoding.percentEncode(flowdock))/attachments/0", .notFound, "(it has 0"),
            (base + "x", .badRequest, "'index' must be a non-negative integer, not 'x'"),
            (base + "-1", .badRequest, "not '-1'"),
            (base + "%2B1", .badRequest, "not '+1'"),
            (base + "1.0", .badRequest, "not '1.0'"),
        ]
        for (target, status, message) in cases {
            let r = Self.get(app, target)
            #expect(r.status == status, "\(target)")
            #expect(r.headers["Content-Type"]?.hasPrefix("application/json") == true, "\(target)")
            let body = try Self.json(r)
            #expect(body["error"]?.stringValue?.isEmpty == false, "\(target)")
            #expect(body["message"]?.stringValue?.contains(message) == true, "\(target): \(body)")
        }
    }

    @Test func anAttachmentDownloadsOverALiveSocket() throws {
        let app = try VendorContractTests.start()
        defer { MailDoubleTests.stop(app) }
        let content = Base64.encode(Array("col1,col2\n1,2\n".utf8))
        let sent = try VendorContractTests.call(
            app,
            "POST",
            "/emails",
            headers: ControlPlaneLiveTests.sendHeaders,
            body:
                #"{"from":"hi@example.org","to":"ada@acme.io","subject":"CSV","text":"x","attachments":[{"filename":"données.csv","content_type":"text/csv","content":"\#(content)"}]}"#
        )
        let id = try #require(try ControlPlaneLiveTests.json(sent.body)["id"]?.stringValue)
        let detail = try VendorContractTests.call(app, "GET", "/_emulator/messages/postflare/\(id)")
        let url = try #require(try ControlPlaneLiveTests.json(detail.body)["attachments"]?[0]?["url"]?.stringValue)
        let c = try TLSTestClient(port: app.httpsPort!, caFile: app.caFile!)
        c.send(VendorsOverHTTPSTests.request("GET", url, host: "localhost"))
        let r = try c.readResponse()
        #expect(r.status == 200 && r.body == "col1,col2\n1,2\n")
        #expect(VendorsOverHTTPSTests.header("Content-Type", in: r.head) == "text/csv")
        #expect(
            VendorsOverHTTPSTests.header("Content-Disposition", in: r.head)
                == #"attachment; filename="donn_es.csv"; filename*=UTF-8''donn%C3%A9es.csv"#
        )
    }
}
