// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@Suite struct RequestTests {
    /// The string-keyed context is gone: a principal is a typed value, read back as its own type only.
    @Test func identityIsTypedAndReadBackAsItsOwnType() {
        struct Account: RequestIdentity { var tenant: String }
        struct Team: RequestIdentity { var tenant: String }
        var request = Request(method: .GET, target: "/545/messages")
        #expect(request.identity == nil)
        request.identity = Account(tenant: "545")
        #expect(request.identity(as: Account.self)?.tenant == "545")
        #expect(request.identity(as: Team.self) == nil)
        #expect(request.identity?.tenant == "545")
    }

    @Test func targetSplitsIntoPathAndDecodedQuery() {
        let r = Request(method: .GET, target: "/545/messages;flow_ids=1,2?sortorder=DESC&tag=a+b&tag=c%26d&flag")
        #expect(r.rawPath == "/545/messages;flow_ids=1,2")
        #expect(r.rawQuery == "sortorder=DESC&tag=a+b&tag=c%26d&flag")
        #expect(r.query("sortorder") == "DESC")
        #expect(r.queryValues("tag") == ["a b", "c&d"])
        #expect(r.query("flag") == "")
        #expect(r.query("missing") == nil)
        #expect(r.matrixParameters == ["flow_ids": "1,2"])
        #expect(r.pathSegments == ["545", "messages"])
    }

    @Test func targetWithoutQuery() {
        let r = Request(method: .GET, target: "/emails")
        #expect(r.rawPath == "/emails")
        #expect(r.rawQuery == nil)
        #expect(r.queryItems.isEmpty)
        // An empty query is still a query: `?` was sent.
        #expect(Request(method: .GET, target: "/emails?").rawQuery == "")
    }

    @Test(arguments: [
        ("api.flowmailer.net", "api.flowmailer.net"), ("API.Resend.com:8443", "api.resend.com"),
        ("[::1]:8443", "[::1]"), ("[::1]", "[::1]"), ("localhost:", "localhost"),
    ])
    func hostDropsThePortAndLowerCases(field: String, host: String) {
        #expect(Request(method: .GET, target: "/", headers: ["Host": field]).host == host)
    }

    @Test func noHostIsNil() {
        #expect(Request(method: .GET, target: "/").host == nil)
    }

    @Test func missingPathParameterIsEmptyNotACrash() {
        var r = Request(method: .GET, target: "/flows/acme")
        r.pathParameters = ["org": "acme"]
        #expect(r.parameter("org") == "acme")
        #expect(r.parameter("flow") == "")
    }

    @Test func bodyAsJSONAndForm() throws {
        let json = Request(method: .POST, target: "/", body: Array(#"{"a":[1,true]}"#.utf8))
        #expect(try json.jsonBody() == ["a": [1, true]])
        let bad = Request(method: .POST, target: "/", body: Array("{nope".utf8))
        #expect(throws: JSONError.self) { try bad.jsonBody() }
        let form = Request(method: .POST, target: "/", body: Array("client_id=a%20b&scope=api+x".utf8))
        #expect(form.formBody().map(\.name) == ["client_id", "scope"])
        #expect(form.formBody().map(\.value) == ["a b", "api x"])
    }

    @Test func defaultsAreThoseOfARouterTest() {
        let r = Request(method: .GET, target: "/")
        #expect(r.version == .http1_1)
        #expect(!r.isSecure)
        #expect(r.remoteAddress == "")
        #expect(r.body.isEmpty)
    }
}
