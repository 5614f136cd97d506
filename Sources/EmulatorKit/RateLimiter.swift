// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// A fixed-window request counter per key (a Postflare team, a Flowmailer account) on the emulator clock.
public final class RateLimiter: Sendable {
    public struct Decision: Sendable, Equatable {
        public var allowed: Bool
        public var limit: Int
        public var remaining: Int
        /// Seconds until the window resets (at least 1).
        public var resetSeconds: Int
    }

    private struct Window {
        var start: Int64
        var count: Int
    }

    public let limit: Int
    public let windowMillis: Int64
    private let clock: EmulatorClock
    private let windows = Locked<[String: Window]>([:])

    /// `limit` requests per `windowSeconds`; a limit of 0 or less allows everything.
    public init(limit: Int, windowSeconds: Double = 1, clock: EmulatorClock) {
        self.limit = limit
        self.windowMillis = max(1, Int64(windowSeconds * 1000))
        self.clock = clock
    }

    public var isEnabled: Bool { limit > 0 }

    /// Counts one request for `key` and says whether it may proceed.
    public func check(_ key: String) -> Decision {
        let now = clock.nowMillis()
        guard limit > 0 else { return Decision(allowed: true, limit: 0, remaining: 0, resetSeconds: 0) }
        return windows.withLock { windows in
            var w = windows[key] ?? Window(start: now, count: 0)
            if now - w.start >= windowMillis || now < w.start { w = Window(start: now, count: 0) }
            let reset = Int(max(1, (w.start + windowMillis - now + 999) / 1000))
            if w.count >= limit {
                windows[key] = w
                return Decision(allowed: false, limit: limit, remaining: 0, resetSeconds: reset)
            }
            w.count += 1
            windows[key] = w
            return Decision(allowed: true, limit: limit, remaining: limit - w.count, resetSeconds: reset)
        }
    }

    /// Forgets every window (the emulator's reset).
    public func reset() { windows.withLock { $0.removeAll() } }
}
