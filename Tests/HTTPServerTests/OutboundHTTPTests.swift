// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTPCore
import TLS
import Testing

@testable import HTTPServer

/// `OutboundHTTP.post` against real sockets on port 0: a recording listener for the wire format, the
/// emulator's own HTTPS server with a test CA for TLS. No sleeps; every wait is bounded.
@Suite struct OutboundHTTPTests {
    static let ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

    @Test func postsHeadersAndBodyAndReturnsTheStatus() throws {
        let listener = try RecordingListener(answers: [Self.ok])
        var headers: HTTPHeaders = ["content-type": "application/json", "svix-id": "msg_1"]
        headers.add(name: "Content-Length", value: "999")  // ours wins: a caller cannot break the framing
        let body = Array(#"{"type":"email.sent"}"#.utf8)
        let result = OutboundHTTP.post(
            url: "http://127.0.0.1:\(listener.port)/hooks/a?x=1#frag",
            headers: headers,
            body: body,
            timeoutSeconds: 10
        )
        #expect(result == .success(200))
        #expect(listener.waitForRequests(1))
        let request = RecordedRequest(listener.requests.withLock { $0[0] })
        #expect(request.requestLine == "POST /hooks/a?x=1 HTTP/1.1")
        #expect(request.headers["Host"] == "127.0.0.1:\(listener.port)")
        #expect(request.headers.values(for: "Content-Length") == [String(body.count)])
        #expect(request.headers["Connection"] == "close")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["svix-id"] == "msg_1")
        #expect(request.headers["User-Agent"] == "MailDouble")
        #expect(request.body == body)
    }

    @Test func returnsErrorStatusesAndSkipsInterimAnswers() throws {
        let listener = try RecordingListener(answers: [
            "HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n5\r\noops!\r\n0\r\n\r\n",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
            "HTTP/1.0 404 Not Found\r\n\r\nno framing: ends when the server closes",
        ])
        let url = "http://localhost:\(listener.port)/"
        #expect(OutboundHTTP.post(url: url, headers: [:], body: [], timeoutSeconds: 10) == .success(500))
        #expect(OutboundHTTP.post(url: url, headers: [:], body: [], timeoutSeconds: 10) == .success(204))
        #expect(OutboundHTTP.post(url: url, headers: [:], body: [], timeoutSeconds: 10) == .success(404))
        #expect(RecordedRequest(listener.requests.withLock { $0[0] }).headers["Host"] == "localhost:\(listener.port)")
    }

    @Test func ipv6LiteralsKeepTheirBracketsInHost() throws {
        guard let listener = try? RecordingListener(host: "::1", answers: [Self.ok]) else { return }  // no IPv6 here
        let result = OutboundHTTP.post(
            url: "http://[::1]:\(listener.port)",
            headers: [:],
            body: [1],
            timeoutSeconds: 10
        )
        #expect(result == .success(200))
        let request = RecordedRequest(listener.requests.withLock { $0[0] })
        #expect(request.requestLine == "POST / HTTP/1.1")
        #expect(request.headers["Host"] == "[::1]:\(listener.port)")
    }

    @Test func unreachablePortIsAConnectError() throws {
        // A bound socket that does not listen: connecting to its port is refused, and no one else can take it.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &a.sin_addr)
        _ = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: bound.sin_port))
        let result = OutboundHTTP.post(url: "http://127.0.0.1:\(port)/x", headers: [:], body: [], timeoutSeconds: 5)
        guard case .failure(let error) = result else {
            Issue.record("expected an error, got \(result)")
            return
        }
        #expect(error.kind == .connect)
        #expect(error.description.contains("refused"))
    }

    @Test func silentServerTimesOut() throws {
        let listener = try RecordingListener(answers: [nil])
        let result = OutboundHTTP.post(
            url: "http://127.0.0.1:\(listener.port)/",
            headers: [:],
            body: [],
            timeoutSeconds: 0.3
        )
        #expect(result == .failure(OutboundError(.timeout, "timed out waiting for response")))
    }

    @Test func nonHTTPAnswerIsABadResponse() throws {
        let listener = try RecordingListener(answers: ["SSH-2.0-OpenSSH_9.2\r\n"])
        let result = OutboundHTTP.post(
            url: "http://127.0.0.1:\(listener.port)/",
            headers: [:],
            body: [],
            timeoutSeconds: 10
        )
        guard case .failure(let error) = result else {
            Issue.record("expected an error, got \(result)")
            return
        }
        #expect(error.kind == .badResponse)
    }

    @Test(arguments: [
        "ftp://example.org/", "http://", "http:///path", "http://a b/", "http://host:0/", "http://host:99999/",
        "http://host:8x/", "http://user:pw@host/", "http://host/\r\nX-Injected: 1", "http://[::1/", "http://héllo/",
        "example.org/hook", "",
    ])
    func badURLsAreErrorsNotCrashes(url: String) {
        let result = OutboundHTTP.post(url: url, headers: [:], body: [], timeoutSeconds: 1)
        guard case .failure(let error) = result else {
            Issue.record("expected an error for \(url)")
            return
        }
        #expect(error.kind == .invalidURL)
        #expect(!error.description.contains("\r"))
    }

    @Test func headerFieldsThatWouldBreakTheHeadAreRefused() {
        for headers: HTTPHeaders in [["X-A": "1\r\nX-B: 2"], ["Bad Name": "1"], ["": "1"]] {
            let result = OutboundHTTP.post(url: "http://127.0.0.1:1/", headers: headers, body: [], timeoutSeconds: 1)
            guard case .failure(let error) = result else {
                Issue.record("expected an error")
                return
            }
            #expect(error.kind == .invalidRequest)
        }
    }

    @Test func urlParsingDefaultsAndEncoding() throws {
        let a = try OutboundURL.parse("HTTPS://Example.org?q=1").get()
        #expect(a == OutboundURL(isTLS: true, host: "Example.org", port: 443, target: "/?q=1"))
        #expect(a.hostField == "Example.org")
        let b = try OutboundURL.parse("http://[fe80::1]:8080/é").get()
        #expect(b == OutboundURL(isTLS: false, host: "fe80::1", port: 8080, target: "/%C3%A9"))
        #expect(b.hostField == "[fe80::1]:8080")
        #expect(try OutboundURL.parse("http://h:80/").get().hostField == "h")
    }
}
