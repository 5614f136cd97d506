// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Glibc
import HTTPCore

/// The per-request counters behind `GET /_emulator/metrics`: requests by vendor, method, route template and
/// status, a latency histogram per route, and faults fired.
///
/// Cheap on the request path (the benchmarks must not move): every thread that records gets its own shard,
/// found through a `pthread_key_t` (no lookup shared across threads), and takes only that shard's lock, which
/// no other thread takes except a scrape. Routes are numbered once at start from the dispatcher's routers, so
/// a request costs one dictionary lookup of its template (hashed, never built), one of an `Int`, and a few
/// additions; label strings are only written when `/_emulator/metrics` is read.
final class RequestMetrics: @unchecked Sendable {
    // @unchecked: `key` is written once in init; everything mutable is in shards behind their own locks.

    /// Latency histogram bucket bounds (seconds): 0.1 ms (a ping) to 10 s (a long poll ends as a timeout).
    static let bucketBounds: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]
    /// The methods counted by name; anything else is counted as `OTHER`.
    static let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"]

    /// One label set of the route dimension: the router's name and a template, or `unmatched`.
    struct Route: Sendable {
        var vendor: String
        var route: String
    }
    /// Every route known at start, by slot. Slot `routes.count - 1` is a request no router took.
    let routes: [Route]
    /// Router index → template → slot.
    private let slotsByRouter: [[String: Int]]
    /// Router index → the slot of that router's requests that matched no template (404/405).
    private let unmatchedSlot: [Int]
    private var noneSlot: Int { routes.count - 1 }
    let routerNames: [String]

    /// A `let`: a `var` would cost an exclusivity check on every request's read.
    private let key: pthread_key_t
    private let hasKey: Bool
    /// Every shard, for scrapes; the shards also keep themselves alive (the thread-specific value is unretained).
    private let shards = Locked<[Shard]>([])
    /// Used when no thread-specific key could be made (the process ran out of them): one shard for all.
    private let fallback: Shard

    /// - Parameter routers: each router's name and the templates it serves, in the dispatcher's order.
    init(routers: [(name: String, templates: [String])]) {
        var routes: [Route] = []
        var slotsByRouter: [[String: Int]] = []
        var unmatched: [Int] = []
        for router in routers {
            var slots: [String: Int] = [:]
            for template in router.templates where slots[template] == nil {
                slots[template] = routes.count
                routes.append(Route(vendor: router.name, route: template))
            }
            slotsByRouter.append(slots)
            unmatched.append(routes.count)
            routes.append(Route(vendor: router.name, route: "unmatched"))
        }
        routes.append(Route(vendor: "none", route: "unmatched"))
        self.routes = routes
        self.slotsByRouter = slotsByRouter
        unmatchedSlot = unmatched
        routerNames = routers.map(\.name)
        var key = pthread_key_t()
        hasKey = pthread_key_create(&key, nil) == 0
        self.key = key
        fallback = Shard(slots: routes.count)
        shards.withLock { $0.append(fallback) }
    }

    deinit {
        if hasKey { pthread_key_delete(key) }
    }

    /// The calling thread's shard, made on its first request.
    @inline(__always)
    func shard() -> Shard {
        guard hasKey else { return fallback }
        if let p = pthread_getspecific(key) { return Unmanaged<Shard>.fromOpaque(p).takeUnretainedValue() }
        let made = Shard(slots: routes.count)
        shards.withLock { $0.append(made) }
        pthread_setspecific(key, Unmanaged.passUnretained(made).toOpaque())
        return made
    }

    /// The slot of a resolved request.
    @inline(__always)
    func slot(router: Int?, route: String?) -> Int {
        guard let router, router < slotsByRouter.count else { return noneSlot }
        guard let route, let slot = slotsByRouter[router][route] else { return unmatchedSlot[router] }
        return slot
    }

    @inline(__always)
    static func methodIndex(_ method: HTTPMethod) -> Int {
        switch method.rawValue {
        case "GET": 0
        case "HEAD": 1
        case "POST": 2
        case "PUT": 3
        case "PATCH": 4
        case "DELETE": 5
        case "OPTIONS": 6
        default: 7
        }
    }

    /// `slot(router:route:)` through the calling thread's shard's cache: a route's template is the same string
    /// (the same storage) on every request, so a hit costs one identity comparison instead of hashing it.
    @inline(__always)
    func slot(router: Int?, route: String?, in shard: Shard) -> Int {
        guard let router, let route else { return slot(router: router, route: route) }
        let i = (route.utf8.count &+ router) & (Shard.cacheSize - 1)
        let cached = shard.owner.pointee.slotCache[i]
        if cached.router == router, cached.route == route { return cached.slot }
        let found = slot(router: router, route: route)
        shard.owner.pointee.slotCache[i] = (router, route, found)
        return found
    }

    /// Counts one answered request.
    /// - Parameters:
    ///   - slot: `slot(router:route:)` of the request.
    ///   - method: `methodIndex(_:)` of its method.
    ///   - status: the status sent (499: the client hung up before a deferred answer came).
    ///   - seconds: from the handler being called to the answer.
    @inline(__always)
    func record(slot: Int, method: Int, status: Int, seconds: Double) {
        shard().record(slot: slot, method: method, status: status, seconds: seconds)
    }

    /// Counts a fault rule acting on a request.
    func recordFault(router: Int?, rule: String) {
        let vendor = router.flatMap { $0 < routerNames.count ? routerNames[$0] : nil } ?? "none"
        shard().counts.withLock { $0.faults[FaultKey(vendor: vendor, rule: rule), default: 0] += 1 }
    }

    struct FaultKey: Hashable, Sendable {
        var vendor: String
        var rule: String
    }

    /// One counter series of `maildouble_requests_total`.
    struct RequestCount: Sendable, Equatable {
        var slot: Int
        var method: Int
        var status: Int
        var count: Int
    }

    /// One route's latency histogram: per-bucket counts (not cumulative; the last is +Inf), sum and count.
    struct Latency: Sendable {
        var slot: Int
        var buckets: [Int]
        var sum: Double
        var count: Int
    }

    /// Everything the shards counted, added up (for a scrape).
    struct Totals: Sendable {
        var requests: [RequestCount]
        var latency: [Latency]
        var faults: [FaultKey: Int]
    }

    func totals() -> Totals {
        var requests: [Int: Int] = [:]
        let width = Self.bucketBounds.count + 1
        var buckets = [Int](repeating: 0, count: routes.count * width)
        var sums = [Double](repeating: 0, count: routes.count)
        var counts = [Int](repeating: 0, count: routes.count)
        var faults: [FaultKey: Int] = [:]
        for shard in shards.withLock({ $0 }) {
            shard.counts.withLock { c in
                for (key, index) in c.index { requests[key, default: 0] += c.requestCounts[index] }
                for i in buckets.indices { buckets[i] += c.buckets[i] }
                for slot in counts.indices {
                    sums[slot] += c.sums[slot]
                    counts[slot] += c.observed[slot]
                }
                faults.merge(c.faults, uniquingKeysWith: +)
            }
        }
        let requestList = requests.map { key, count in
            RequestCount(slot: key >> 16, method: (key >> 12) & 0xF, status: key & 0xFFF, count: count)
        }
        .sorted { ($0.slot, $0.method, $0.status) < ($1.slot, $1.method, $1.status) }
        let latency = counts.indices.filter { counts[$0] > 0 }.map { slot in
            Latency(
                slot: slot,
                buckets: Array(buckets[(slot * width)..<((slot + 1) * width)]),
                sum: sums[slot],
                count: counts[slot]
            )
        }
        return Totals(requests: requestList, latency: latency, faults: faults)
    }

    /// One thread's counters.
    final class Shard: @unchecked Sendable {
        // @unchecked: `counts` is locked; `random` and `slotCache` are only touched by the thread that owns it.
        struct Counts {
            /// `slot << 16 | method << 12 | status` → index in `requestCounts` (statuses are sparse).
            var index: [Int: Int] = [:]
            var requestCounts: [Int] = []
            var lastKey = -1
            var lastIndex = 0
            /// Latency, dense by slot: `buckets[slot * (bounds + 1) + bucket]` (not cumulative), sum, count.
            var buckets: [Int]
            var sums: [Double]
            var observed: [Int]
            var faults: [FaultKey: Int] = [:]
        }
        let counts: Locked<Counts>
        /// What only the owning thread touches, without a lock: the generator of request ids (`RequestID.make`)
        /// and recently resolved (router, template) → slot (`slot(…in:)`). Behind a pointer, not in `var`s of this
        /// class, whose every access would cost a dynamic exclusivity check.
        struct OwnerState {
            var random = FastRandom()
            var slotCache = [(router: Int, route: String, slot: Int)](repeating: (-1, "", 0), count: cacheSize)
        }
        static let cacheSize = 16
        let owner: UnsafeMutablePointer<OwnerState>

        deinit {
            owner.deinitialize(count: 1)
            owner.deallocate()
        }

        init(slots: Int) {
            owner = UnsafeMutablePointer<OwnerState>.allocate(capacity: 1)
            owner.initialize(to: OwnerState())
            counts = Locked(
                Counts(
                    buckets: [Int](repeating: 0, count: slots * (RequestMetrics.bucketBounds.count + 1)),
                    sums: [Double](repeating: 0, count: slots),
                    observed: [Int](repeating: 0, count: slots)
                )
            )
        }

        @inline(__always)
        func record(slot: Int, method: Int, status: Int, seconds: Double) {
            let key = slot << 16 | method << 12 | (status & 0xFFF)
            let bucket = RequestMetrics.bucket(for: seconds)
            counts.withLock { c in
                // The same route and status as the last request (a client's loop, a benchmark): no hashing.
                if key == c.lastKey {
                    c.requestCounts[c.lastIndex] += 1
                } else if let i = c.index[key] {
                    c.requestCounts[i] += 1
                    (c.lastKey, c.lastIndex) = (key, i)
                } else {
                    c.index[key] = c.requestCounts.count
                    (c.lastKey, c.lastIndex) = (key, c.requestCounts.count)
                    c.requestCounts.append(1)
                }
                c.buckets[slot &* (RequestMetrics.bucketBounds.count + 1) &+ bucket] += 1
                c.sums[slot] += seconds
                c.observed[slot] += 1
            }
        }
    }

    /// The index of the first bucket whose bound is ≥ `seconds` (the last: +Inf).
    @inline(__always)
    static func bucket(for seconds: Double) -> Int {
        var i = 0
        while i < bucketBounds.count && seconds > bucketBounds[i] { i += 1 }
        return i
    }
}
