// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import MailDoubleTesting
import Testing

@testable import FlowdockAPI

@Suite struct AuthTests {
    @Test(arguments: TestMode.allCases)
    func tokenAsBasicUsernameWithAnyPassword(_ mode: TestMode) throws {
        try Client.with(mode) { c in
            for password in ["", "DUMMY", "x:y"] {
                let r = c.send(.GET, "/user", authorization: Client.basic(Token.otto, password))
                #expect(r.status == 200)
                #expect(r.json["nick"] == "Otto")
                #expect(r.header("Flowdock-User") == "1")
            }
        }
    }

    @Test func tokenWithoutColon() throws {
        let c = try Client()
        let header = "Basic " + Base64.encode(Array(Token.marty.utf8))
        #expect(c.send(.GET, "/user", authorization: header).json["id"] == 2)
    }

    @Test func emailAndPasswordRawAndPercentEncoded() throws {
        let c = try Client()
        let raw = c.send(.GET, "/user", authorization: Client.basic("jackie@example.com", "p@ss:wörd"))
        #expect(raw.status == 200)
        #expect(raw.json["id"] == 3)
        // As taken from https://jackie%40example.com:p%40ss%3Aw%C3%B6rd@api.flowdock.com/ by a client that
        // does not decode the userinfo.
        let encoded = c.send(.GET, "/user", authorization: Client.basic("jackie%40example.com", "p%40ss%3Aw%C3%B6rd"))
        #expect(encoded.status == 200)
        #expect(encoded.header("Flowdock-User") == "3")
        // Exactly what `curl -u 'jackie@example.com:p@ss:wörd'` sent (captured from curl 7.88.1).
        let curl = c.send(.GET, "/user", authorization: "Basic amFja2llQGV4YW1wbGUuY29tOnBAc3M6d8O2cmQ=")
        #expect(curl.json["id"] == 3)
        let wrong = c.send(.GET, "/user", authorization: Client.basic("jackie@example.com", "nope"))
        #expect(wrong.status == 401)
    }

    @Test(arguments: TestMode.allCases)
    func bearerAndAccessToken(_ mode: TestMode) throws {
        try Client.with(mode) { c in
            #expect(c.send(.GET, "/user", authorization: "Bearer \(Token.doc)").json["id"] == 4)
            #expect(c.send(.GET, "/user?access_token=\(Token.doc)", authorization: "").json["id"] == 4)
            #expect(c.send(.GET, "/user?access_token=bad", authorization: "").status == 401)
        }
    }

    @Test(arguments: TestMode.allCases)
    func missingAndBadCredentialsAnswer401WithChallengeAndJSON(_ mode: TestMode) throws {
        try Client.with(mode) { c in
            for r in [
                c.send(.GET, "/flows", authorization: ""), c.send(.GET, "/flows", token: "bogus"),
                c.send(.GET, "/flows", authorization: "Digest abc"), c.send(.GET, "/flows", authorization: "Basic !!!"),
            ] {
                #expect(r.status == 401)
                #expect(r.header("WWW-Authenticate")?.hasPrefix("Basic realm=") == true)
                #expect(r.header("Content-Type") == "application/json; charset=utf-8")
                #expect(r.json["message"]?.stringValue?.isEmpty == false)
                #expect(r.header("Flowdock-User") == nil)
            }
        }
    }

    @Test(arguments: TestMode.allCases)
    func flowdockUserHeaderOnAuthenticatedErrors(_ mode: TestMode) throws {
        try Client.with(mode) { c in
            let r = c.send(.GET, "/users/999")
            #expect(r.status == 404)
            #expect(r.header("Flowdock-User") == "1")
            #expect(r.json["message"] == "User not found")
        }
    }

    @Test func flowTokenPostsAsUserZeroIntoItsFlowOnly() throws {
        let c = try Client()
        let r = c.send(
            .POST,
            "/messages",
            authorization: "",
            json: ["flow_token": .string(Token.flow), "event": "message", "content": "from CI"]
        )
        #expect(r.status == 201)
        #expect(r.json["user"] == "0")
        #expect(r.json["flow"] == "acme/my-flow")
        #expect(r.header("Flowdock-User") == nil)
        let query = c.send(
            .POST,
            "/flows/acme/my-flow/messages?flow_token=\(Token.flow)",
            authorization: "",
            form: "event=message&content=hi"
        )
        #expect(query.status == 201)
        let other = c.send(
            .POST,
            "/flows/acme/another-flow/messages?flow_token=\(Token.flow)",
            authorization: "",
            form: "event=message&content=hi"
        )
        #expect(other.status == 404)
        // Flow tokens are not users.
        #expect(c.send(.GET, "/flows?flow_token=\(Token.flow)", authorization: "").status == 401)
    }

    @Test func removedSourceTokenIsGone() throws {
        let c = try Client()
        #expect(c.send(.DELETE, "/flows/acme/my-flow/sources/1").status == 204)
        let r = c.send(.POST, "/messages", authorization: "", form: "flow_token=\(Token.flow)&event=message&content=x")
        #expect(r.status == 410)
        #expect(r.json["message"] != nil)
    }

    /// Issue 12: credentials are checked before the body is parsed, so an anonymous caller cannot make the
    /// server parse a large body for nothing. Only a request with no credential at all reads the body,
    /// where its `flow_token` may be.
    @Test func credentialsAreCheckedBeforeTheBody() throws {
        let c = try Client()
        let notJSON = Array("{\"event\": [".utf8)
        let user = c.send(.PUT, "/users/1", authorization: "", body: notJSON, contentType: "application/json")
        #expect(user.status == 401)
        #expect(user.json["message"] == "Authentication required")
        let badQueryToken = c.send(
            .POST,
            "/flows/acme/my-flow/messages?flow_token=nope",
            authorization: "",
            body: notJSON,
            contentType: "application/json"
        )
        #expect(badQueryToken.status == 401)
        let push = c.send(
            .POST,
            "/v1/messages/chat/not-a-push-token",
            authorization: "",
            body: notJSON,
            contentType: "application/json"
        )
        #expect(push.status == 404)
        // Without any credential the body is read for its flow_token: malformed, it is a 400.
        let anonymous = c.send(.POST, "/messages", authorization: "", body: notJSON, contentType: "application/json")
        #expect(anonymous.status == 400)
        // A query token still yields to a body token, as before.
        let both = c.send(
            .POST,
            "/messages?flow_token=\(Token.flow)",
            authorization: "",
            json: ["flow_token": "nope", "event": "message", "content": "x"]
        )
        #expect(both.status == 401)
    }

    @Test func corsPreflightAndExposedHeaders() throws {
        let c = try Client()
        let pre = c.send(.OPTIONS, "/flows", authorization: "", headers: [("Origin", "https://app.example")])
        #expect(pre.status == 200)
        #expect(pre.header("Access-Control-Allow-Origin") == "https://app.example")
        #expect(pre.header("Access-Control-Allow-Methods")?.contains("PATCH") == true)
        let get = c.send(.GET, "/flows", headers: [("Origin", "https://app.example")])
        #expect(get.header("Access-Control-Expose-Headers")?.contains("Flowdock-User") == true)
    }
}

@Suite struct FlowTokenScopeTests {
    @Test func flowTokenReadsOnlyItsSource() throws {
        let c = try Client()
        let created = c.send(.POST, "/flows/acme/my-flow/sources", json: ["name": "Second"])
        let q = "?flow_token=\(Token.flow)"
        #expect(
            c.send(.GET, "/flows/acme/my-flow/sources" + q, authorization: "").json.arrayValue?.map { $0["id"] } == [1]
        )
        #expect(c.send(.GET, "/flows/acme/my-flow/sources/1" + q, authorization: "").status == 200)
        #expect(
            c.send(.GET, "/flows/acme/my-flow/sources/\(created.json["id"]?.intValue ?? 0)" + q, authorization: "")
                .status == 404
        )
        #expect(c.send(.GET, "/flows/acme/my-flow/messages" + q, authorization: "").status == 401)
        #expect(c.send(.GET, "/flows/acme/my-flow/threads" + q, authorization: "").status == 401)
    }
}
