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

    private var key = pthread_key_t()
    private let hasKey: Bool
    /// Every shard, for scrapes; the shards also keep themselves alive (the thread-specific value is unretained).
    private let shards = Locked<[Shard]>([])
    /// Used when no thread-specific key could be made (the process ran out of them): one shard for all.
    private let fallback = Shard()

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
        hasKey = pthread_key_create(&key, nil) == 0
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
        let made = Shard()
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
        var buckets: [Int: [Int]] = [:]
        var sums: [Int: Double] = [:]
        var counts: [Int: Int] = [:]
        var faults: [FaultKey: Int] = [:]
        for shard in shards.withLock({ $0 }) {
            shard.counts.withLock { c in
                for (key, index) in c.index { requests[key, default: 0] += c.requestCounts[index] }
                for (slot, h) in c.histograms {
                    var b = buckets[slot] ?? [Int](repeating: 0, count: h.buckets.count)
                    for i in b.indices { b[i] += h.buckets[i] }
                    buckets[slot] = b
                    sums[slot, default: 0] += h.sum
                    counts[slot, default: 0] += h.count
                }
                faults.merge(c.faults, uniquingKeysWith: +)
            }
        }
        let requestList = requests.map { key, count in
            RequestCount(slot: key >> 16, method: (key >> 12) & 0xF, status: key & 0xFFF, count: count)
        }
        .sorted { ($0.slot, $0.method, $0.status) < ($1.slot, $1.method, $1.status) }
        let latency = buckets.keys.sorted().map {
            Latency(slot: $0, buckets: buckets[$0]!, sum: sums[$0] ?? 0, count: counts[$0] ?? 0)
        }
        return Totals(requests: requestList, latency: latency, faults: faults)
    }

    /// One thread's counters.
    final class Shard: @unchecked Sendable {
        // @unchecked: `counts` is locked; `random` is only touched by the thread that owns the shard.
        struct Histogram {
            var buckets = [Int](repeating: 0, count: RequestMetrics.bucketBounds.count + 1)
            var sum = 0.0
            var count = 0
        }
        struct Counts {
            /// `slot << 16 | method << 12 | status` → index in `requestCounts`.
            var index: [Int: Int] = [:]
            var requestCounts: [Int] = []
            var histograms: [Int: Histogram] = [:]
            var faults: [FaultKey: Int] = [:]
        }
        let counts = Locked(Counts())
        /// Request ids made on this thread (`RequestID.make`), without a lock.
        var random = FastRandom()

        @inline(__always)
        func record(slot: Int, method: Int, status: Int, seconds: Double) {
            let key = slot << 16 | method << 12 | (status & 0xFFF)
            let bucket = RequestMetrics.bucket(for: seconds)
            counts.withLock { c in
                if let i = c.index[key] {
                    c.requestCounts[i] += 1
                } else {
                    c.index[key] = c.requestCounts.count
                    c.requestCounts.append(1)
                }
                c.histograms[slot, default: Histogram()].observe(bucket: bucket, seconds: seconds)
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

extension RequestMetrics.Shard.Histogram {
    @inline(__always)
    mutating func observe(bucket: Int, seconds: Double) {
        buckets[bucket] += 1
        sum += seconds
        count += 1
    }
}
