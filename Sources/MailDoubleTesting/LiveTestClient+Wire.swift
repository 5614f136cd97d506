// SPDX-License-Identifier: Apache-2.0
import HTTPCore

extension LiveTestClient {
    /// `METHOD path HTTP/1.1` and the fields (RFC 9112 §3). `Host` is added when missing (§3.2 makes it
    /// mandatory); `Content-Length` is always ours (§6.2), so a caller's copy cannot contradict the body.
    static func requestHead(method: HTTPMethod, path: String, headers: HTTPHeaders, bodyCount: Int) throws -> [UInt8] {
        guard !path.isEmpty, path.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw TestClientError("request-target '\(path)' cannot be sent as it is: percent-encode it")
        }
        var text = "\(method.rawValue) \(path) HTTP/1.1\r\n"
        if !headers.contains("Host") { text += "Host: localhost\r\n" }
        for field in headers where !HTTPHeaders.equalNames(field.name, "Content-Length") {
            guard field.value.utf8.allSatisfy({ $0 != 0x0D && $0 != 0x0A }) else {
                throw TestClientError("header field '\(field.name)' holds CR or LF")
            }
            text += "\(field.name): \(field.value)\r\n"
        }
        // Zero is sent too: a POST without a length would be refused with 411 (§6.3).
        if bodyCount > 0 || !(method == .GET || method == .HEAD || method == .OPTIONS) {
            text += "Content-Length: \(bodyCount)\r\n"
        }
        return Array((text + "\r\n").utf8)
    }

    /// A parsed response head: status, fields, and where the body starts in the buffer.
    struct ResponseHead {
        var status: HTTPStatus
        var headers: HTTPHeaders
        var bodyStart: Int
    }

    /// Parses a complete head at the start of `bytes`, or returns nil while `CRLF CRLF` has not arrived.
    static func parseHead(_ bytes: [UInt8]) throws -> ResponseHead? {
        guard let end = headEnd(bytes) else { return nil }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).split(
            separator: "\r\n",
            omittingEmptySubsequences: false
        )
        // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4)
        let statusLine = lines[0].split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let code = Int(statusLine[1]) else {
            throw TestClientError("not an HTTP/1.x status line: '\(lines[0])'")
        }
        let reason = statusLine.count > 2 ? String(statusLine[2]) : nil
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw TestClientError("bad header line '\(line)'") }
            headers.add(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingSpaces())
        }
        return ResponseHead(status: HTTPStatus(code, reason), headers: headers, bodyStart: end + 4)
    }

    /// The body length the head announces (RFC 9112 §6.3), nil when it is delimited by the connection closing.
    static func bodyLength(_ head: ResponseHead, isHead: Bool) throws -> Int? {
        let code = head.status.code
        if isHead || (100..<200).contains(code) || code == 204 || code == 304 { return 0 }
        if let coding = head.headers["Transfer-Encoding"] {
            throw TestClientError("Transfer-Encoding '\(coding)' in a response is not supported by the test client")
        }
        guard let value = head.headers["Content-Length"] else { return nil }
        guard let length = Int(value), length >= 0 else { throw TestClientError("bad Content-Length '\(value)'") }
        return length
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4)
        where bytes[i] == 0x0D && bytes[i + 1] == 0x0A && bytes[i + 2] == 0x0D && bytes[i + 3] == 0x0A {
            return i
        }
        return nil
    }
}
