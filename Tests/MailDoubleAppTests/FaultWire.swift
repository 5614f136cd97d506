// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTPCore

/// A blocking plain-port client for fault tests: it reports how the server ended the connection (EOF, reset)
/// and reads HTTP/1.1 answers or HTTP/2 frames one by one. Reads time out after 10 s.
final class FaultWire {
    enum End: Error, Equatable {
        case eof
        case reset
        case timeout
    }

    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
        var json: JSON { (try? JSON.parse(body)) ?? .null }
    }

    struct Frame {
        var type: UInt8
        var flags: UInt8
        var stream: UInt32
        var payload: [UInt8]
        /// The error code of RST_STREAM (payload 0–3) or GOAWAY (payload 4–7).
        var errorCode: UInt32? {
            let at = type == 0x3 ? 0 : type == 0x7 ? 4 : -1
            guard at >= 0, payload.count >= at + 4 else { return nil }
            return payload[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) }
        }
    }

    let fd: Int32
    private var buffer: [UInt8] = []
    /// How the connection ended, once it has.
    private(set) var end: End?

    init(host: String = "127.0.0.1", port: Int) throws {
        guard let fd = TestSocket.connect(host: host, port: port) else { throw End.reset }
        self.fd = fd
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) { TestSocket.send(fd, bytes) }

    func send(_ text: String) { send(Array(text.utf8)) }

    /// One read into the buffer; false once the connection ended (see `end`).
    @discardableResult
    private func fill() -> Bool {
        if end != nil { return false }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 65536, 0) }
        if n > 0 {
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
        if n == 0 {
            end = .eof
        } else {
            end = errno == ECONNRESET ? .reset : .timeout
        }
        return false
    }

    /// Reads until the server ends the connection; returns the bytes still unread and how it ended.
    func readToEnd() -> (bytes: [UInt8], end: End) {
        while fill() {}
        defer { buffer = [] }
        return (buffer, end ?? .timeout)
    }

    /// Reads to the end and tells whether the server reset the connection. A reset that arrives before the read
    /// can surface as EOF; a connection in CLOSED state (reset) then also refuses a send, while one the server
    /// only closed (FIN, CLOSE_WAIT here) still takes it.
    func readToEndWasReset() -> (bytes: [UInt8], reset: Bool) {
        let (bytes, end) = readToEnd()
        if end == .reset { return (bytes, true) }
        let probe: [UInt8] = [0]
        let sent = probe.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, 1, Int32(MSG_NOSIGNAL)) }
        return (bytes, end == .eof && sent < 0)
    }

    // MARK: HTTP/1.1

    static func request(_ method: String, _ target: String, headers: [String] = [], body: String = "") -> String {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
        for h in headers { text += h + "\r\n" }
        if !body.isEmpty || method == "POST" { text += "Content-Length: \(body.utf8.count)\r\n" }
        return text + "\r\n" + body
    }

    /// Reads one answer framed by `Content-Length`; nil when the connection ends before a whole one.
    func readAnswer() -> Answer? {
        var headEnd: Int?
        while headEnd == nil {
            headEnd = (0..<max(0, buffer.count - 3)).first { buffer[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10]) }
            if headEnd == nil && !fill() { return nil }
        }
        let end = headEnd!
        var lines = String(decoding: buffer[0..<end], as: UTF8.self).split(separator: "\r\n").map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ")
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(
                name: String(line[..<colon]),
                value: String(line[line.index(after: colon)...].drop { $0 == " " })
            )
        }
        let length = Int(headers["Content-Length"] ?? "0") ?? 0
        while buffer.count < end + 4 + length { if !fill() { return nil } }
        let body = Array(buffer[(end + 4)..<(end + 4 + length)])
        buffer.removeFirst(end + 4 + length)
        return Answer(status: statusLine.count > 1 ? Int(statusLine[1]) ?? 0 : 0, headers: headers, body: body)
    }

    // MARK: HTTP/2 with prior knowledge

    /// The client preface and an empty SETTINGS frame.
    func startHTTP2() {
        send(Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + Self.frame(type: 0x4, flags: 0, stream: 0, []))
    }

    /// A request on `stream`: HEADERS (literal fields, no Huffman) and, if there is a body, one DATA frame.
    func sendHTTP2(
        stream: UInt32,
        _ method: String,
        _ path: String,
        headers: [(String, String)] = [],
        body: String = ""
    ) {
        var block: [UInt8] = []
        let fields = [(":method", method), (":scheme", "http"), (":path", path), (":authority", "localhost")] + headers
        for (name, value) in fields {
            block.append(0x00)  // literal header field without indexing, new name (RFC 7541 §6.2.2)
            block.append(UInt8(name.utf8.count))
            block += Array(name.utf8)
            block.append(UInt8(value.utf8.count))
            block += Array(value.utf8)
        }
        let bytes = Array(body.utf8)
        var out = Self.frame(type: 0x1, flags: bytes.isEmpty ? 0x5 : 0x4, stream: stream, block)
        if !bytes.isEmpty { out += Self.frame(type: 0x0, flags: 0x1, stream: stream, bytes) }
        send(out)
    }

    /// The next frame (acknowledging the server's SETTINGS on the way), or nil once the connection ended.
    func readFrame() -> Frame? {
        while true {
            while buffer.count < 9 { if !fill() { return nil } }
            let length = Int(buffer[0]) << 16 | Int(buffer[1]) << 8 | Int(buffer[2])
            while buffer.count < 9 + length { if !fill() { return nil } }
            let stream =
                UInt32(buffer[5] & 0x7F) << 24 | UInt32(buffer[6]) << 16 | UInt32(buffer[7]) << 8 | UInt32(buffer[8])
            let frame = Frame(
                type: buffer[3],
                flags: buffer[4],
                stream: stream,
                payload: Array(buffer[9..<(9 + length)])
            )
            buffer.removeFirst(9 + length)
            if frame.type == 0x4 && frame.flags & 0x1 == 0 { send(Self.frame(type: 0x4, flags: 0x1, stream: 0, [])) }
            if frame.type == 0x4 || frame.type == 0x8 { continue }  // SETTINGS, WINDOW_UPDATE
            return frame
        }
    }

    /// Frames of `stream` until it ends (END_STREAM or RST_STREAM), a GOAWAY arrives, or the connection ends.
    func readHTTP2Stream(_ stream: UInt32) -> [Frame] {
        var frames: [Frame] = []
        while let frame = readFrame() {
            if frame.type == 0x7 {
                frames.append(frame)
                return frames
            }
            guard frame.stream == stream else { continue }
            frames.append(frame)
            if frame.type == 0x3 || (frame.type <= 0x1 && frame.flags & 0x1 != 0) { return frames }
        }
        return frames
    }

    static func frame(type: UInt8, flags: UInt8, stream: UInt32, _ payload: [UInt8]) -> [UInt8] {
        let n = payload.count
        return [
            UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF), type, flags,
            UInt8(stream >> 24 & 0x7F), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF),
        ] + payload
    }
}

/// Seconds on the monotonic clock, for "took at least" checks (never for waiting).
func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
