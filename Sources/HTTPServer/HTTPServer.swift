// SPDX-License-Identifier: Apache-2.0
import Glibc
public import HTTPCore

/// What every loop shares: the frozen configuration and the request handler.
final class ServerCore: Sendable {
    let configuration: ServerConfiguration
    let handler: @Sendable (Request) -> Response
    /// Connections the loops closed with work unfinished because the drain deadline passed.
    let connectionsCutOff = Locked(0)

    init(configuration: ServerConfiguration, handler: @escaping @Sendable (Request) -> Response) {
        self.configuration = configuration
        self.handler = handler
    }

    @inline(__always)
    func respond(to request: Request) -> Response { handler(request) }

    /// Shared by every loop, so that N loops failing alike still log one line.
    private let logLimiter = Locked(RepeatedLineLimiter())

    /// Logs a connection-level problem through the configuration's `log`, with repeats rate-limited.
    func log(_ line: String) {
        let admitted = logLimiter.withLock { $0.admit(line, now: monotonicSeconds()) }
        if let admitted { configuration.log(admitted) }
    }

    /// Writes the "(repeated N times)" summaries that are due (each loop calls it from its sweep).
    func flushLog(now: Double) {
        let due = logLimiter.withLock { $0.entries.isEmpty ? [] : $0.flush(now: now) }
        for line in due { configuration.log(line) }
    }
}

/// The server: N epoll loops on N threads, each listening on every configured address and port
/// (SO_REUSEPORT), serving HTTPS (HTTP/1.1 + h2 by ALPN) and plain HTTP (HTTP/1.1 + prior-knowledge h2c).
///
/// `start()` binds synchronously (errors surface to the caller; ports chosen with 0 are known when it
/// returns), `shutdown()` stops accepting and drains, `wait()` joins the loop threads.
public final class HTTPServer: Sendable {
    public let configuration: ServerConfiguration
    private let core: ServerCore
    private struct State {
        var loops: [EventLoop] = []
        var threads: [pthread_t] = []
        var httpsPort: Int?
        var httpPort: Int?
        var started = false
        var joined = false
    }
    private let state = Locked(State())

    public init(configuration: ServerConfiguration, handler: @escaping @Sendable (Request) -> Response) {
        self.configuration = configuration
        self.core = ServerCore(configuration: configuration, handler: handler)
    }

    /// The bound HTTPS port, once started.
    public var httpsPort: Int? { state.withLock { $0.httpsPort } }
    /// The bound plain HTTP port, once started.
    public var httpPort: Int? { state.withLock { $0.httpPort } }

    /// Binds every listener and starts the loop threads.
    public func start() throws {
        precondition(configuration.httpsPort == nil || configuration.tls != nil, "HTTPS needs a TLS context")
        raiseOpenFileLimit()
        let threadCount = max(1, configuration.threads)
        var perLoop: [[(fd: Int32, isTLS: Bool)]] = Array(repeating: [], count: threadCount)
        var opened: [Int32] = []
        var httpsPort: Int?
        var httpPort: Int?
        do {
            for (wanted, isTLS) in [(configuration.httpsPort, true), (configuration.httpPort, false)] {
                guard let wanted else { continue }
                let (port, fds) = try bindListeners(port: wanted, threadCount: threadCount)
                opened += fds
                for (i, fd) in fds.enumerated() { perLoop[i % threadCount].append((fd, isTLS)) }
                if isTLS { httpsPort = port } else { httpPort = port }
            }
        } catch {
            for fd in opened { close(fd) }
            throw error
        }
        var loops: [EventLoop] = []
        for i in 0..<threadCount {
            loops.append(try EventLoop(index: i, core: core, listeners: perLoop[i]))
        }
        var threads: [pthread_t] = []
        for loop in loops {
            var thread = pthread_t()
            let box = Unmanaged.passRetained(loop).toOpaque()
            let rc = pthread_create(&thread, nil, eventLoopThreadMain, box)
            precondition(rc == 0, "pthread_create failed: \(rc)")
            threads.append(thread)
        }
        state.withLock {
            $0.loops = loops
            $0.threads = threads
            $0.httpsPort = httpsPort
            $0.httpPort = httpPort
            $0.started = true
        }
    }

    /// One listener per loop on every host, all on one port; `port` 0 takes a free one, the same on every host.
    /// Throws ``PortInUseError`` when another socket already listens on a fixed port.
    private func bindListeners(port wanted: Int, threadCount: Int) throws -> (port: Int, fds: [Int32]) {
        // A port picked with 0 can be taken by someone else between the probe and our bind: pick again.
        let attempts = wanted == 0 ? 8 : 1
        for attempt in 1...attempts {
            var fds: [Int32] = []
            var port = wanted
            do {
                // Every host is probed before any is bound, so that overlapping hosts (0.0.0.0 and 127.0.0.1)
                // do not find our own listeners.
                for host in configuration.hosts { port = try probeFreePort(host: host, port: port) }
                for host in configuration.hosts {
                    for _ in 0..<threadCount { fds.append(try makeListeningSocket(host: host, port: port)) }
                }
                return (port, fds)
            } catch {
                for fd in fds { close(fd) }
                if attempt == attempts || !(error is PortInUseError) { throw error }
            }
        }
        preconditionFailure("unreachable: the last attempt returns or throws")
    }

    /// Stops accepting; in-flight requests get `drainTimeout` seconds (default: the configuration's).
    public func shutdown(drainTimeout: Double? = nil) {
        let timeout = drainTimeout ?? configuration.drainTimeout
        for loop in state.withLock({ $0.loops }) {
            loop.execute { loop.beginShutdown(drainTimeout: timeout) }
        }
    }

    /// How many connections still had work in flight when the drain deadline passed and were closed
    /// (read it after `wait()`); 0 means the drain finished cleanly.
    public var connectionsCutOff: Int { core.connectionsCutOff.withLock { $0 } }

    /// Open connections by transport and protocol, accepts and TLS handshakes, added up over the loops.
    public var connectionStats: ConnectionStats {
        var stats = ConnectionStats()
        for key in ConnectionStats.keys { stats.open[key] = 0 }
        for loop in state.withLock({ $0.loops }) { loop.connectionCounters.add(to: &stats) }
        return stats
    }

    /// Blocks until every loop thread has exited (after `shutdown`).
    public func wait() {
        let threads: [pthread_t] = state.withLock { s in
            if s.joined { return [] }
            s.joined = true
            return s.threads
        }
        for t in threads { pthread_join(t, nil) }
        state.withLock { $0.loops = [] }
    }
}

/// The loop thread's entry point: a nonisolated free function, because C calls it on a new thread
/// (a closure written in main.swift would be inferred @MainActor and trap there; PLATFORM.md).
private func eventLoopThreadMain(_ arg: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let loop = Unmanaged<EventLoop>.fromOpaque(arg!).takeRetainedValue()
    loop.run()
    return nil
}
