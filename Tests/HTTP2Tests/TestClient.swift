// SPDX-License-Identifier: Apache-2.0
import CNghttp2
import HTTP2
import HTTPCore

/// What the test client saw on one stream.
final class ClientStream {
    var status: Int?
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
    var dataFrames = 0
    var closed = false
    var closeError: UInt32 = 0
    var rstReceived: UInt32?
    var upload: [UInt8] = []
    var trailers: [(String, String)] = []
    var uploadOffset = 0

    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// An nghttp2 client session driven in memory against `HTTP2ServerSession` (no sockets).
final class TestClient {
    var session: OpaquePointer!
    var streams: [Int32: ClientStream] = [:]
    var goaway: (lastStreamID: Int32, errorCode: UInt32)?

    init() {
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_header_callback(callbacks, clientOnHeader)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, clientOnData)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, clientOnFrame)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, clientOnClose)
        var session: OpaquePointer?
        nghttp2_session_client_new(&session, callbacks, Unmanaged.passUnretained(self).toOpaque())
        self.session = session
        nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nil, 0)
    }

    deinit { nghttp2_session_del(session) }

    /// Submits a request; `fields` are sent as given (pseudo-headers included), `body` through a provider,
    /// then `trailers` in a final HEADERS frame.
    @discardableResult
    func request(_ fields: [(String, String)], body: [UInt8]? = nil, trailers: [(String, String)] = []) -> Int32 {
        let stream = ClientStream()
        stream.upload = body ?? []
        stream.trailers = trailers
        let id = withNameValues(fields) { nva in
            guard body != nil else { return nghttp2_submit_request(session, nil, nva, nva.count, nil, nil) }
            var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: clientRead)
            return nghttp2_submit_request(session, nil, nva, nva.count, &provider, nil)
        }
        streams[id] = stream
        return id
    }

    /// A GET (or `method`) for `path` with `:authority` example.test.
    @discardableResult
    func get(_ path: String, method: String = "GET", headers: [(String, String)] = []) -> Int32 {
        request([(":method", method), (":path", path), (":scheme", "https"), (":authority", "example.test")] + headers)
    }

    func output() -> [UInt8] {
        var out: [UInt8] = []
        while true {
            var chunk: UnsafePointer<UInt8>?
            let n = nghttp2_session_mem_send(session, &chunk)
            guard n > 0, let chunk else { return out }
            out.append(contentsOf: UnsafeBufferPointer(start: chunk, count: n))
        }
    }

    func input(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { nghttp2_session_mem_recv(session, $0.baseAddress, $0.count) }
    }
}

private func client(_ userData: UnsafeMutableRawPointer?) -> TestClient {
    Unmanaged<TestClient>.fromOpaque(userData!).takeUnretainedValue()
}

private func clientOnHeader(
    _ session: OpaquePointer?,
    _ frame: UnsafePointer<nghttp2_frame>?,
    _ name: UnsafePointer<UInt8>?,
    _ nameLength: Int,
    _ value: UnsafePointer<UInt8>?,
    _ valueLength: Int,
    _ flags: UInt8,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let stream = client(userData).streams[frame!.pointee.hd.stream_id] else { return 0 }
    let n = String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self)
    let v = String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self)
    if n == ":status" { stream.status = Int(v) } else { stream.headers.append((n, v)) }
    return 0
}

private func clientOnData(
    _ session: OpaquePointer?,
    _ flags: UInt8,
    _ streamID: Int32,
    _ data: UnsafePointer<UInt8>?,
    _ length: Int,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    client(userData).streams[streamID]?.body.append(contentsOf: UnsafeBufferPointer(start: data, count: length))
    return 0
}

private func clientOnFrame(
    _ session: OpaquePointer?,
    _ frame: UnsafePointer<nghttp2_frame>?,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    let c = client(userData)
    let hd = frame!.pointee.hd
    switch hd.type {
    case UInt8(NGHTTP2_DATA.rawValue): c.streams[hd.stream_id]?.dataFrames += 1
    case UInt8(NGHTTP2_GOAWAY.rawValue):
        c.goaway = (frame!.pointee.goaway.last_stream_id, frame!.pointee.goaway.error_code)
    case UInt8(NGHTTP2_RST_STREAM.rawValue): c.streams[hd.stream_id]?.rstReceived = frame!.pointee.rst_stream.error_code
    default: break
    }
    return 0
}

private func clientOnClose(
    _ session: OpaquePointer?,
    _ streamID: Int32,
    _ errorCode: UInt32,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    if let stream = client(userData).streams[streamID] {
        stream.closed = true
        stream.closeError = errorCode
    }
    return 0
}

private func clientRead(
    _ session: OpaquePointer?,
    _ streamID: Int32,
    _ buffer: UnsafeMutablePointer<UInt8>?,
    _ length: Int,
    _ flags: UnsafeMutablePointer<UInt32>?,
    _ source: UnsafeMutablePointer<nghttp2_data_source>?,
    _ userData: UnsafeMutableRawPointer?
) -> Int {
    guard let stream = client(userData).streams[streamID] else { return 0 }
    let count = min(length, stream.upload.count - stream.uploadOffset)
    stream.upload.withUnsafeBufferPointer {
        buffer!.update(from: $0.baseAddress! + stream.uploadOffset, count: count)
    }
    stream.uploadOffset += count
    if stream.uploadOffset == stream.upload.count {
        flags!.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
        if !stream.trailers.isEmpty {
            flags!.pointee |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
            _ = withNameValues(stream.trailers) { nghttp2_submit_trailer(session, streamID, $0, $0.count) }
        }
    }
    return count
}

/// Calls `body` with `fields` as nghttp2 name/value pairs (valid during the call; nghttp2 copies them).
func withNameValues<R>(_ fields: [(String, String)], _ body: ([nghttp2_nv]) -> R) -> R {
    var bytes: [UInt8] = []
    var spans: [(Int, Int, Int, Int)] = []
    for (name, value) in fields {
        let n = bytes.count
        bytes += name.utf8
        let v = bytes.count
        bytes += value.utf8
        spans.append((n, v - n, v, bytes.count - v))
    }
    bytes.append(0)
    return bytes.withUnsafeMutableBufferPointer { buffer in
        let base = buffer.baseAddress!
        return body(
            spans.map { nghttp2_nv(name: base + $0.0, value: base + $0.2, namelen: $0.1, valuelen: $0.3, flags: 0) }
        )
    }
}

/// Pumps bytes between `client` and `server` until neither has anything to send. `handler` answers each
/// request the server returns (nil = leave it unanswered). Returns the requests the server produced.
@discardableResult
func exchange(
    _ client: TestClient,
    _ server: HTTP2ServerSession,
    chunkSize: Int = .max,
    handler: (Int32, Request) -> Response? = { _, _ in Response.text("ok") }
) throws -> [(streamID: Int32, request: Request)] {
    var seen: [(streamID: Int32, request: Request)] = []
    for _ in 0..<100_000 {
        let out = client.output()
        var index = 0
        while index < out.count {
            let end = min(out.count, index + chunkSize)
            let requests = try out[index..<end].withUnsafeBytes { try server.receive($0) }
            index = end
            for (id, request) in requests {
                seen.append((id, request))
                if let response = handler(id, request) {
                    server.respond(streamID: id, response: response, isHEAD: request.method == .HEAD, date: testDate)
                }
            }
        }
        var back: [UInt8] = []
        try server.drainOutput(into: &back)
        if !back.isEmpty { _ = client.input(back) }
        if out.isEmpty && back.isEmpty { return seen }
    }
    return seen
}

let testDate = "Sat, 21 Nov 2026 13:00:00 GMT"
