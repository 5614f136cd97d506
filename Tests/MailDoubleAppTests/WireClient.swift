// SPDX-License-Identifier: Apache-2.0
import COpenSSL
import Glibc
import HTTPCore

/// A blocking client on the plain port that writes raw bytes: malformed HTTP/1.1, or HTTP/2 with prior
/// knowledge framed by hand (HPACK literals without Huffman), for requests no well-behaved client sends.
/// Reads time out after 10 s, so a server bug fails the test instead of hanging it.
final class WireClient {
    enum Failure: Error { case connect, io, malformed }

    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        guard let fd = TestSocket.connect(port: port) else { throw Failure.connect }
        self.fd = fd
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) { TestSocket.send(fd, bytes) }

    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 65536, 0) }
        if n > 0 {
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
        if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw Failure.io }
        return false
    }

    /// Reads until the server closes and parses the one HTTP/1.1 response it sent.
    func readHTTP1UntilClosed() throws -> (status: Int, headers: HTTPHeaders, body: [UInt8]) {
        while try fill() {}
        guard
            let end = (0..<max(0, buffer.count - 3)).first(where: {
                buffer[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10])
            })
        else { throw Failure.malformed }
        var lines = String(decoding: buffer[0..<end], as: UTF8.self).split(separator: "\r\n").map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure.malformed }
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(
                name: String(line[..<colon]),
                value: String(line[line.index(after: colon)...].drop { $0 == " " })
            )
        }
        return (status, headers, Array(buffer[(end + 4)...]))
    }

    // MARK: HTTP/2

    /// Sends one request on stream 1 (the header block split into HEADERS + CONTINUATION frames of at most
    /// 16 KiB; no END_STREAM, so a declared body is still "coming") and returns the response's `:status` and body.
    func h2Exchange(_ fields: [(String, String)]) throws -> (status: Int, body: [UInt8]) {
        var block: [UInt8] = []
        for (name, value) in fields {
            block.append(0x00)  // literal header field without indexing, new name (RFC 7541 §6.2.2)
            Self.appendInteger(name.utf8.count, prefixBits: 7, into: &block)
            block += Array(name.utf8)
            Self.appendInteger(value.utf8.count, prefixBits: 7, into: &block)
            block += Array(value.utf8)
        }
        var out = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        out += Self.frame(type: 0x4, flags: 0, stream: 0, [])  // SETTINGS
        var chunks = stride(from: 0, to: block.count, by: 16384).map { Array(block[$0..<min($0 + 16384, block.count)]) }
        if chunks.isEmpty { chunks = [[]] }
        for (i, chunk) in chunks.enumerated() {
            let last = i == chunks.count - 1
            out += Self.frame(type: i == 0 ? 0x1 : 0x9, flags: last ? 0x4 : 0, stream: 1, chunk)
        }
        send(out)
        var status = 0
        var body: [UInt8] = []
        while true {
            let (type, flags, stream, payload) = try readFrame()
            if type == 0x4 && flags & 0x1 == 0 { send(Self.frame(type: 0x4, flags: 0x1, stream: 0, [])) }
            guard stream == 1 else {
                if type == 0x7 { throw Failure.malformed }  // GOAWAY before an answer
                continue
            }
            if type == 0x1 { status = try Self.decodeStatus(payload) }
            if type == 0x0 { body += payload }
            if type == 0x3 { throw Failure.malformed }  // RST_STREAM before END_STREAM
            if (type == 0x0 || type == 0x1) && flags & 0x1 != 0 { return (status, body) }
        }
    }

    private func readFrame() throws -> (type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) {
        while buffer.count < 9 { guard try fill() else { throw Failure.io } }
        let length = Int(buffer[0]) << 16 | Int(buffer[1]) << 8 | Int(buffer[2])
        while buffer.count < 9 + length { guard try fill() else { throw Failure.io } }
        let stream =
            UInt32(buffer[5] & 0x7F) << 24 | UInt32(buffer[6]) << 16 | UInt32(buffer[7]) << 8 | UInt32(buffer[8])
        let frame = (buffer[3], buffer[4], stream, Array(buffer[9..<(9 + length)]))
        buffer.removeFirst(9 + length)
        return frame
    }

    private static func frame(type: UInt8, flags: UInt8, stream: UInt32, _ payload: [UInt8]) -> [UInt8] {
        let n = payload.count
        return [
            UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF), type, flags,
            UInt8(stream >> 24 & 0x7F), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF),
        ]
            + payload
    }

    /// RFC 7541 §5.1 prefix integer.
    private static func appendInteger(_ value: Int, prefixBits: Int, into out: inout [UInt8]) {
        let limit = (1 << prefixBits) - 1
        if value < limit {
            out.append(UInt8(value))
            return
        }
        out.append(UInt8(limit))
        var rest = value - limit
        while rest >= 128 {
            out.append(UInt8(rest & 0x7F | 0x80))
            rest >>= 7
        }
        out.append(UInt8(rest))
    }

    /// `:status` from the first field of a response header block: an indexed static entry (RFC 7541
    /// Appendix A, 8–14) or a literal with name index 8 whose value may be Huffman-coded digits.
    private static func decodeStatus(_ block: [UInt8]) throws -> Int {
        guard let first = block.first else { throw Failure.malformed }
        let statics = [8: 200, 9: 204, 10: 206, 11: 304, 12: 400, 13: 404, 14: 500]
        if first & 0x80 != 0, let status = statics[Int(first & 0x7F)] { return status }
        // Literal with incremental indexing (0x40 | 8), without indexing (0x08) or never indexed (0x18).
        guard first == 0x48 || first == 0x08 || first == 0x18, block.count >= 2 else { throw Failure.malformed }
        let huffman = block[1] & 0x80 != 0
        let length = Int(block[1] & 0x7F)
        guard block.count >= 2 + length else { throw Failure.malformed }
        let value = Array(block[2..<(2 + length)])
        if !huffman { return Int(String(decoding: value, as: UTF8.self)) ?? 0 }
        // Huffman codes of the digits (RFC 7541 Appendix B): 0–2 are 5 bits (0x0–0x2), 3–9 are 6 bits (0x19–0x1f).
        var bits = value.flatMap { byte in (0..<8).reversed().map { byte >> $0 & 1 } }
        var text = ""
        while bits.count >= 5 {
            let five = bits.prefix(5).reduce(0) { $0 << 1 | Int($1) }
            if five <= 2 {
                text.append(Character(String(five)))
                bits.removeFirst(5)
                continue
            }
            guard bits.count >= 6 else { break }
            let six = bits.prefix(6).reduce(0) { $0 << 1 | Int($1) }
            guard six >= 0x19 && six <= 0x1f else { break }  // the EOS padding (all ones) ends the string
            text.append(Character(String(six - 0x19 + 3)))
            bits.removeFirst(6)
        }
        return Int(text) ?? 0
    }
}
