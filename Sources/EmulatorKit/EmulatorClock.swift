// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTPCore

/// The emulator's clock: real time plus an offset that tests move forward (`advance(bySeconds:)`) instead
/// of sleeping. Every vendor reads time only from here, so token expiry, scheduled sends and the life of a
/// message (queued → sent → delivered) all follow it. Vendors derive state lazily from `now()` rather than
/// running timers, so advancing the clock takes effect at the next read.
public final class EmulatorClock: Sendable {
    private struct State {
        var offsetMillis: Int64 = 0
        var frozenAt: Int64?
    }
    private let state = Locked(State())

    public init() {}

    /// A clock frozen at `millis` since the epoch (tests that compare exact timestamps).
    public init(frozenAtMillis millis: Int64) {
        state.withLock { $0.frozenAt = millis }
    }

    /// Now, in milliseconds since the Unix epoch.
    public func nowMillis() -> Int64 {
        state.withLock { s in
            if let f = s.frozenAt { return f + s.offsetMillis }
            return EmulatorClock.wallMillis() + s.offsetMillis
        }
    }

    public func now() -> Timestamp { Timestamp(millis: nowMillis()) }

    /// Real time, without the offset, in milliseconds since the Unix epoch (a frozen clock: the instant it was
    /// frozen at). For what a party outside the emulator checks against its own clock, such as a webhook
    /// signature's timestamp, which receivers refuse once it is more than five minutes off theirs.
    public func realNowMillis() -> Int64 {
        state.withLock { s in s.frozenAt ?? EmulatorClock.wallMillis() }
    }

    /// Moves emulator time forward (or back, with a negative value).
    public func advance(byMillis millis: Int64) { state.withLock { $0.offsetMillis += millis } }
    public func advance(bySeconds seconds: Double) { advance(byMillis: Int64(seconds * 1000)) }

    /// Back to real time (or, for a frozen clock, to the instant it was frozen at): the offset becomes 0.
    public func reset() { state.withLock { $0.offsetMillis = 0 } }

    /// How far emulator time is ahead of real time.
    public var offsetMillis: Int64 { state.withLock { $0.offsetMillis } }

    static func wallMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
