// SPDX-License-Identifier: Apache-2.0
import HTTPCore

extension OutboundHTTP {
    /// What the response head says about the rest.
    struct ResponseHead: Equatable {
        var status: Int
        /// Body framing (RFC 9112 §6.3): nil length and not chunked means "until the connection closes".
        var contentLength: Int?
        var chunked: Bool
        /// Bytes of the head, CRLFCRLF included.
        var size: Int
    }

    /// Reads the final response's status, then drains the answer; errors after the status do not matter.
    static func readStatus(_ connection: OutboundConnection) -> Result<Int, OutboundError> {
        var buffer: [UInt8] = []
        var head: ResponseHead
        while true {
            switch parseHead(buffer) {
            case .failure(let error):
                return .failure(error)
            case .success(nil):
                guard buffer.count <= maxHeadBytes else {
                    return .failure(OutboundError(.badResponse, "response head larger than \(maxHeadBytes) bytes"))
                }
                switch connection.read(into: &buffer) {
                case .failure(let error): return .failure(error)
                case .success(0):
                    return .failure(
                        OutboundError(.badResponse, "the server closed the connection before a complete response head")
                    )
                case .success: continue
                }
            case .success(let parsed?):
                head = parsed
                buffer.removeFirst(parsed.size)
                // RFC 9110 §15.2: interim 1xx answers precede the final one (101 would switch protocols,
                // which we never ask for, so it counts as final).
                if (100...199).contains(parsed.status), parsed.status != 101 { continue }
            }
            break
        }
        drain(connection, head: head, already: buffer)
        return .success(head.status)
    }

    /// Reads and drops the body so that the server's write completes before we close (closing with unread
    /// data makes the kernel send RST, which can cut the server's own write short). Bounded by the cap and
    /// the deadline; a chunked body is read until its last chunk is seen rather than parsed.
    static func drain(_ connection: OutboundConnection, head: ResponseHead, already: [UInt8]) {
        // RFC 9110 §6.4.1: 204 and 304 have no body.
        if head.status == 204 || head.status == 304 || head.status == 101 { return }
        let terminator: [UInt8] = Array("0\r\n\r\n".utf8)
        var total = already.count
        // Only the last bytes matter for spotting the end of a chunked body.
        var tail = Array(already.suffix(terminator.count))
        var chunk: [UInt8] = []
        while total < maxDrainBytes {
            if let length = head.contentLength, total >= length { return }
            if head.chunked, tail == terminator { return }
            chunk.removeAll(keepingCapacity: true)
            guard case .success(let n) = connection.read(into: &chunk), n > 0 else { return }
            total += n
            tail = Array((tail + chunk.suffix(terminator.count)).suffix(terminator.count))
        }
    }

    /// Parses a complete response head at the start of `bytes`, or returns nil until CRLFCRLF has arrived.
    /// Status line per RFC 9112 §4: `HTTP/1.x SP 3DIGIT SP [reason]`.
    static func parseHead(_ bytes: [UInt8]) -> Result<ResponseHead?, OutboundError> {
        guard let end = headEnd(bytes) else {
            // Reject a non-HTTP peer as soon as its first bytes show it, not after a 64 KiB wait.
            let prefix = Array("HTTP/1.".utf8)
            if !bytes.isEmpty, !zip(bytes, prefix).allSatisfy({ $0 == $1 }) {
                return .failure(OutboundError(.badResponse, "the answer is not an HTTP/1.x response"))
            }
            return .success(nil)
        }
        let text = String(decoding: bytes[0..<end], as: UTF8.self)
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).map { $0.split(separator: "\n") }
            .flatMap { $0 }
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1."), statusLine.utf8.count >= 12 else {
            return .failure(OutboundError(.badResponse, "malformed status line"))
        }
        let code = statusLine.utf8.dropFirst(9).prefix(3)
        guard statusLine.utf8.dropFirst(8).first == UInt8(ascii: " "), code.count == 3,
            code.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let status = Int(String(decoding: code, as: UTF8.self)),
            status >= 100
        else {
            return .failure(OutboundError(.badResponse, "malformed status line '\(statusLine.prefix(60))'"))
        }
        var head = ResponseHead(status: status, contentLength: nil, chunked: false, size: end + 4)
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            if name == "content-length" { head.contentLength = Int(value) }
            if name == "transfer-encoding", value.lowercased().hasSuffix("chunked") { head.chunked = true }
        }
        // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length.
        if head.chunked { head.contentLength = nil }
        return .success(head)
    }

    /// Index of the CRLFCRLF that ends the head.
    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4)
        where bytes[i] == 0x0D && bytes[i + 1] == 0x0A && bytes[i + 2] == 0x0D && bytes[i + 3] == 0x0A {
            return i
        }
        return nil
    }
}
