// SPDX-License-Identifier: Apache-2.0
import CLinux
import Glibc

/// A non-blocking client TCP socket whose every operation ends by one absolute deadline (monotonic seconds).
/// Waiting is done in poll(2) with the time left, so a slow or silent peer cannot stretch a request past
/// its timeout, whatever the number of reads it takes (a per-call SO_RCVTIMEO would restart each time).
final class OutboundSocket {
    let fd: Int32
    let deadline: Double

    private init(fd: Int32, deadline: Double) {
        self.fd = fd
        self.deadline = deadline
    }

    /// Resolves `host` (getaddrinfo: names, IPv4 and IPv6 literals) and connects to the first address that
    /// answers, trying them in the resolver's order (RFC 6724 preference).
    static func connect(host: String, port: Int, deadline: Double) -> Result<OutboundSocket, OutboundError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        // getaddrinfo has no timeout of its own; webhook endpoints are local names or literals in practice.
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let list else {
            let why = rc == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(rc))
            return .failure(OutboundError(.resolve, "cannot resolve '\(host)': \(why)"))
        }
        defer { freeaddrinfo(list) }
        var lastError = OutboundError(.connect, "no address for '\(host)'")
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let ai = entry {
            entry = ai.pointee.ai_next
            let result = connectOne(ai.pointee, deadline: deadline)
            switch result {
            case .success(let fd): return .success(OutboundSocket(fd: fd, deadline: deadline))
            case .failure(let error):
                lastError = OutboundError(error.kind, "connect to \(host):\(port): \(error.description)")
                if error.kind == .timeout { return .failure(lastError) }
            }
        }
        return .failure(lastError)
    }

    private static func connectOne(_ ai: addrinfo, deadline: Double) -> Result<Int32, OutboundError> {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd = socket(ai.ai_family, type, ai.ai_protocol)
        guard fd >= 0 else { return .failure(OutboundError(.connect, String(cString: strerror(errno)))) }
        // A webhook is one small request: send it at once rather than after Nagle's delay.
        setSocketOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        var rc: Int32
        repeat { rc = Glibc.connect(fd, ai.ai_addr, ai.ai_addrlen) } while rc != 0 && errno == EINTR
        if rc != 0 {
            // A non-blocking connect reports EINPROGRESS; the outcome comes as writability, then SO_ERROR
            // (connect(2)). EINTR above leaves the connect in progress too, which poll also covers.
            guard errno == EINPROGRESS || errno == EALREADY else {
                let error = OutboundError(.connect, String(cString: strerror(errno)))
                close(fd)
                return .failure(error)
            }
            if let error = waitFor(fd, events: Int16(POLLOUT), deadline: deadline, doing: "connect") {
                close(fd)
                return .failure(error)
            }
            var soError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
            if soError != 0 {
                close(fd)
                return .failure(OutboundError(.connect, String(cString: strerror(soError))))
            }
        }
        return .success(fd)
    }

    deinit { close(fd) }

    /// Sends all of `bytes` (MSG_NOSIGNAL: a peer that hung up must not raise SIGPIPE in a library).
    func sendAll(_ bytes: [UInt8]) -> OutboundError? {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                offset += n
                continue
            }
            if n < 0, errno == EINTR { continue }
            guard n < 0, errno == EAGAIN || errno == EWOULDBLOCK else {
                return OutboundError(.io, "send failed: \(String(cString: strerror(errno)))")
            }
            if let error = Self.waitFor(fd, events: Int16(POLLOUT), deadline: deadline, doing: "send") { return error }
        }
        return nil
    }

    /// Appends what the peer sent next to `buffer`; returns 0 at end of stream.
    func receive(into buffer: inout [UInt8]) -> Result<Int, OutboundError> {
        var scratch = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n >= 0 {
                buffer.append(contentsOf: scratch[0..<n])
                return .success(n)
            }
            if errno == EINTR { continue }
            guard errno == EAGAIN || errno == EWOULDBLOCK else {
                return .failure(OutboundError(.io, "receive failed: \(String(cString: strerror(errno)))"))
            }
            if let error = Self.waitFor(fd, events: Int16(POLLIN), deadline: deadline, doing: "response") {
                return .failure(error)
            }
        }
    }

    /// Polls until `events` or the deadline; nil when ready (errors and hang-ups show at the next call).
    private static func waitFor(_ fd: Int32, events: Int16, deadline: Double, doing: String) -> OutboundError? {
        while true {
            let left = deadline - monotonicSeconds()
            guard left > 0 else { return OutboundError(.timeout, "timed out waiting for \(doing)") }
            var p = pollfd(fd: fd, events: events, revents: 0)
            let rc = poll(&p, 1, Int32(min(left * 1000 + 1, 3_600_000)))
            if rc > 0 { return nil }
            if rc < 0, errno != EINTR { return OutboundError(.io, "poll failed: \(String(cString: strerror(errno)))") }
        }
    }
}
