// SPDX-License-Identifier: Apache-2.0
public import Glibc
import HTTPCore

/// Enforces the drain deadline from outside the event loops: a handler stuck under a lock or busy on a loop
/// thread cannot keep the process alive, because this thread ends it once `timeout` seconds have passed.
///
/// `arm()` starts the countdown (at the shutdown signal), `disarm()` stops it once the server has drained.
/// When the countdown runs out, `expire` is called with a one-line explanation; the executable's `expire`
/// writes it to stderr and `_exit`s with ``DrainWatchdog/cutOffExitStatus``.
public final class DrainWatchdog: Sendable {
    /// The exit status of a process whose drain had to cut in-flight work off (0 means drained cleanly).
    public static let cutOffExitStatus: Int32 = 3

    /// Seconds from `arm()` to `expire`.
    public let timeout: Double
    private let now: @Sendable () -> Double
    private let expire: @Sendable (String) -> Void
    private let stopSignal = StopSignal()
    private let thread = Locked<pthread_t?>(nil)

    /// - Parameters:
    ///   - timeout: seconds after `arm()` at which the watchdog expires.
    ///   - now: the monotonic clock in seconds (injected by tests).
    ///   - expire: what to do when time is up; called at most once, on the watchdog's thread.
    public init(
        timeout: Double,
        now: @escaping @Sendable () -> Double = DrainWatchdog.monotonicNow,
        expire: @escaping @Sendable (String) -> Void = DrainWatchdog.exitProcess
    ) {
        self.timeout = timeout
        self.now = now
        self.expire = expire
    }

    /// What the watchdog does at time `now` for a countdown that ends at `deadline`.
    public enum Decision: Equatable, Sendable {
        /// Sleep this many seconds (or until disarmed), then decide again.
        case wait(seconds: Double)
        case expire
    }

    /// The pure rule, separate from the thread so that it can be tested with any clock.
    public static func decide(now: Double, deadline: Double) -> Decision {
        now >= deadline ? .expire : .wait(seconds: deadline - now)
    }

    /// Starts the countdown on a thread of its own. Calling it again does nothing.
    public func arm() {
        thread.withLock { thread in
            guard thread == nil else { return }
            var t = pthread_t()
            let box = Unmanaged.passRetained(self).toOpaque()
            guard pthread_create(&t, nil, drainWatchdogThreadMain, box) == 0 else {
                Unmanaged<DrainWatchdog>.fromOpaque(box).release()
                return
            }
            thread = t
        }
    }

    /// Stops the countdown and joins the thread; `expire` is not called after this returns.
    public func disarm() {
        stopSignal.stop()
        let t = thread.withLock { thread -> pthread_t? in
            defer { thread = nil }
            return thread
        }
        if let t { pthread_join(t, nil) }
    }

    fileprivate func run() {
        let deadline = now() + timeout
        while true {
            switch DrainWatchdog.decide(now: now(), deadline: deadline) {
            case .expire:
                if stopSignal.isStopped { return }
                expire(
                    "maildouble: requests still running \(timeout) s after the shutdown signal; "
                        + "exiting with status \(DrainWatchdog.cutOffExitStatus)"
                )
                return
            case .wait(let seconds):
                // In slices of at most an hour: a timed wait converts seconds to nanoseconds in an Int.
                if stopSignal.wait(seconds: min(seconds, 3600)) { return }
            }
        }
    }

    /// CLOCK_MONOTONIC in seconds.
    public static let monotonicNow: @Sendable () -> Double = {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Writes `message` to stderr and ends the process at once with ``cutOffExitStatus``: `_exit`, because
    /// `exit` would run atexit handlers and destructors that may wait on the very lock a handler holds.
    public static let exitProcess: @Sendable (String) -> Void = { message in
        let line = Array((message + "\n").utf8)
        line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
        _exit(cutOffExitStatus)
    }
}

extension DrainWatchdog {
    /// Starts a thread that waits for one more of `signals` (blocked in every thread) and then ends the process
    /// at once with ``cutOffExitStatus``: a second Ctrl-C or SIGTERM during the drain means "stop now".
    public static func exitOnNextSignal(_ signals: sigset_t) {
        let box = Unmanaged.passRetained(SignalSetBox(signals)).toOpaque()
        var t = pthread_t()
        if pthread_create(&t, nil, nextSignalThreadMain, box) == 0 {
            pthread_detach(t)
        } else {
            Unmanaged<SignalSetBox>.fromOpaque(box).release()
        }
    }
}

/// A signal set handed to exactly one thread.
private final class SignalSetBox {
    var signals: sigset_t
    init(_ signals: sigset_t) { self.signals = signals }
}

private func nextSignalThreadMain(_ arg: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let box = Unmanaged<SignalSetBox>.fromOpaque(arg!).takeRetainedValue()
    var received: Int32 = 0
    guard sigwait(&box.signals, &received) == 0 else { return nil }
    let status = DrainWatchdog.cutOffExitStatus
    DrainWatchdog.exitProcess("maildouble: signal \(received) during the drain; exiting at once with status \(status)")
    return nil
}

/// The watchdog thread's entry point: a nonisolated free function, because C calls it (PLATFORM.md).
private func drainWatchdogThreadMain(_ arg: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let watchdog = Unmanaged<DrainWatchdog>.fromOpaque(arg!).takeRetainedValue()
    watchdog.run()
    return nil
}
