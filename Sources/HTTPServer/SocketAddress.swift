// SPDX-License-Identifier: Apache-2.0
import CLinux
import Glibc

/// An IPv4 or IPv6 socket address parsed from a numeric host (`127.0.0.1`, `::1`, `0.0.0.0`, `::`).
/// `localhost` is accepted and means 127.0.0.1. Host names are not resolved: the emulator binds addresses.
struct SocketAddress {
    enum Storage {
        case v4(sockaddr_in)
        case v6(sockaddr_in6)
    }
    var storage: Storage

    init?(host: String, port: Int) {
        var h = host
        if h == "localhost" { h = "127.0.0.1" }
        if h.hasPrefix("[") && h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        var a4 = sockaddr_in()
        if inet_pton(AF_INET, h, &a4.sin_addr) == 1 {
            a4.sin_family = sa_family_t(AF_INET)
            a4.sin_port = in_port_t(UInt16(port).bigEndian)
            storage = .v4(a4)
            return
        }
        var a6 = sockaddr_in6()
        if inet_pton(AF_INET6, h, &a6.sin6_addr) == 1 {
            a6.sin6_family = sa_family_t(AF_INET6)
            a6.sin6_port = in_port_t(UInt16(port).bigEndian)
            storage = .v6(a6)
            return
        }
        return nil
    }

    var family: Int32 {
        switch storage {
        case .v4: AF_INET
        case .v6: AF_INET6
        }
    }

    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        switch storage {
        case .v4(var a):
            return withUnsafePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .v6(var a):
            return withUnsafePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }

    /// The local address of a connected socket (`getsockname`), written like `describe`; empty on failure.
    static func local(of fd: Int32) -> String {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return rc == 0 ? describe(&storage) : ""
    }

    /// `1.2.3.4:80` or `[::1]:80` for a `sockaddr_storage` filled by `accept`/`getsockname`.
    static func describe(_ storage: inout sockaddr_storage) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in
                    var addr = p.pointee.sin_addr
                    inet_ntop(AF_INET, &addr, &buffer, socklen_t(buffer.count))
                    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } + ":"
                        + String(UInt16(bigEndian: p.pointee.sin_port))
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                    var addr = p.pointee.sin6_addr
                    inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count))
                    return "[" + buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } + "]:"
                        + String(UInt16(bigEndian: p.pointee.sin6_port))
                }
            }
        default:
            return ""
        }
    }

    /// The port a socket is bound to (reads back the port the kernel chose for port 0).
    static func boundPort(of fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
        default:
            return 0
        }
    }
}

/// Opens a non-blocking listening socket on `host:port` with `SO_REUSEADDR` and `SO_REUSEPORT` (each event
/// loop listens on its own socket for the same port and the kernel spreads connections, as nginx's
/// `reuseport`). IPv6 sockets are `IPV6_V6ONLY` so that `::` and `0.0.0.0` can both be listed.
func makeListeningSocket(host: String, port: Int, backlog: Int32 = 1024) throws -> Int32 {
    guard let address = SocketAddress(host: host, port: port) else {
        throw IOError(errno: EINVAL, function: "listen address '\(host)'")
    }
    let fd = socket(
        address.family,
        Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
        0
    )
    guard fd >= 0 else { throw IOError(errno: errno, function: "socket") }
    setSocketOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
    setSocketOption(fd, SOL_SOCKET, SO_REUSEPORT, 1)
    if address.family == AF_INET6 { setSocketOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1) }
    let bound = address.withSockAddr { bind(fd, $0, $1) }
    if bound != 0 {
        let e = errno
        close(fd)
        if e == EADDRINUSE { throw PortInUseError(host: host, port: port) }
        throw IOError(errno: e, function: "bind \(host):\(port)")
    }
    if listen(fd, backlog) != 0 {
        let e = errno
        close(fd)
        throw IOError(errno: e, function: "listen \(host):\(port)")
    }
    return fd
}

/// Checks that nobody listens on `host:port` and returns the port (the kernel's pick when `port` is 0).
///
/// Why a probe: our listeners set `SO_REUSEPORT` (one per loop), so binding them beside another process's
/// `SO_REUSEPORT` listeners succeeds and the kernel splits connections between the two. A bind without
/// `SO_REUSEPORT` fails with `EADDRINUSE` while any socket listens there, so it tells us whether the port is ours;
/// the socket is closed again at once (`SO_REUSEADDR` still lets it through lingering `TIME_WAIT`s).
func probeFreePort(host: String, port: Int) throws -> Int {
    guard let address = SocketAddress(host: host, port: port) else {
        throw IOError(errno: EINVAL, function: "listen address '\(host)'")
    }
    let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw IOError(errno: errno, function: "socket") }
    defer { close(fd) }
    setSocketOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
    if address.family == AF_INET6 { setSocketOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1) }
    if address.withSockAddr({ bind(fd, $0, $1) }) != 0 {
        let e = errno
        if e == EADDRINUSE { throw PortInUseError(host: host, port: port) }
        throw IOError(errno: e, function: "bind \(host):\(port)")
    }
    return port == 0 ? SocketAddress.boundPort(of: fd) : port
}
