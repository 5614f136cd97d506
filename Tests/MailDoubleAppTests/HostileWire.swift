// SPDX-License-Identifier: Apache-2.0
import COpenSSL
import Glibc

/// The three ways the hostile suite reaches the server.
enum HostileTransport: String, CaseIterable, CustomStringConvertible {
    case plainHTTP1 = "http/1.1"
    case tlsHTTP1 = "http/1.1+tls"
    case tlsHTTP2 = "h2+tls"
    var description: String { rawValue }
}

/// What came back for one hostile request.
enum HostileOutcome {
    /// A final response (interim 1xx answers skipped).
    case response(status: Int, headers: [(name: String, value: String)], body: [UInt8])
    /// HTTP/2 only: the stream was reset (RST_STREAM) before a response.
    case reset(code: UInt32)
    /// HTTP/2 only: the connection was ended with GOAWAY before a response on the stream.
    case goaway(code: UInt32)
    /// The server closed the connection without any answer.
    case closed

    var status: Int? {
        if case .response(let status, _, _) = self { return status }
        return nil
    }

    var summary: String {
        switch self {
        case .response(let status, _, let body):
            "\(status) \(String(decoding: body.prefix(160), as: UTF8.self))"
        case .reset(let code): "RST_STREAM \(code)"
        case .goaway(let code): "GOAWAY \(code)"
        case .closed: "closed without an answer"
        }
    }
}

/// One blocking connection to 127.0.0.1, plain or TLS (OpenSSL on the socket, ALPN offered), that writes raw
/// bytes and reads one answer. Reads give up after `timeoutSeconds` (SO_RCVTIMEO), so a hang fails the case
/// instead of the run; nothing here sleeps.
final class HostileConnection {
    enum Failure: Error, CustomStringConvertible {
        case connect(Int32)
        case handshake(String)
        case timeout
        case malformed(String)
        var description: String {
            switch self {
            case .connect(let errno): "connect failed: errno \(errno)"
            case .handshake(let why): "TLS handshake failed: \(why)"
            case .timeout: "timed out waiting for the server"
            case .malformed(let why): "malformed answer: \(why)"
            }
        }
    }

    private let fd: Int32
    private var ctx: OpaquePointer?
    private var ssl: OpaquePointer?
    private var buffer: [UInt8] = []
    private var eof = false

    init(port: Int, tls: (caFile: String, alpn: String)?, timeoutSeconds: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        a.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let rc = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let e = errno
            close(fd)
            throw Failure.connect(e)
        }
        guard let tls else { return }
        let ctx = SSL_CTX_new(TLS_client_method())!
        self.ctx = ctx
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        guard SSL_CTX_load_verify_locations(ctx, tls.caFile, nil) == 1 else {
            throw Failure.handshake("cannot load \(tls.caFile)")
        }
        let ssl = SSL_new(ctx)!
        self.ssl = ssl
        SSL_set1_host(ssl, "localhost")
        let wire = [UInt8(tls.alpn.utf8.count)] + Array(tls.alpn.utf8)
        SSL_set_alpn_protos(ssl, wire, UInt32(wire.count))
        SSL_set_fd(ssl, fd)
        guard SSL_connect(ssl) == 1 else {
            throw Failure.handshake("verify result \(SSL_get_verify_result(ssl))")
        }
        guard negotiatedProtocol == tls.alpn else {
            throw Failure.handshake("ALPN chose \(negotiatedProtocol ?? "nothing"), not \(tls.alpn)")
        }
    }

    deinit {
        if let ssl { SSL_free(ssl) }
        if let ctx { SSL_CTX_free(ctx) }
        close(fd)
    }

    var negotiatedProtocol: String? {
        guard let ssl else { return nil }
        var data: UnsafePointer<UInt8>?
        var len: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &len)
        guard let data, len > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(len)), as: UTF8.self)
    }

    /// Writes all of `bytes`; returns false when the server stopped reading (closed or reset), which a
    /// server may do after answering an early error, so callers go on to read the answer.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        Self.withoutSIGPIPE { sendAll(bytes) }
    }

    /// Runs `body` with SIGPIPE blocked on this thread, then discards one it raised: OpenSSL writes to the
    /// socket with write(2), so a server that hung up would otherwise kill the test process.
    static func withoutSIGPIPE<T>(_ body: () throws -> T) rethrows -> T {
        var pipe = sigset_t()
        sigemptyset(&pipe)
        sigaddset(&pipe, SIGPIPE)
        var old = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipe, &old)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var now = timespec()
                sigtimedwait(&pipe, nil, &now)
            }
            pthread_sigmask(SIG_SETMASK, &old, nil)
        }
        return try body()
    }

    private func sendAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n: Int = bytes.withUnsafeBytes { raw in
                let base = raw.baseAddress! + offset
                let count = min(raw.count - offset, 1 << 20)
                if let ssl { return Int(SSL_write(ssl, base, Int32(count))) }
                return Glibc.send(fd, base, count, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                offset += n
                continue
            }
            if ssl == nil && n < 0 && errno == EINTR { continue }
            return false
        }
        return true
    }

    /// Appends what arrives next to `buffer`; false at the end of the stream (or a reset).
    private func fill() throws -> Bool {
        try Self.withoutSIGPIPE { try receive() }
    }

    private func receive() throws -> Bool {
        if eof { return false }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n: Int = chunk.withUnsafeMutableBytes { raw in
                if let ssl { return Int(SSL_read(ssl, raw.baseAddress, Int32(raw.count))) }
                return recv(fd, raw.baseAddress, raw.count, 0)
            }
            if n > 0 {
                buffer.append(contentsOf: chunk[0..<n])
                return true
            }
            let e = errno
            if n < 0 && e == EINTR && ssl == nil { continue }
            if let ssl, n <= 0 {
                let error = SSL_get_error(ssl, Int32(n))
                if error == SSL_ERROR_SYSCALL && (e == EAGAIN || e == EWOULDBLOCK) { throw Failure.timeout }
                if error == SSL_ERROR_WANT_READ { throw Failure.timeout }
                eof = true
                return false
            }
            if n < 0 && (e == EAGAIN || e == EWOULDBLOCK) { throw Failure.timeout }
            eof = true
            return false
        }
    }

    // MARK: HTTP/1.1

    /// Reads one HTTP/1.1 response (Content-Length, chunked, or until close); `.closed` if none came.
    func readHTTP1(isHead: Bool = false) throws -> HostileOutcome {
        while true {
            guard let end = Self.find([13, 10, 13, 10], in: buffer) else {
                guard try fill() else {
                    if buffer.isEmpty { return .closed }
                    throw Failure.malformed("the stream ended inside a head: \(buffer.count) bytes")
                }
                continue
            }
            var lines = String(decoding: buffer[0..<end], as: UTF8.self).split(separator: "\r\n").map(String.init)
            let statusLine = lines.isEmpty ? [] : lines.removeFirst().split(separator: " ")
            guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else {
                throw Failure.malformed("status line of \(String(decoding: buffer.prefix(80), as: UTF8.self))")
            }
            var headers: [(name: String, value: String)] = []
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { throw Failure.malformed("header line \(line)") }
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " })))
            }
            buffer.removeFirst(end + 4)
            if (100..<200).contains(status) { continue }
            func header(_ name: String) -> String? {
                headers.first { $0.name.lowercased() == name.lowercased() }?.value
            }
            var body: [UInt8] = []
            if isHead || status == 204 || status == 304 {
            } else if header("Transfer-Encoding")?.lowercased() == "chunked" {
                body = try readChunked()
            } else if let text = header("Content-Length") {
                guard let length = Int(text) else { throw Failure.malformed("Content-Length \(text)") }
                while buffer.count < length {
                    guard try fill() else { throw Failure.malformed("the body ended early") }
                }
                body = Array(buffer[0..<length])
                buffer.removeFirst(length)
            } else {
                while try fill() {}
                body = buffer
                buffer = []
            }
            return .response(status: status, headers: headers, body: body)
        }
    }

    private func readChunked() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            var lineEnd = Self.find([13, 10], in: buffer)
            while lineEnd == nil {
                guard try fill() else { throw Failure.malformed("chunked body ended early") }
                lineEnd = Self.find([13, 10], in: buffer)
            }
            let sizeText = String(decoding: buffer[0..<lineEnd!], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText, radix: 16) else { throw Failure.malformed("chunk size \(sizeText)") }
            buffer.removeFirst(lineEnd! + 2)
            while buffer.count < size + 2 {
                guard try fill() else { throw Failure.malformed("chunk ended early") }
            }
            if size == 0 {
                // No trailers are expected from this server: the empty line ends the body.
                buffer.removeFirst(2)
                return body
            }
            body += buffer[0..<size]
            buffer.removeFirst(size + 2)
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    // MARK: HTTP/2

    struct Frame {
        var type: UInt8
        var flags: UInt8
        var stream: UInt32
        var payload: [UInt8]
    }

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    static func frame(type: UInt8, flags: UInt8 = 0, stream: UInt32, _ payload: [UInt8] = []) -> [UInt8] {
        frame(length: payload.count, type: type, flags: flags, stream: stream, payload)
    }

    /// A frame whose length field may lie about its payload.
    static func frame(length n: Int, type: UInt8, flags: UInt8, stream: UInt32, _ payload: [UInt8]) -> [UInt8] {
        [
            UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF), type, flags,
            UInt8(stream >> 24 & 0xFF), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF),
        ] + payload
    }

    /// An HPACK block of literals without indexing and without Huffman (RFC 7541 §6.2.2): any bytes pass.
    static func headerBlock(_ fields: [([UInt8], [UInt8])]) -> [UInt8] {
        var block: [UInt8] = []
        for (name, value) in fields {
            block.append(0x00)
            appendInteger(name.count, prefixBits: 7, into: &block)
            block += name
            appendInteger(value.count, prefixBits: 7, into: &block)
            block += value
        }
        return block
    }

    /// RFC 7541 §5.1 prefix integer.
    static func appendInteger(_ value: Int, prefixBits: Int, into out: inout [UInt8]) {
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

    /// HEADERS plus CONTINUATION frames of at most 16 KiB carrying `block` on `stream`.
    static func headersFrames(_ block: [UInt8], stream: UInt32, endStream: Bool) -> [UInt8] {
        var chunks = stride(from: 0, to: block.count, by: 16_384).map {
            Array(block[$0..<min($0 + 16_384, block.count)])
        }
        if chunks.isEmpty { chunks = [[]] }
        var out: [UInt8] = []
        for (i, chunk) in chunks.enumerated() {
            var flags: UInt8 = i == chunks.count - 1 ? 0x4 : 0
            if i == 0 && endStream { flags |= 0x1 }
            out += frame(type: i == 0 ? 0x1 : 0x9, flags: flags, stream: stream, chunk)
        }
        return out
    }

    private func readFrame() throws -> Frame? {
        while buffer.count < 9 { guard try fill() else { return nil } }
        let length = Int(buffer[0]) << 16 | Int(buffer[1]) << 8 | Int(buffer[2])
        while buffer.count < 9 + length { guard try fill() else { return nil } }
        let stream =
            UInt32(buffer[5] & 0x7F) << 24 | UInt32(buffer[6]) << 16 | UInt32(buffer[7]) << 8 | UInt32(buffer[8])
        let frame = Frame(type: buffer[3], flags: buffer[4], stream: stream, payload: Array(buffer[9..<(9 + length)]))
        buffer.removeFirst(9 + length)
        return frame
    }

    /// Starts an HTTP/2 connection: the preface and an empty SETTINGS (the server's SETTINGS is acknowledged
    /// when it is read).
    func startHTTP2() { send(Self.preface + Self.frame(type: 0x4, stream: 0)) }

    /// Sends a request on stream 1 — `fields` as given (pseudo-headers included), then `body` in DATA frames
    /// within the server's flow-control windows, then `extra` raw bytes — and reads until stream 1 ends.
    /// Without `fields`, only `extra` is sent (frames that open stream 1 themselves, or none).
    func h2Exchange(fields: [([UInt8], [UInt8])]?, body: [UInt8], extra: [UInt8] = []) throws -> HostileOutcome {
        if let fields {
            send(Self.headersFrames(Self.headerBlock(fields), stream: 1, endStream: body.isEmpty && extra.isEmpty))
        }
        var connectionWindow = 65_535
        var streamWindow = 65_535
        var maxFrame = 16_384
        var offset = 0
        var settingsSeen = false
        let inflater = HPACKInflater()
        var status: Int?
        var headers: [(name: String, value: String)] = []
        var responseBody: [UInt8] = []
        var pendingBlock: [UInt8]?
        var sentExtra = extra.isEmpty
        func pump() {
            // Body bytes go out only once the server's SETTINGS told the stream window.
            guard settingsSeen else { return }
            while offset < body.count && connectionWindow > 0 && streamWindow > 0 {
                let n = min(body.count - offset, connectionWindow, streamWindow, maxFrame)
                let last = offset + n == body.count && extra.isEmpty
                send(Self.frame(type: 0x0, flags: last ? 0x1 : 0, stream: 1, Array(body[offset..<(offset + n)])))
                offset += n
                connectionWindow -= n
                streamWindow -= n
            }
            if offset == body.count && !sentExtra {
                sentExtra = true
                send(extra)
            }
        }
        pump()
        while true {
            guard let frame = try readFrame() else {
                return status.map { .response(status: $0, headers: headers, body: responseBody) } ?? .closed
            }
            switch frame.type {
            case 0x4 where frame.flags & 0x1 == 0:
                send(Self.frame(type: 0x4, flags: 0x1, stream: 0))
                var p = frame.payload[...]
                while p.count >= 6 {
                    let id = Int(p[p.startIndex]) << 8 | Int(p[p.startIndex + 1])
                    let value = p.dropFirst(2).prefix(4).reduce(0) { $0 << 8 | Int($1) }
                    if id == 0x4 { streamWindow += value - 65_535 }
                    if id == 0x5 { maxFrame = value }
                    p = p.dropFirst(6)
                }
                settingsSeen = true
                pump()
            case 0x8:
                let increment = frame.payload.prefix(4).reduce(0) { $0 << 8 | Int($1) } & 0x7FFF_FFFF
                if frame.stream == 0 {
                    connectionWindow += increment
                } else if frame.stream == 1 {
                    streamWindow += increment
                }
                pump()
            case 0x6 where frame.flags & 0x1 == 0:
                send(Self.frame(type: 0x6, flags: 0x1, stream: 0, frame.payload))
            case 0x7:
                let code = frame.payload.dropFirst(4).prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                let last = frame.payload.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) } & 0x7FFF_FFFF
                // A graceful GOAWAY that still covers stream 1 lets its answer finish.
                if last < 1 || code != 0 { return .goaway(code: code) }
            case 0x3 where frame.stream == 1:
                return .reset(code: frame.payload.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            case 0x1 where frame.stream == 1, 0x9 where frame.stream == 1:
                var fragment = frame.payload
                if frame.type == 0x1 {
                    var start = 0
                    var padding = 0
                    if frame.flags & 0x8 != 0 {
                        padding = Int(fragment.first ?? 0)
                        start = 1
                    }
                    if frame.flags & 0x20 != 0 { start += 5 }
                    fragment = Array(fragment[min(start, fragment.count)..<max(start, fragment.count - padding)])
                }
                pendingBlock = (pendingBlock ?? []) + fragment
                if frame.flags & 0x4 != 0 {
                    let decoded = try inflater.inflate(pendingBlock!)
                    pendingBlock = nil
                    if let s = decoded.first(where: { $0.name == ":status" }).flatMap({ Int($0.value) }),
                        !(100..<200).contains(s)
                    {
                        status = s
                        headers = decoded.filter { !$0.name.hasPrefix(":") }
                    }
                }
                if frame.flags & 0x1 != 0, let status {
                    return .response(status: status, headers: headers, body: responseBody)
                }
            case 0x0 where frame.stream == 1:
                var data = frame.payload
                if frame.flags & 0x8 != 0, let pad = data.first {
                    data = Array(data.dropFirst().dropLast(min(Int(pad), data.count - 1)))
                }
                responseBody += data
                if !frame.payload.isEmpty {
                    let increment = UInt32(frame.payload.count)
                    let bytes = (0..<4).map { UInt8(increment >> (24 - 8 * $0) & 0xFF) }
                    send(Self.frame(type: 0x8, stream: 0, bytes) + Self.frame(type: 0x8, stream: 1, bytes))
                }
                if frame.flags & 0x1 != 0 {
                    guard let status else { throw Failure.malformed("DATA before HEADERS") }
                    return .response(status: status, headers: headers, body: responseBody)
                }
            default:
                continue
            }
        }
    }
}

/// nghttp2's HPACK decoder, for the server's (Huffman-coded, indexed) response header blocks. The library is in
/// the process already (the HTTP2 module links it); its functions are looked up with `dlsym`, as importing
/// CNghttp2 here would make its headers' Glibc types ambiguous in the other files of this target.
struct HPACKInflater: ~Copyable {
    private typealias New = @convention(c) (UnsafeMutablePointer<OpaquePointer?>) -> Int32
    private typealias Delete = @convention(c) (OpaquePointer) -> Void
    private typealias Inflate =
        @convention(c) (
            OpaquePointer, UnsafeMutableRawPointer, UnsafeMutablePointer<Int32>, UnsafePointer<UInt8>, Int, Int32
        ) -> Int
    private typealias EndHeaders = @convention(c) (OpaquePointer) -> Int32

    private static func symbol<T>(_ name: String, as type: T.Type) -> T {
        guard let pointer = dlsym(nil, name) else { fatalError("libnghttp2 is not loaded: no \(name)") }
        return unsafeBitCast(pointer, to: type)
    }
    private static let new = symbol("nghttp2_hd_inflate_new", as: New.self)
    private static let delete = symbol("nghttp2_hd_inflate_del", as: Delete.self)
    private static let inflateHD = symbol("nghttp2_hd_inflate_hd", as: Inflate.self)
    private static let endHeaders = symbol("nghttp2_hd_inflate_end_headers", as: EndHeaders.self)
    // nghttp2.h: NGHTTP2_HD_INFLATE_FINAL = 1, NGHTTP2_HD_INFLATE_EMIT = 2.
    private static let final: Int32 = 1
    private static let emit: Int32 = 2

    private let inflater: OpaquePointer

    init() {
        var pointer: OpaquePointer?
        _ = Self.new(&pointer)
        inflater = pointer!
    }

    deinit { Self.delete(inflater) }

    func inflate(_ block: [UInt8]) throws -> [(name: String, value: String)] {
        if block.isEmpty { return [] }
        var out: [(name: String, value: String)] = []
        // nghttp2_nv: name, value (uint8_t *), namelen, valuelen (size_t), flags (uint8_t), padded to 40 bytes.
        let nv = UnsafeMutableRawPointer.allocate(byteCount: 40, alignment: 8)
        defer { nv.deallocate() }
        try block.withUnsafeBufferPointer { buffer in
            var input = buffer.baseAddress!
            var left = buffer.count
            while true {
                var flags: Int32 = 0
                let n = Self.inflateHD(inflater, nv, &flags, input, left, 1)
                guard n >= 0 else { throw HostileConnection.Failure.malformed("HPACK error \(n)") }
                input += n
                left -= n
                if flags & Self.emit != 0 {
                    func text(_ pointerOffset: Int, _ lengthOffset: Int) -> String {
                        let start = nv.load(fromByteOffset: pointerOffset, as: UnsafePointer<UInt8>?.self)
                        let count = nv.load(fromByteOffset: lengthOffset, as: Int.self)
                        return String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
                    }
                    out.append((text(0, 16), text(8, 24)))
                }
                if flags & Self.final != 0 {
                    _ = Self.endHeaders(inflater)
                    return
                }
                if n == 0 && left == 0 { return }
            }
        }
        return out
    }
}
