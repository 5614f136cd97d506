// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@Suite struct RequestPartsTests {
    /// The routing fast path must split and decode exactly like the full segment parser.
    @Test(arguments: [
        "/", "", "/545/messages", "//545///messages/", "/545/messages;daterange=a,b;flow_ids=1",
        "/a%2Fb/c%20d/e+f", "/;x=1/y", "/flows/acme/main/messages;a;b=", "/%zz/%4", "/é/ü%C3%A9",
    ])
    func pathNamesMatchPathSegments(path: String) {
        #expect(URLCoding.pathNames(path) == URLCoding.pathSegments(path).map(\.name))
    }

    @Test func pathNamesStopsAtTheLimit() {
        #expect(URLCoding.pathNames("/545/messages/submit/extra", limit: 2) == ["545", "messages"])
        #expect(URLCoding.pathNames("/545", limit: 3) == ["545"])
    }

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

    /// Spaces and tabs only (RFC 9110 OWS), on Strings and Substrings alike.
    @Test func trimmingSpaces() {
        #expect(" \t a b \t ".trimmingSpaces() == "a b")
        #expect("plain".trimmingSpaces() == "plain")
        #expect(" \t ".trimmingSpaces() == "")
        #expect("".trimmingSpaces() == "")
        #expect("x:  v \r".split(separator: ":")[1].trimmingSpaces() == "v \r")  // CR is not OWS here
        #expect(" é ".trimmingSpaces() == "é")
    }
}
