// SPDX-License-Identifier: Apache-2.0
import HTTP1
import HTTPCore
import Testing

/// What a failed (or timed-out) parse still knows of the request, for an error answer in the vendor's format.
@Suite struct HTTP1ParserErrorContextTests {
    static func failedContext(_ input: String, limits: HTTP1Limits = HTTP1Limits()) -> HTTPErrorContext? {
        var parser = HTTP1Parser(limits: limits, isSecure: true)
        parser.append(Array(input.utf8))
        guard case .failure(let status) = parser.next() else { return nil }
        return parser.errorContext(status: status, message: "m")
    }

    @Test func aBadFieldKeepsTheRequestLineAndTheRelevantFieldsBeforeIt() throws {
        let c = try #require(
            Self.failedContext(
                "POST /545/messages?x=1 HTTP/1.1\r\nHost: api.flowmailer.net\r\nAuthorization: Bearer t\r\n"
                    + "User-Agent: u\r\nAccept: application/vnd.flowmailer.v1.12+json\r\nBad Name: x\r\n\r\n"
            )
        )
        #expect(c.status == .badRequest)
        #expect(c.reason == "invalid field name")
        #expect(c.method == .POST)
        #expect(c.target == "/545/messages?x=1")
        #expect(c.headers["Host"] == "api.flowmailer.net")
        #expect(c.headers["Authorization"] == "Bearer t")
        #expect(c.headers["Accept"] == "application/vnd.flowmailer.v1.12+json")
        #expect(c.headers["User-Agent"] == nil)  // only what names a vendor is kept
        #expect(c.isSecure)
        #expect(c.partialRequest.pathSegments == ["545", "messages"])
    }

    @Test func aBadRequestLineKnowsNothing() throws {
        let c = try #require(Self.failedContext("G(T / HTTP/1.1\r\nHost: h\r\n\r\n"))
        #expect(c.method == nil)
        #expect(c.target == nil)
        #expect(c.headers.isEmpty)
        #expect(c.partialRequest.target == "/")
    }

    @Test func aBadOrUnsupportedVersionKeepsItsTarget() throws {
        let c = try #require(Self.failedContext("GET /emails HTTP/2.0\r\nHost: h\r\n\r\n"))
        #expect(c.status == .httpVersionNotSupported)
        #expect(c.method == .GET)
        #expect(c.target == "/emails")
        let malformed = try #require(Self.failedContext("POST /545/messages HTTP/1.x\r\nHost: h\r\n\r\n"))
        #expect(malformed.status == .badRequest)
        #expect(malformed.target == "/545/messages")
    }

    @Test func limitsAndFramingErrorsKeepTheWholeHead() throws {
        let big = try #require(
            Self.failedContext(
                "POST /flows/o/f/messages HTTP/1.1\r\nHost: h\r\nAuthorization: Basic eDp5\r\n"
                    + "Content-Length: 99\r\n\r\n",
                limits: HTTP1Limits(maxBodyBytes: 10)
            )
        )
        #expect(big.status == .contentTooLarge)
        #expect(big.target == "/flows/o/f/messages")
        #expect(big.headers["Authorization"] == "Basic eDp5")
        let coding = try #require(
            Self.failedContext("POST /emails HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
        )
        #expect(coding.status == .notImplemented)
        #expect(coding.target == "/emails")
        // An absolute-form target's authority stands in for Host.
        let absolute = try #require(
            Self.failedContext("GET http://api.resend.com/x HTTP/1.1\r\nX: a\r\n  folded\r\n\r\n")
        )
        #expect(absolute.headers["Host"] == "api.resend.com")
    }

    @Test func anIncompleteHeadHasWhatArrivedSoFar() {
        var parser = HTTP1Parser()
        parser.append(Array("GET /flows HTTP/1.1\r\nAuthorization: Basic eDp5\r\nAcc".utf8))
        guard case .needMoreData = parser.next() else {
            Issue.record("expected needMoreData")
            return
        }
        let c = parser.errorContext(status: .requestTimeout, reason: "slow", message: "m")
        #expect(c.reason == "slow")
        #expect(c.target == "/flows")
        #expect(c.headers["Authorization"] == "Basic eDp5")
    }
}
