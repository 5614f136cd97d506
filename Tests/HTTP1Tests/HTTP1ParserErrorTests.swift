// SPDX-License-Identifier: Apache-2.0
import HTTP1
import HTTPCore
import Testing

@Suite struct HTTP1ParserErrorTests {
    static let host = "Host: h\r\n"

    // Each malformed input and the status it must fail with, whole, split anywhere, or byte by byte.
    static let errorCases: [(String, Int)] = [
        // Request line (RFC 9112 §3).
        ("G(T / HTTP/1.1\r\n\(host)\r\n", 400),
        (" GET / HTTP/1.1\r\n\(host)\r\n", 400),
        ("GET  / HTTP/1.1\r\n\(host)\r\n", 400),
        ("GET / HTTP/1.1 \r\n\(host)\r\n", 400),
        ("GET /\r\n\r\n", 400),
        ("GET / http/1.1\r\n\(host)\r\n", 400),
        ("GET / HTTP/1.x\r\n\(host)\r\n", 400),
        ("GET / HTTP/1.1\r\r\n\(host)\r\n", 400),
        ("GET /a\u{7F}b HTTP/1.1\r\n\(host)\r\n", 400),
        ("GET /caf\u{E9} HTTP/1.1\r\n\(host)\r\n", 400),
        ("GET / HTTP/2.0\r\n\(host)\r\n", 505),
        ("GET / HTTP/1.2\r\n\(host)\r\n", 505),
        ("GET / HTTP/0.9\r\n\(host)\r\n", 505),
        ("\u{16}\u{03}\u{01}\u{02}\u{00}", 400),
        ("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n\(host)\r\n", 400),
        // Request-target forms (§3.2).
        ("GET * HTTP/1.1\r\n\(host)\r\n", 400),
        ("GET index.html HTTP/1.1\r\n\(host)\r\n", 400),
        ("GET http:///x HTTP/1.1\r\n\(host)\r\n", 400),
        ("GET http://user@h/x HTTP/1.1\r\n\(host)\r\n", 400),
        ("GET ftp://h/x HTTP/1.1\r\n\(host)\r\n", 400),
        ("CONNECT h:443 HTTP/1.1\r\n\(host)\r\n", 400),
        // Field lines (§5).
        ("GET / HTTP/1.1\r\n\(host)Bad Name: x\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\(host)X: a\r\n  folded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n  X: a\r\n\(host)\r\n", 400),
        ("GET / HTTP/1.1\r\n\(host): empty-name\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\(host)NoColon\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\(host)X: a\u{0}b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\(host)X: a\rb\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\(host)X: a\r\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\(host)X(y): 1\r\n\r\n", 400),
        // Host (§3.2).
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\(host)\(host)\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
        // Content-Length (RFC 9110 §8.6) and Transfer-Encoding (§6.1).
        ("POST / HTTP/1.1\r\n\(host)Content-Length: abc\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\n\(host)Content-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\n\(host)Content-Length: +1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\n\(host)Content-Length: 1 2\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\n\(host)Content-Length:\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\n\(host)Content-Length: 5, 6\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\n\(host)Content-Length: 5\r\nContent-Length: 6\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\n\(host)Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: gzip\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked, gzip\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding:\r\n\r\n", 400),
        // Chunked framing (§7.1).
        ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n1x\r\n", 400),
        ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n1;a\rb\r\n", 400),
        ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n10000000000000000\r\n", 400),
        ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 400),
        ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n2\r\nab\rx", 400),
        ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n", 400),
        // Expectations (RFC 9110 §10.1.1).
        ("PUT / HTTP/1.1\r\n\(host)Expect: something\r\nContent-Length: 1\r\n\r\nx", 417),
        ("GET / HTTP/1.1\r\n\(host)Expect: 100-continue, other\r\n\r\n", 417),
        // Limits.
        ("POST / HTTP/1.1\r\n\(host)Content-Length: 41943041\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\n\(host)Content-Length: 99999999999999999999999\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n2800001\r\n", 413),
    ]

    @Test(arguments: errorCases)
    func malformedRequestsFailWithTheirStatus(_ input: String, _ status: Int) {
        #expect(consistentEvents(input) == ["failure \(status)"])
    }

    @Test func parserStaysFailed() {
        var parser = HTTP1Parser()
        parser.append(Array("BAD\u{1}\r\n".utf8))
        #expect(summary(parser.next()) == "failure 400")
        parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(summary(parser.next()) == "failure 400")
        #expect(!parser.hasBufferedBytes)
    }

    @Test func headOver16KiBFailsBeforeItEnds() {
        // 17 KiB of header with no end in sight: 431 as soon as the limit is crossed, fed whole or dripped.
        let head = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "a", count: 17 * 1024)
        #expect(events([Array(head.utf8)]) == ["failure 431"])
        let bytes = Array(head.utf8)
        var parser = HTTP1Parser()
        var failedAt: Int?
        for (i, byte) in bytes.enumerated() {
            parser.append([byte])
            if case .failure(let status) = parser.next() {
                #expect(status.code == 431)
                failedAt = i + 1
                break
            }
        }
        #expect(failedAt == 16385)
    }

    /// Found by the `http1` fuzz target: a long line of noise got 431 when it arrived whole and 400 when it
    /// arrived in pieces. It is 400 (not a method) however it is split.
    @Test func noiseBeforeTheRequestLineIs400WhateverTheSplit() {
        let limits = HTTP1Limits(maxHeaderBytes: 512)
        let noise = Array(repeating: UInt8(0xFF), count: 600) + Array(" / HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
        #expect(events([noise], limits: limits) == ["failure 400"])
        #expect(events([Array(noise[..<127]), Array(noise[127...])], limits: limits) == ["failure 400"])
        let endless = Array(repeating: UInt8(0x16), count: 600)
        #expect(events([endless], limits: limits) == ["failure 400"])
    }

    @Test func headerSectionJustUnderTheLimitIsAccepted() {
        let prefix = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: "
        let pad = 16384 - prefix.utf8.count - 4  // "\r\n\r\n" makes exactly 16 KiB
        let head = prefix + String(repeating: "a", count: pad) + "\r\n\r\n"
        #expect(head.utf8.count == 16384)
        #expect(events([Array(head.utf8)]).first?.hasPrefix("GET / HTTP/1.1") == true)
        let over = prefix + String(repeating: "a", count: pad + 1) + "\r\n\r\n"
        #expect(events([Array(over.utf8)]) == ["failure 431"])
    }

    @Test func tooManyHeaderFieldsIs431() {
        var head = "GET / HTTP/1.1\r\nHost: h\r\n"
        for i in 0..<100 { head += "X-\(i): v\r\n" }
        #expect(events([Array((head + "\r\n").utf8)]) == ["failure 431"])
        let limits = HTTP1Limits(maxHeaderCount: 200)
        #expect(events([Array((head + "\r\n").utf8)], limits: limits).first?.hasPrefix("GET") == true)
    }

    @Test func bodyLimitsGive413() {
        let limits = HTTP1Limits(maxBodyBytes: 10)
        let ok = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789"
        #expect(consistentEvents(ok, limits: limits).first?.hasSuffix("body=0123456789") == true)
        // Content-Length is refused before any body byte is read.
        #expect(
            events([Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n".utf8)], limits: limits)
                == ["failure 413"]
        )
        // A chunked body is refused as soon as the running total of chunk sizes exceeds the limit.
        let chunked = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\n"
        #expect(consistentEvents(chunked, limits: limits) == ["failure 413"])
        let chunkedOK =
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n4\r\nghij\r\n0\r\n\r\n"
        #expect(consistentEvents(chunkedOK, limits: limits).first?.hasSuffix("body=abcdefghij") == true)
    }

    @Test func expectWithOversizedBodyIs413NotContinue() {
        let input = "PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 41943041\r\n\r\n"
        #expect(events([Array(input.utf8)]) == ["failure 413"])
    }

    @Test func trailerSectionIsBounded() {
        let limits = HTTP1Limits(maxHeaderBytes: 256)
        let input =
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: "
            + String(repeating: "t", count: 300)
        #expect(events([Array(input.utf8)], limits: limits) == ["failure 431"])
    }

    @Test func endlessChunkSizeLineIs400() {
        let input =
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;" + String(repeating: "e", count: 5000)
        #expect(events([Array(input.utf8)]) == ["failure 400"])
    }

    @Test func mutatedRequestsNeverTrapAndDoNotDependOnSplitting() {
        // Deterministic pseudo-random byte mutations of the valid cases: whatever the verdict, it must be the
        // same fed whole, byte by byte, or cut in two.
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let alphabet = Array(" \t\r\n:;,0aZ/\u{0}\u{7F}".utf8) + [0xC3, 0xFF]
        for (input, _) in HTTP1ParserTests.validCases {
            for _ in 0..<150 {
                var bytes = Array(input.utf8)
                for _ in 0..<(1 + random(3)) {
                    let at = random(bytes.count)
                    switch random(3) {
                    case 0: bytes[at] = alphabet[random(alphabet.count)]
                    case 1: bytes.insert(alphabet[random(alphabet.count)], at: at)
                    default: bytes.remove(at: at)
                    }
                }
                let whole = events([bytes], includeContinue: false)
                let cut = random(bytes.count)
                #expect(events(bytes.map { [$0] }, includeContinue: false) == whole)
                #expect(events([Array(bytes[..<cut]), Array(bytes[cut...])], includeContinue: false) == whole)
            }
        }
    }
}
