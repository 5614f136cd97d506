// SPDX-License-Identifier: Apache-2.0
import Dispatch
import Glibc
import HTTPCore

@testable import HTTPServer

/// A plain TCP listener on port 0 for client tests: serves one connection per scripted answer, records
/// each request's raw bytes (head and Content-Length body), sends the answer and closes. An answer of nil
/// holds the connection silent until the client gives up. With `waitForRequest` false the answer goes out
/// as soon as the first bytes arrive (a peer that does not speak the client's protocol). Every wait is
/// bounded (10 s), nothing sleeps.
final class RecordingListener: Sendable {
    let port: Int
    let requests = Locked<[[UInt8]]>([])
    let received = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)

    init(host: String = "127.0.0.1", answers: [String?], waitForRequest: Bool = true) throws {
        // The server's own listening-socket helper (non-blocking listener; accepted sockets block).
        let fd = try makeListeningSocket(host: host, port: 0, backlog: 16)
        port = SocketAddress.boundPort(of: fd)
        DispatchQueue.global().async { [self] in
            serve(fd, answers: answers, waitForRequest: waitForRequest)
            close(fd)
            done.signal()
        }
    }

    /// Waits for `count` requests in all; false on timeout.
    func waitForRequests(_ count: Int, seconds: Int = 10) -> Bool {
        while requests.withLock({ $0.count }) < count {
            if received.wait(timeout: .now() + .seconds(seconds)) == .timedOut { return false }
        }
        return true
    }

    private func serve(_ listener: Int32, answers: [String?], waitForRequest: Bool) {
        for answer in answers {
            var p = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 10_000) == 1 else { return }
            let conn = accept(listener, nil, nil)
            guard conn >= 0 else { return }
            var tv = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            let request = Self.readRequest(conn, whole: waitForRequest)
            requests.withLock { $0.append(request) }
            received.signal()
            if let answer {
                let bytes = Array(answer.utf8)
                _ = bytes.withUnsafeBytes { send(conn, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                // As a `Connection: close` server does: the client sees the end of a body without framing.
                shutdown(conn, Int32(SHUT_WR))
            }
            // Read until the client closes (or the 10 s timeout): the silent case waits for its give-up.
            var scratch = [UInt8](repeating: 0, count: 4096)
            while scratch.withUnsafeMutableBytes({ recv(conn, $0.baseAddress, $0.count, 0) }) > 0 {}
            close(conn)
        }
    }

    private static func readRequest(_ fd: Int32, whole: Bool) -> [UInt8] {
        var data: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            if let end = RecordedRequest.headEnd(data) {
                let head = RecordedRequest(data)
                let length = Int(head.headers["Content-Length"] ?? "0") ?? 0
                if data.count >= end + 4 + length { return data }
            }
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return data }
            data += scratch[0..<n]
            if !whole { return data }
        }
    }
}

/// A recorded request split into request line, fields (in order) and body.
struct RecordedRequest {
    var requestLine = ""
    var headers = HTTPHeaders()
    var body: [UInt8] = []

    init(_ bytes: [UInt8]) {
        guard let end = Self.headEnd(bytes) else { return }
        let lines = String(decoding: bytes[0..<end], as: UTF8.self).split(separator: "\r\n")
        requestLine = String(lines.first ?? "")
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingSpaces())
        }
        body = Array(bytes[(end + 4)...])
    }

    static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        return (0...(bytes.count - 4)).first {
            bytes[$0] == 13 && bytes[$0 + 1] == 10 && bytes[$0 + 2] == 13 && bytes[$0 + 3] == 10
        }
    }
}
