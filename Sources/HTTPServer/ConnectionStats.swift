// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// What the loops count about connections, for `GET /_emulator/metrics`: open connections by transport and
/// protocol, connections accepted, TLS handshakes completed and failed.
///
/// Each loop counts into its own `LoopConnectionCounters` (a lock only that loop and a scrape ever take, a few
/// times per connection and never per request); `HTTPServer.connectionStats` adds the loops up.
public struct ConnectionStats: Sendable, Equatable {
    /// Open connections by `tls` (HTTPS port) and `protocol`: `h1`, `h2`, or `pending` while the TLS handshake or
    /// the plain port's preface sniffing has not chosen yet.
    public var open: [Key: Int] = [:]
    /// Connections accepted since start (refused ones, closed before any byte, not counted).
    public var accepted = 0
    /// TLS handshakes completed, and failed (bad client hello, unknown CA alert, no shared cipher…).
    public var tlsHandshakes = 0
    public var tlsHandshakeFailures = 0

    public struct Key: Sendable, Hashable, Comparable {
        public var tls: Bool
        public var `protocol`: String
        public init(tls: Bool, protocol: String) {
            self.tls = tls
            self.protocol = `protocol`
        }
        public static func < (a: Key, b: Key) -> Bool { (a.tls ? 1 : 0, a.protocol) < (b.tls ? 1 : 0, b.protocol) }
    }

    public init() {}

    /// Every transport × protocol, zeros included, so that a scrape always shows the same series.
    public static let keys: [Key] = [false, true].flatMap { tls in
        ["h1", "h2", "pending"].map { Key(tls: tls, protocol: $0) }
    }
}

/// One loop's counters. Slots: transport × protocol, in `ConnectionStats.keys` order.
final class LoopConnectionCounters: Sendable {
    enum Slot: Int {
        case plainH1, plainH2, plainPending, tlsH1, tlsH2, tlsPending

        static func pending(tls: Bool) -> Slot { tls ? .tlsPending : .plainPending }
        static func chosen(tls: Bool, h2: Bool) -> Slot { tls ? (h2 ? .tlsH2 : .tlsH1) : (h2 ? .plainH2 : .plainH1) }
    }

    private struct Counts {
        var open = [Int](repeating: 0, count: 6)
        var accepted = 0
        var handshakes = 0
        var handshakeFailures = 0
    }
    private let counts = Locked(Counts())

    func opened(_ slot: Slot) {
        counts.withLock {
            $0.open[slot.rawValue] += 1
            $0.accepted += 1
        }
    }

    func moved(from old: Slot, to new: Slot) {
        counts.withLock {
            $0.open[old.rawValue] -= 1
            $0.open[new.rawValue] += 1
        }
    }

    func closed(_ slot: Slot) { counts.withLock { $0.open[slot.rawValue] -= 1 } }

    func handshake(succeeded: Bool) {
        counts.withLock { c in
            if succeeded { c.handshakes += 1 } else { c.handshakeFailures += 1 }
        }
    }

    /// Adds this loop's counts into `stats`.
    func add(to stats: inout ConnectionStats) {
        counts.withLock { c in
            for (i, key) in ConnectionStats.keys.enumerated() { stats.open[key, default: 0] += c.open[i] }
            stats.accepted += c.accepted
            stats.tlsHandshakes += c.handshakes
            stats.tlsHandshakeFailures += c.handshakeFailures
        }
    }
}
