// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@Suite struct MultipartFormDataTests {
    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// What `curl -F event=file -F content=@logo.png` sends (moved from Flowdock's parser tests).
    @Test func curlShapedBody() throws {
        let boundary = "------------------------d74496d66958873e"
        #expect(try MultipartFormData.boundary(ofContentType: "multipart/form-data; boundary=\(boundary)") == boundary)
        #expect(
            try MultipartFormData.boundary(ofContentType: "multipart/form-data; charset=utf-8; boundary=\"q r\"")
                == "q r"
        )
        let payload: [UInt8] = Self.bytes("line\r\n--not-the-boundary\r\n") + [0, 255]
        var body = Self.bytes("--\(boundary)\r\nContent-Disposition: form-data; name=\"event\"\r\n\r\nfile\r\n")
        body += Self.bytes(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"content\"; filename=\"logo.png\"\r\n"
        )
        body += Self.bytes("Content-Type: image/png\r\n\r\n") + payload + Self.bytes("\r\n--\(boundary)--\r\n")
        let parts = try MultipartFormData(body: body, boundary: boundary).parts
        #expect(parts.count == 2)
        #expect(parts[0] == .init(name: "event", body: Self.bytes("file")))
        #expect(parts[1] == .init(name: "content", filename: "logo.png", contentType: "image/png", body: payload))
    }

    /// Moved from Flowdock's parser tests: no opening or closing delimiter is an error; an empty form is not.
    @Test func malformedBodiesThrow() throws {
        #expect(throws: MultipartError.missingOpeningDelimiter) { try MultipartFormData(body: [], boundary: "b") }
        #expect(throws: MultipartError.missingClosingDelimiter) {
            try MultipartFormData(
                body: Self.bytes("--b\r\nContent-Disposition: form-data; name=x\r\n\r\nunterminated"),
                boundary: "b"
            )
        }
        #expect(throws: MultipartError.missingClosingDelimiter) {
            try MultipartFormData(body: Self.bytes("--b"), boundary: "b")
        }
        #expect(try MultipartFormData(body: Self.bytes("--b--\r\n"), boundary: "b").parts.isEmpty)
    }

    /// Issue 12: the part whose header block ends at the closing delimiter trapped Postflare's old parser.
    /// RFC 2046's `body-part := MIME-part-headers [CRLF *OCTET]` makes it a part with no content.
    @Test func headersEndingAtTheDelimiterAreAnEmptyPart() throws {
        let body = Self.bytes("--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n--B--\r\n")
        #expect(try MultipartFormData(body: body, boundary: "B").parts == [.init(name: "file", body: [])])
        // The last header's CRLF doubling as the delimiter's is tolerated the same way.
        let tight = Self.bytes("--B\r\nContent-Disposition: form-data; name=\"f\"\r\n--B--")
        #expect(try MultipartFormData(body: tight, boundary: "B").parts == [.init(name: "f", body: [])])
        // An empty line then an empty body is the canonical spelling.
        let canonical = Self.bytes("--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n\r\n--B--")
        #expect(try MultipartFormData(body: canonical, boundary: "B").parts == [.init(name: "f", body: [])])
    }

    @Test func preambleEpilogueAndTransportPadding() throws {
        let body = Self.bytes(
            "This is the preamble.\r\n--B \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
                + "--B\r\ncontent-disposition: FORM-DATA; NAME=\"b\"; filename=\"x;y.txt\"\r\n"
                + "Content-Type: text/plain;\r\n charset=utf-8\r\n\r\n2\r\n--B--  \r\nThis is the epilogue.\r\n--B\r\n"
        )
        let form = try MultipartFormData(body: body, boundary: "B")
        #expect(form.parts.map(\.name) == ["a", "b"])
        #expect(form.first(named: "a")?.text == "1")
        #expect(form.first(named: "b")?.filename == "x;y.txt")
        // obs-fold: the continuation line belongs to Content-Type.
        #expect(form.first(named: "b")?.contentType == "text/plain; charset=utf-8")
    }

    /// A boundary-like line inside content is content unless padding and CRLF (or `--`) follow it.
    @Test func nearMissesOfTheBoundaryAreContent() throws {
        let content = "x\r\n--Bextra\r\n--B-\r\n--BB\r\n-B\r\n"
        let body = Self.bytes("--B\r\nContent-Disposition: form-data; name=c\r\n\r\n\(content)\r\n--B--")
        #expect(try MultipartFormData(body: body, boundary: "B").first(named: "c")?.text == content)
    }

    @Test func partWithoutHeaders() throws {
        #expect(throws: MultipartError.missingName(index: 0)) {
            try MultipartFormData(body: Self.bytes("--B\r\n\r\nno headers\r\n--B--"), boundary: "B")
        }
        #expect(throws: MultipartError.missingName(index: 0)) {
            try MultipartFormData(body: Self.bytes("--B\r\n--B--"), boundary: "B")
        }
        #expect(throws: MultipartError.malformedPart(index: 1)) {
            try MultipartFormData(
                body: Self.bytes(
                    "--B\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n--B\r\nbroken\r\n\r\nx\r\n--B--"
                ),
                boundary: "B"
            )
        }
    }

    /// RFC 2046 needs CRLF; bare LF line ends do not delimit.
    @Test func bareLineFeedsDoNotDelimit() {
        #expect(throws: MultipartError.self) {
            try MultipartFormData(
                body: Self.bytes("--B\nContent-Disposition: form-data; name=a\n\nx\n--B--\n"),
                boundary: "B"
            )
        }
    }

    @Test(arguments: [
        ("multipart/form-data; boundary=abc", "abc"), ("Multipart/Form-Data;boundary=\"a b\"", "a b"),
        ("multipart/form-data; boundary=\"a;b\\\"c\"; charset=utf-8", "a;b\"c"),
        ("multipart/form-data ; BOUNDARY = z ", "z"),
        ("multipart/form-data; boundary=" + String(repeating: "x", count: 70), String(repeating: "x", count: 70)),
    ])
    func boundaryParameter(_ contentType: String, _ boundary: String) throws {
        #expect(try MultipartFormData.boundary(ofContentType: contentType) == boundary)
    }

    @Test(
        arguments: [
            (nil, MultipartError.notMultipart), ("application/json", .notMultipart),
            ("multipart/mixed; boundary=a", .notMultipart),
            ("multipart/form-data", .missingBoundary), ("multipart/form-data; charset=utf-8", .missingBoundary),
            ("multipart/form-data; boundary=", .invalidBoundary),
            ("multipart/form-data; boundary=\"\"", .invalidBoundary),
            ("multipart/form-data; boundary", .invalidBoundary),
            ("multipart/form-data; boundary=\"ends in space \"", .invalidBoundary),
            ("multipart/form-data; boundary=" + String(repeating: "x", count: 71), .invalidBoundary),
            ("multipart/form-data; boundary=a\u{7}b", .invalidBoundary),
            ("multipart/form-data; boundary=é", .invalidBoundary),
        ] as [(String?, MultipartError)]
    )
    func badContentTypes(_ contentType: String?, _ error: MultipartError) {
        #expect(throws: error) { try MultipartFormData.boundary(ofContentType: contentType) }
        #expect(throws: error) { try MultipartFormData(body: Self.bytes("--a--"), contentType: contentType) }
    }

    static let valid = bytes(
        "pre\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\n"
            + "Content-Type: text/csv\r\n\r\nemail\r\na@example.org\r\n\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"on_conflict\"\r\n\r\nskip\r\n--XyZ--\r\n"
    )

    /// Byte-split input: every prefix of a valid body either throws or, once the closing delimiter is in,
    /// parses to the whole result; no prefix traps.
    @Test func everyPrefixThrowsOrParsesWhole() throws {
        let whole = try MultipartFormData(body: Self.valid, boundary: "XyZ").parts
        #expect(whole.map(\.name) == ["file", "on_conflict"])
        #expect(whole[0].text == "email\r\na@example.org\r\n")
        let closed = Self.valid.count - 2  // through "--XyZ--"
        for n in 0...Self.valid.count {
            let prefix = Array(Self.valid[..<n])
            if n >= closed {
                #expect(try MultipartFormData(body: prefix, boundary: "XyZ").parts == whole, "prefix \(n)")
            } else {
                #expect(throws: MultipartError.self, "prefix \(n)") {
                    try MultipartFormData(body: prefix, boundary: "XyZ")
                }
            }
        }
    }

    /// Hostile edits of a valid body: every byte deleted, or replaced by each delimiter byte, parses or
    /// throws, and what parses has no part running past the body.
    @Test func everySingleByteEditParsesOrThrows() {
        var outcomes = 0
        for i in 0..<Self.valid.count {
            var deleted = Self.valid
            deleted.remove(at: i)
            var edits = [deleted]
            for b: UInt8 in [0x0D, 0x0A, 0x2D, 0x22, 0x3B, 0x00] {
                var replaced = Self.valid
                replaced[i] = b
                edits.append(replaced)
            }
            for body in edits {
                if let form = try? MultipartFormData(body: body, boundary: "XyZ") {
                    #expect(form.parts.allSatisfy { $0.body.count <= body.count })
                }
                outcomes += 1
            }
        }
        #expect(outcomes == Self.valid.count * 7)
    }

    /// Many tiny parts stop at the limit instead of allocating without end.
    @Test func partCountIsBounded() throws {
        let part = "--B\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n"
        let body = Self.bytes(String(repeating: part, count: 1_001) + "--B--")
        #expect(throws: MultipartError.tooManyParts(limit: 1_000)) { try MultipartFormData(body: body, boundary: "B") }
        #expect(try MultipartFormData(body: body, boundary: "B", maxParts: 2_000).parts.count == 1_001)
        #expect(throws: MultipartError.tooManyParts(limit: 3)) {
            try MultipartFormData(
                body: Self.bytes(String(repeating: part, count: 4) + "--B--"),
                boundary: "B",
                maxParts: 3
            )
        }
    }

    /// Near-matches everywhere (CR, LF, dashes and most of a 70-character boundary, 2 MB of them) cost one
    /// bounded comparison each: linear, not quadratic.
    @Test func adversarialNearMatchesStayLinear() throws {
        let boundary = String(repeating: "q", count: 70)
        let nearMiss = "\r\n--" + String(repeating: "q", count: 69) + "x"
        var body = Self.bytes("--\(boundary)\r\nContent-Disposition: form-data; name=a\r\n\r\n")
        body += Self.bytes(String(repeating: nearMiss, count: 2_000_000 / nearMiss.utf8.count))
        body += Self.bytes("\r\n--\(boundary)--")
        let started = ContinuousClock.now
        let form = try MultipartFormData(body: body, boundary: boundary)
        #expect(form.parts.count == 1)
        #expect(ContinuousClock.now - started < .seconds(5))
        // No closing delimiter at all: the same scan, then an error.
        #expect(throws: MultipartError.missingClosingDelimiter) {
            try MultipartFormData(body: Array(body.dropLast(5)), boundary: boundary)
        }
    }
}
