// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import FlowdockAPI

@Suite struct BodyTests {
    @Test func formAndJSONProduceIdenticalMessages() throws {
        let c = try Client()
        let json = c.send(
            .POST,
            "/flows/acme/my-flow/messages",
            json: [
                "event": "message", "content": "Howdy-Doo @Marty #awesome", "tags": ["todo", "#feedback", "@all"],
                "external_user_name": nil,
            ]
        )
        let form = c.send(
            .POST,
            "/flows/acme/my-flow/messages",
            form: "event=message&content=Howdy-Doo+%40Marty+%23awesome&tags=todo%2C%23feedback%2C%40all"
        )
        #expect(json.status == 201)
        #expect(form.status == 201)
        #expect(json.json.withoutIdentity() == form.json.withoutIdentity())
        let stored1 = c.send(.GET, "/flows/acme/my-flow/messages/\(json.json["id"]?.intValue ?? 0)").json
        let stored2 = c.send(.GET, "/flows/acme/my-flow/messages/\(form.json["id"]?.intValue ?? 0)").json
        #expect(stored1.withoutIdentity() == stored2.withoutIdentity())
        #expect(stored1["tags"] == ["todo", "feedback", ":user:everyone", "awesome", ":user:2", ":unread:2"])
    }

    @Test func nestedFormFieldsMatchJSONObjects() throws {
        let c = try Client()
        let json = c.send(
            .POST,
            "/messages",
            authorization: "",
            json: [
                "flow_token": .string(Token.flow), "event": "activity", "title": "Deployed",
                "external_thread_id": "dep-1",
                "author": ["name": "Deployer", "email": "deploy@example.com"],
                "thread": ["title": "Deploy 1", "status": ["value": "ok", "color": "green"]],
            ]
        )
        let form = c.send(
            .POST,
            "/messages",
            authorization: "",
            form:
                "flow_token=\(Token.flow)&event=activity&title=Deployed&external_thread_id=dep-2&author[name]=Deployer"
                + "&author[email]=deploy%40example.com&thread[title]=Deploy+1&thread[status][value]=ok&thread[status][color]=green"
        )
        #expect(json.status == 201)
        #expect(form.status == 201)
        #expect(json.json.withoutIdentity() == form.json.withoutIdentity())
        #expect(form.json["thread"]?["status"] == ["value": "ok", "color": "green"])
        #expect(form.json["author"]?["name"] == "Deployer")
        #expect(form.json["app"] == "influx")
    }

    @Test func bracketArrayForm() {
        var o = JSONObject()
        Body.assign(&o, name: "tags[]", value: "a")
        Body.assign(&o, name: "tags[]", value: "b")
        Body.assign(&o, name: "weird[x", value: "c")
        #expect(o["tags"] == ["a", "b"])
        #expect(o["weird[x"] == "c")
    }

    @Test func multipartFileUpload() throws {
        let c = try Client()
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 1, 2]
        var body = Array("--XyZ\r\nContent-Disposition: form-data; name=\"event\"\r\n\r\nfile\r\n".utf8)
        body += Array("--XyZ\r\nContent-Disposition: form-data; name=\"content\"; filename=\"icon.png\"\r\n".utf8)
        body += Array("Content-Type: image/png\r\n\r\n".utf8) + png + Array("\r\n--XyZ--\r\n".utf8)
        let r = c.send(
            .POST,
            "/flows/acme/my-flow/messages",
            body: body,
            contentType: "multipart/form-data; boundary=XyZ"
        )
        #expect(r.status == 201)
        #expect(r.json["event"] == "file")
        #expect(r.json["content"]?["file_name"] == "icon.png")
        #expect(r.json["content"]?["file_size"] == 11)
        #expect(r.json["attachments"]?[0]?["content_type"] == "image/png")
        #expect(r.json["tags"] == [":file"])
        // The download redirects to a signed URL that serves the bytes.
        let path = r.json["content"]?["path"]?.stringValue ?? ""
        let redirect = c.send(.GET, path)
        #expect(redirect.status == 302)
        let location = redirect.header("Location") ?? ""
        #expect(location.hasPrefix("https://api.flowdock.com/files/"))
        let download = c.send(.GET, String(location.dropFirst("https://api.flowdock.com".count)), authorization: "")
        #expect(download.status == 200)
        #expect(download.response.body == png)
        #expect(c.send(.GET, path, authorization: "").status == 401)
    }

    @Test func jsonFileUploadIsBase64() throws {
        let c = try Client()
        let r = c.send(
            .POST,
            "/flows/acme/my-flow/messages",
            json: [
                "event": "file",
                "content": ["data": "aGVsbG8=", "content_type": "text/plain", "file_name": "hello.txt"],
            ]
        )
        #expect(r.status == 201)
        #expect(r.json["content"]?["file_size"] == 5)
    }

    @Test func bodyWithoutContentTypeIsRejected() throws {
        let c = try Client()
        let r = c.send(.POST, "/flows/acme/my-flow/messages", body: Array("event=message&content=x".utf8))
        #expect(r.status == 415)
        #expect(r.json["message"]?.stringValue?.contains("Content-Type") == true)
        let text = c.send(.POST, "/flows/acme/my-flow/messages", body: Array("x".utf8), contentType: "text/plain")
        #expect(text.status == 415)
    }

    @Test func malformedBodies() throws {
        let c = try Client()
        let bad = c.send(
            .POST,
            "/flows/acme/my-flow/messages",
            body: Array("{\"event\": \"message\", \"content: \"Hi\"}".utf8),
            contentType: "application/json"
        )
        #expect(bad.status == 400)
        #expect(bad.json["message"]?.stringValue?.hasPrefix("Invalid JSON") == true)
        let array = c.send(.POST, "/flows/acme/my-flow/messages", json: ["x"])
        #expect(array.status == 400)
        let multipart = c.send(
            .POST,
            "/flows/acme/my-flow/messages",
            body: Array("garbage".utf8),
            contentType: "multipart/form-data; boundary=abc"
        )
        #expect(multipart.status == 400)
    }

    /// The shared parser's verdicts in Flowdock's format: malformed bodies are a 400 with a message, and the
    /// body that crashed Postflare's old parser (a part whose headers end at the closing delimiter) is a
    /// field with no content.
    @Test func multipartEdgeCasesAnswerInFlowdockFormat() throws {
        let c = try Client()
        for body in [
            "--B", "--B\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nunterminated",
            "--B\r\nContent-Type: text/plain\r\n\r\nno name\r\n--B--", "--B\r\nbroken header\r\n\r\nx\r\n--B--",
        ] {
            let r = c.send(
                .POST,
                "/flows/acme/my-flow/messages",
                body: Array(body.utf8),
                contentType: "multipart/form-data; boundary=B"
            )
            #expect(r.status == 400, "\(body.debugDescription)")
            #expect(r.json["message"]?.stringValue?.hasPrefix("Malformed multipart/form-data body") == true)
        }
        let noContent =
            "--B\r\nContent-Disposition: form-data; name=\"event\"\r\n\r\nmessage\r\n"
            + "--B\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\n--B--\r\n"
        let r = c.send(
            .POST,
            "/flows/acme/my-flow/messages",
            body: Array(noContent.utf8),
            contentType: "multipart/form-data; boundary=B"
        )
        #expect(r.status == 400)
        #expect(r.json["errors"]?["content"] != nil, "\(r.json.text)")
        let quoted = c.send(
            .POST,
            "/flows/acme/my-flow/messages",
            body: Array(
                ("preamble\r\n--a;b\r\nContent-Disposition: form-data; name=event\r\n\r\nmessage\r\n"
                    + "--a;b\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nhi\r\n"
                    + "--a;b--\r\nepilogue").utf8
            ),
            contentType: "multipart/form-data; boundary=\"a;b\""
        )
        #expect(quoted.status == 201, "\(quoted.json.text)")
        #expect(quoted.json["content"] == "hi")
    }

    @Test func base64RoundTrip() {
        for n in 0..<20 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 * 37) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.decode("a$b") == nil)
    }
}
