// SPDX-License-Identifier: Apache-2.0
import HTTP1
import HTTPCore
import Testing

@Suite struct HTTP1ParserTests {
    // Each valid input, and the events it must give whether fed whole, split in two anywhere, or byte by byte.
    static let validCases: [(String, [String])] = [
        (
            "GET /v1/messages?page=2&x=%20 HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n\r\n",
            [
                "GET /v1/messages?page=2&x=%20 HTTP/1.1 keepAlive=true [Host=api.example.com|User-Agent=curl/8.0|Accept=*/*] body="
            ]
        ),
        (
            "POST /emails HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"to\":\"a@b\"}",
            [
                "POST /emails HTTP/1.1 keepAlive=true [Host=h|Content-Type=application/json|Content-Length=12] body={\"to\":\"a@b\"}"
            ]
        ),
        (
            // chunk extensions (quoted, with BWS) are ignored; trailers are parsed and discarded (RFC 9112 §7.1).
            "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n7 ; ext=\"q;x\"\r\n, world\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n",
            ["POST /up HTTP/1.1 keepAlive=true [Host=h|Transfer-Encoding=chunked] body=hello, world"]
        ),
        (
            // Bare LF line ends (§2.2), upper-case hex, a zero-length chunk-data-less body ending.
            "PUT /x HTTP/1.1\nHost: h\nTransfer-Encoding: Chunked\n\nA\n0123456789\n0\n\n",
            ["PUT /x HTTP/1.1 keepAlive=true [Host=h|Transfer-Encoding=Chunked] body=0123456789"]
        ),
        (
            // Leading empty lines before a request line are ignored (§2.2).
            "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
            ["GET / HTTP/1.1 keepAlive=true [Host=h] body="]
        ),
        (
            // OWS around values is trimmed, inner spaces kept, empty values allowed, names keep their case.
            "GET / HTTP/1.1\r\nhost:h\r\nX-Empty:\r\nX-Spaces: \t a  b \t\r\n\r\n",
            ["GET / HTTP/1.1 keepAlive=true [host=h|X-Empty=|X-Spaces=a  b] body="]
        ),
        (
            // Identical Content-Length values, as a list or repeated, count as one (RFC 9110 §8.6).
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc",
            ["POST / HTTP/1.1 keepAlive=true [Host=h|Content-Length=3, 3|Content-Length=3] body=abc"]
        ),
        (
            // Absolute-form becomes origin-form; its authority replaces Host (§3.2.2).
            "GET http://api.example.com:8080/a/b?q=1 HTTP/1.1\r\nHost: other\r\n\r\n",
            ["GET /a/b?q=1 HTTP/1.1 keepAlive=true [Host=api.example.com:8080] body="]
        ),
        (
            "GET HTTPS://h?x=1 HTTP/1.1\r\n\r\n",
            ["GET /?x=1 HTTP/1.1 keepAlive=true [Host=h] body="]
        ),
        (
            // The stray CRLF some clients send after a body is skipped before the next request (§2.2).
            "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n",
            [
                "POST /a HTTP/1.1 keepAlive=true [Host=h|Content-Length=1] body=x",
                "GET /b HTTP/1.1 keepAlive=true [Host=h] body=",
            ]
        ),
        (
            "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
            ["OPTIONS * HTTP/1.1 keepAlive=true [Host=h] body="]
        ),
        (
            "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
            ["GET / HTTP/1.1 keepAlive=false [Host=h|Connection=close] body="]
        ),
        (
            "GET / HTTP/1.0\r\n\r\n",
            ["GET / HTTP/1.0 keepAlive=false [] body="]
        ),
        (
            "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
            ["GET / HTTP/1.0 keepAlive=true [Connection=Keep-Alive] body="]
        ),
        (
            "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
            ["GET / HTTP/1.0 keepAlive=false [Connection=keep-alive, close] body="]
        ),
        (
            "GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, CLOSE\r\n\r\n",
            ["GET / HTTP/1.1 keepAlive=false [Host=h|Connection=Upgrade, CLOSE] body="]
        ),
        (
            "POST /e HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi",
            ["POST /e HTTP/1.0 keepAlive=false [Content-Length=2] body=hi"]
        ),
        (
            // Three pipelined requests come out in order, with their bodies.
            "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
                + "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody"
                + "POST /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
            [
                "GET /1 HTTP/1.1 keepAlive=true [Host=h] body=",
                "POST /2 HTTP/1.1 keepAlive=true [Host=h|Content-Length=4] body=body",
                "POST /3 HTTP/1.1 keepAlive=true [Host=h|Transfer-Encoding=chunked] body=ok",
            ]
        ),
    ]

    @Test(arguments: validCases)
    func validRequestsParseIdenticallyHoweverSplit(_ input: String, _ expected: [String]) {
        #expect(consistentEvents(input) == expected)
    }

    @Test func requestCarriesConnectionFacts() throws {
        let parsed = try #require(
            parseOne("GET /p;x=1?q=a+b HTTP/1.1\r\nHost: h\r\n\r\n", isSecure: true, remoteAddress: "[::1]:5000")
        )
        #expect(parsed.request.isSecure)
        #expect(parsed.request.remoteAddress == "[::1]:5000")
        #expect(parsed.request.rawPath == "/p;x=1")
        #expect(parsed.request.query("q") == "a b")
        #expect(parsed.request.method == .GET)
        #expect(parsed.request.version == .http1_1)
    }

    @Test func pipelinedRequestsAfterPartialReadsStayInOrder() {
        // Many requests with the last one cut short: the parser keeps a cursor and compacts, never reorders.
        var input = ""
        for i in 0..<200 {
            input += "GET /\(i) HTTP/1.1\r\nHost: h\r\nX-Pad: \(String(repeating: "p", count: 40))\r\n\r\n"
        }
        let bytes = Array(input.utf8)
        var parser = HTTP1Parser()
        var targets: [String] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + 1000, bytes.count)
            parser.append(Array(bytes[offset..<end]))
            offset = end
            while case .request(let request, _) = parser.next() { targets.append(request.target) }
        }
        #expect(targets == (0..<200).map { "/\($0)" })
        #expect(parser.isIdle)
    }

    @Test func largeBodyArrivingInPiecesIsComplete() {
        let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        var parser = HTTP1Parser()
        parser.append(Array("POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: \(body.count)\r\n\r\n".utf8))
        var result: Request?
        for start in stride(from: 0, to: body.count, by: 7000) {
            #expect(result == nil)
            parser.append(Array(body[start..<min(start + 7000, body.count)]))
            if case .request(let request, _) = parser.next() { result = request }
        }
        #expect(result?.body == body)
    }

    @Test func expectContinueIsReportedOnceBeforeTheBody() {
        var parser = HTTP1Parser()
        parser.append(Array("PUT /f HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n\r\n".utf8))
        #expect(summary(parser.next()) == "100-continue")
        #expect(summary(parser.next()) == "needMoreData")
        #expect(parser.hasBufferedBytes)
        parser.append(Array("12".utf8))
        #expect(summary(parser.next()) == "needMoreData")
        parser.append(Array("345".utf8))
        #expect(summary(parser.next()).hasSuffix("body=12345"))
        #expect(summary(parser.next()) == "needMoreData")
    }

    @Test(arguments: [
        // The body is already buffered: no 100 Continue.
        "PUT /f HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx",
        // HTTP/1.0: the expectation MUST be ignored (RFC 9110 §10.1.1).
        "PUT /f HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx",
        // No body expected.
        "GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n",
    ])
    func expectContinueIsNotReported(_ input: String) {
        let got = events([Array(input.utf8)])
        #expect(got.count == 1)
        #expect(got.first?.hasPrefix("failure") == false)
        #expect(got.contains("100-continue") == false)
    }

    @Test func expectContinueForHTTP10HeadOnlyGivesNoEvent() {
        var parser = HTTP1Parser()
        parser.append(Array("PUT /f HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n".utf8))
        #expect(summary(parser.next()) == "needMoreData")
    }

    @Test func expectContinueWithChunkedBody() {
        var parser = HTTP1Parser()
        parser.append(
            Array("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        )
        #expect(summary(parser.next()) == "100-continue")
        parser.append(Array("1\r\na\r\n0\r\n\r\n".utf8))
        #expect(summary(parser.next()).hasSuffix("body=a"))
    }

    @Test func idleAndBufferedStateFollowTheRequest() {
        var parser = HTTP1Parser()
        #expect(parser.isIdle && !parser.hasBufferedBytes)
        parser.append(Array("GET / HTTP/1.1\r\n".utf8))
        #expect(summary(parser.next()) == "needMoreData")
        #expect(!parser.isIdle && parser.hasBufferedBytes)
        parser.append(Array("Host: h\r\n\r\nGE".utf8))
        #expect(summary(parser.next()).hasPrefix("GET /"))
        #expect(summary(parser.next()) == "needMoreData")
        #expect(!parser.isIdle && parser.hasBufferedBytes)
        parser.append(Array("T / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(summary(parser.next()).hasPrefix("GET /"))
        #expect(parser.isIdle && !parser.hasBufferedBytes)
    }
}
