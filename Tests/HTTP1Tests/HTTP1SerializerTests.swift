// SPDX-License-Identifier: Apache-2.0
import HTTP1
import HTTPCore
import Testing

@Suite struct HTTP1SerializerTests {
    static let date = "Sun, 06 Nov 1994 08:49:37 GMT"

    func written(
        _ response: Response,
        version: HTTPVersion = .http1_1,
        keepAlive: Bool = true,
        isHEAD: Bool = false
    ) -> String {
        var buffer: [UInt8] = []
        HTTP1Serializer.write(
            response,
            version: version,
            keepAlive: keepAlive,
            isHEAD: isHEAD,
            date: Self.date,
            into: &buffer
        )
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test func okWithBodyAndHeadersInOrder() {
        let response = Response(
            status: .ok,
            headers: ["Content-Type": "application/json", "X-Request-Id": "r1"],
            body: Array("{}".utf8)
        )
        #expect(
            written(response) == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: r1\r\n"
                + "Date: \(Self.date)\r\nContent-Length: 2\r\n\r\n{}"
        )
    }

    @Test func headHasTheBodyLengthButNoBody() {
        let response = Response(status: .ok, headers: ["Content-Type": "text/plain"], body: Array("hello".utf8))
        #expect(
            written(response, isHEAD: true) == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                + "Date: \(Self.date)\r\nContent-Length: 5\r\n\r\n"
        )
    }

    @Test func noContentHasNoLengthNorBody() {
        let response = Response(status: .noContent, headers: ["Content-Length": "3"], body: Array("abc".utf8))
        #expect(written(response) == "HTTP/1.1 204 No Content\r\nDate: \(Self.date)\r\n\r\n")
        #expect(written(Response(status: .notModified)) == "HTTP/1.1 304 Not Modified\r\nDate: \(Self.date)\r\n\r\n")
    }

    @Test func framingFieldsFromTheHandlerAreReplaced() {
        let response = Response(
            status: HTTPStatus(404),
            headers: ["connection": "keep-alive", "Transfer-Encoding": "chunked", "Content-Length": "99"],
            body: Array("nope".utf8)
        )
        #expect(
            written(response, keepAlive: false) == "HTTP/1.1 404 Not Found\r\nDate: \(Self.date)\r\n"
                + "Content-Length: 4\r\nConnection: close\r\n\r\nnope"
        )
    }

    @Test func handlerDateIsKept() {
        let response = Response(status: .created, headers: ["date": "Mon, 01 Jan 2024 00:00:00 GMT"])
        #expect(
            written(response)
                == "HTTP/1.1 201 Created\r\ndate: Mon, 01 Jan 2024 00:00:00 GMT\r\nContent-Length: 0\r\n\r\n"
        )
    }

    @Test func http10KeepAliveIsAnnounced() {
        #expect(
            written(Response(), version: .http1_0) == "HTTP/1.1 200 OK\r\nDate: \(Self.date)\r\n"
                + "Content-Length: 0\r\nConnection: keep-alive\r\n\r\n"
        )
        #expect(
            written(Response(), version: .http1_0, keepAlive: false) == "HTTP/1.1 200 OK\r\nDate: \(Self.date)\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n"
        )
    }

    @Test func controlBytesCannotSplitTheResponse() {
        let response = Response(status: HTTPStatus(400, "Bad\r\nX: y"), headers: ["X-Echo": "a\r\nSet-Cookie: evil"])
        #expect(
            written(response) == "HTTP/1.1 400 Bad  X: y\r\nX-Echo: a  Set-Cookie: evil\r\n"
                + "Date: \(Self.date)\r\nContent-Length: 0\r\n\r\n"
        )
    }

    @Test func largeLengthsAndAppendingToExistingOutput() {
        var buffer = Array("previous".utf8)
        let body = [UInt8](repeating: 0x61, count: 1_234_567)
        HTTP1Serializer.write(
            Response(body: body),
            version: .http1_1,
            keepAlive: true,
            isHEAD: false,
            date: Self.date,
            into: &buffer
        )
        let head = "previousHTTP/1.1 200 OK\r\nDate: \(Self.date)\r\nContent-Length: 1234567\r\n\r\n"
        #expect(buffer.count == head.utf8.count + body.count)
        #expect(String(decoding: buffer.prefix(head.utf8.count), as: UTF8.self) == head)
    }

    @Test func continueResponseBytes() {
        #expect(String(decoding: HTTP1Serializer.continueResponse, as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
    }

    @Test func serializedRequestOfTheParserRoundTrips() {
        // A response written for a HEAD parsed by HTTP1Parser: the two halves agree on keep-alive and version.
        var parser = HTTP1Parser()
        parser.append(Array("HEAD /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".utf8))
        guard case .request(let request, let keepAlive) = parser.next() else {
            Issue.record("no request")
            return
        }
        let out = written(
            Response.text("hi"),
            version: request.version,
            keepAlive: keepAlive,
            isHEAD: request.method == .HEAD
        )
        #expect(
            out == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nDate: \(Self.date)\r\n"
                + "Content-Length: 2\r\nConnection: keep-alive\r\n\r\n"
        )
    }
}
