// SPDX-License-Identifier: Apache-2.0
import CLinux
import Glibc
import HTTPCore

/// One epoll loop on its own thread. The thread owns its listening sockets and every connection it
/// accepts; other threads reach it only through `execute`, a locked task queue plus an eventfd wake-up
/// (deferred responses, shutdown).
final class EventLoop: @unchecked Sendable {
    // @unchecked: everything but `tasks`, `wakeFD` and `index` is touched only on the loop's own thread.
    struct ListenerSocket {
        var fd: Int32
        var isTLS: Bool
        var registered: Bool
    }

    let index: Int
    let core: ServerCore
    let epollFD: Int32
    let wakeFD: Int32
    /// Open connections, accepts and TLS handshakes of this loop (`HTTPServer.connectionStats`).
    let connectionCounters = LoopConnectionCounters()
    private let tasks = Locked<[@Sendable () -> Void]>([])

    var listeners: [ListenerSocket]
    var connections: [Int32: Connection] = [:]
    var nextConnectionID: UInt64 = 1
    let readBuffer: UnsafeMutableRawBufferPointer
    var dateString = ""
    private var dateSecond: Int64 = -1
    var now: Double = monotonicSeconds()
    private var lastSweep: Double = 0
    private var listenersPausedUntil: Double?
    /// How long the next accept pause lasts (seconds): doubles on each shortage, reset by a good accept.
    private var acceptPause = EventLoop.minAcceptPause
    static let minAcceptPause = 0.1
    static let maxAcceptPause = 1.0
    var isShuttingDown = false
    var drainDeadline: Double = .infinity
    /// Deferred work with a deadline (`Response.after`, promise timeouts), on the precise monotonic clock.
    var timers = TimerQueue<() -> Void>()

    static let listenerTag: UInt64 = 1 << 32
    static let wakeTag: UInt64 = 2 << 32

    init(index: Int, core: ServerCore, listeners: [(fd: Int32, isTLS: Bool)]) throws(IOError) {
        self.index = index
        self.core = core
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw IOError(errno: errno, function: "epoll_create1") }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard wakeFD >= 0 else { throw IOError(errno: errno, function: "eventfd") }
        self.listeners = listeners.map { ListenerSocket(fd: $0.fd, isTLS: $0.isTLS, registered: false) }
        readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        register(wakeFD, events: EPOLLIN, data: EventLoop.wakeTag)
        for i in self.listeners.indices { setListener(i, enabled: true) }
        refreshDate()
    }

    deinit {
        readBuffer.deallocate()
        close(epollFD)
        close(wakeFD)
    }

    /// Runs `task` on the loop's thread, soon. Safe from any thread.
    func execute(_ task: @escaping @Sendable () -> Void) {
        tasks.withLock { $0.append(task) }
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    // MARK: epoll registration

    func register(_ fd: Int32, events: EPOLL_EVENTS, data: UInt64) {
        var ev = epoll_event(events: events.rawValue, data: epoll_data_t(u64: data))
        _ = epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &ev)
    }

    func modify(_ fd: Int32, events: UInt32, data: UInt64) {
        var ev = epoll_event(events: events, data: epoll_data_t(u64: data))
        _ = epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &ev)
    }

    func unregister(_ fd: Int32) {
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
    }

    private func setListener(_ i: Int, enabled: Bool) {
        guard listeners[i].registered != enabled else { return }
        if enabled {
            register(listeners[i].fd, events: EPOLLIN, data: EventLoop.listenerTag | UInt64(i))
        } else {
            unregister(listeners[i].fd)
        }
        listeners[i].registered = enabled
    }

    // MARK: The loop

    /// The thread body: wait, dispatch, sweep timers; returns once shut down and drained.
    func run() {
        let maxEvents = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: maxEvents)
        defer { events.deallocate() }
        while true {
            var timeout: Int32 = (connections.isEmpty && !isShuttingDown) ? 1000 : 250
            if let next = timers.nextDeadline {
                // Round up: waking a millisecond early would only go round the loop once more.
                let wait = ((next - preciseMonotonicSeconds()) * 1000).rounded(.up)
                timeout = wait <= 0 ? 0 : Int32(min(Double(timeout), wait))  // min first: a far deadline overflows
            }
            let n = epoll_wait(epollFD, events, Int32(maxEvents), timeout)
            now = monotonicSeconds()
            refreshDate()
            if n < 0 && errno != EINTR {
                core.log("epoll_wait failed: errno \(errno)")
                break
            }
            for i in 0..<max(0, Int(n)) {
                let ev = events[i]
                let data = ev.data.u64
                if data == EventLoop.wakeTag {
                    drainWakeups()
                } else if data & EventLoop.listenerTag != 0 {
                    acceptConnections(listener: Int(data & 0xFFFF_FFFF))
                } else if let connection = connections[Int32(truncatingIfNeeded: data)] {
                    connection.handle(events: ev.events)
                }
            }
            if !timers.isEmpty { runExpiredTimers() }
            if now - lastSweep >= 0.2 { sweep() }
            if isShuttingDown && (connections.isEmpty || now >= drainDeadline) {
                let unfinished = connections.count
                if unfinished > 0 { core.connectionsCutOff.withLock { $0 += unfinished } }
                for c in Array(connections.values) { c.closeNow() }
                break
            }
        }
    }

    private func drainWakeups() {
        var value: UInt64 = 0
        _ = read(wakeFD, &value, 8)
        let pending = tasks.withLock { t -> [@Sendable () -> Void] in
            let all = t
            t.removeAll()
            return all
        }
        for task in pending { task() }
    }

    private func refreshDate() {
        let s = wallSeconds()
        if s != dateSecond {
            dateSecond = s
            dateString = HTTPDate.format(epochSeconds: s)
        }
    }

    // MARK: Accepting

    private func acceptConnections(listener i: Int) {
        // One epoll batch can hold the wake-up whose task began the shutdown (which closed the listeners and
        // emptied `listeners`) and, after it, a listener's readiness: that index is gone. Seen as an
        // index-out-of-range trap (SIGILL, exit -4) during SIGTERM drains under load (test_persistence).
        guard !isShuttingDown, listeners.indices.contains(i) else { return }
        let listener = listeners[i]
        for _ in 0..<64 {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept4(listener.fd, $0, &length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                }
            }
            if fd < 0 {
                let e = errno
                if e == EINTR || e == ECONNABORTED { continue }
                if e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM {
                    // Out of descriptors: stop accepting for a moment rather than spinning on a level-triggered
                    // listener that stays readable (nginx disables accept events likewise). The pause doubles,
                    // up to a second, while the shortage lasts; one message for all of it (the log limiter).
                    core.log("accept: out of resources (\(String(cString: strerror(e)))); pausing new connections")
                    for j in listeners.indices { setListener(j, enabled: false) }
                    listenersPausedUntil = now + acceptPause
                    acceptPause = min(acceptPause * 2, EventLoop.maxAcceptPause)
                }
                return
            }
            acceptPause = EventLoop.minAcceptPause
            let localAddress = SocketAddress.local(of: fd)
            if let filter = core.configuration.acceptFilter, !filter(localAddress) {
                close(fd)  // refused: closed before TLS or any byte ("this address is down")
                continue
            }
            setSocketOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
            let connection = Connection(
                fd: fd,
                id: nextConnectionID,
                loop: self,
                isTLS: listener.isTLS,
                remoteAddress: SocketAddress.describe(&storage),
                localAddress: localAddress
            )
            nextConnectionID += 1
            connections[fd] = connection
            register(fd, events: EPOLLIN, data: UInt64(UInt32(bitPattern: fd)))
        }
    }

    func forget(_ connection: Connection) {
        connections[connection.fd] = nil
    }

    // MARK: Timers and shutdown

    /// Runs `action` on this loop `seconds` from now, unless `owner` (a connection id) cancels it first.
    func schedule(after seconds: Double, owner: UInt64, _ action: @escaping () -> Void) {
        timers.schedule(at: preciseMonotonicSeconds() + seconds, owner: owner, action)
    }

    /// Drops the timers a connection armed (it closed: nobody is left to answer).
    func cancelTimers(owner: UInt64) {
        timers.cancel(owner: owner)
    }

    private func runExpiredTimers() {
        let now = preciseMonotonicSeconds()
        while let action = timers.popExpired(now: now) { action() }
    }

    private func sweep() {
        lastSweep = now
        core.flushLog(now: now)
        if let until = listenersPausedUntil, now >= until, !isShuttingDown {
            listenersPausedUntil = nil
            for j in listeners.indices { setListener(j, enabled: true) }
        }
        for connection in Array(connections.values) { connection.checkTimeouts(now: now) }
    }

    /// Stops accepting and asks every connection to finish what it has in flight.
    func beginShutdown(drainTimeout: Double) {
        guard !isShuttingDown else { return }
        isShuttingDown = true
        drainDeadline = monotonicSeconds() + drainTimeout
        for j in listeners.indices {
            setListener(j, enabled: false)
            close(listeners[j].fd)
        }
        listeners.removeAll()
        for connection in Array(connections.values) { connection.beginGracefulClose() }
    }
}
