// SPDX-License-Identifier: Apache-2.0
public import HTTPCore
import Synchronization

/// The scripted faults every event loop consults (`/_emulator/faults`, `--faults`), thread-safe.
///
/// Cost when unused: one relaxed atomic load per request (`isEmpty`). With rules set, a request takes the
/// current immutable rule list under the lock (a reference copy), matches it without the lock, and only a rule
/// that matches takes the lock again to fire: its `remaining` is checked and decremented there, so two loops
/// racing for a `times: 1` rule fire it once. The first matching rule (creation order) whose probability draw
/// succeeds fires; a failed draw lets later rules try.
public final class FaultPlan: Sendable {
    /// A rule with its counters, as the control routes list it.
    public struct Entry: Sendable {
        public var rule: FaultRule
        public var fired: Int
        /// Nil = unlimited.
        public var remaining: Int? { rule.times.map { max(0, $0 - fired) } }
    }

    /// Immutable, shared by every loop until the next change.
    private final class Snapshot: Sendable {
        /// A request rule with the router index its `vendor` resolved to (-1: any, -2: a name no router has).
        struct Compiled: Sendable {
            let rule: FaultRule
            let router: Int
        }
        let requestRules: [Compiled]
        let listenerRules: [FaultRule]
        /// Indexes into `requestRules` of the rules without a `route` condition, ascending: asked for every
        /// request.
        let anyRoute: [Int]
        /// Route template → indexes of the rules for that route, ascending: asked only for requests that
        /// matched it, so rules for other routes cost a request nothing (one dictionary lookup in all).
        let byRoute: [String: [Int]]

        init(_ entries: [Entry], routerNames: [String]) {
            var request: [Compiled] = []
            var listener: [FaultRule] = []
            for entry in entries {
                if entry.rule.isListenerRule {
                    listener.append(entry.rule)
                } else {
                    let router = entry.rule.match.vendor.map { routerNames.firstIndex(of: $0) ?? -2 } ?? -1
                    request.append(Compiled(rule: entry.rule, router: router))
                }
            }
            requestRules = request
            listenerRules = listener
            var anyRoute: [Int] = []
            var byRoute: [String: [Int]] = [:]
            for (i, compiled) in request.enumerated() where compiled.router != -2 {
                if let route = compiled.rule.match.route {
                    byRoute[route, default: []].append(i)
                } else {
                    anyRoute.append(i)
                }
            }
            self.anyRoute = anyRoute
            self.byRoute = byRoute
        }
    }

    private struct State {
        var entries: [Entry] = []
        /// Rule id → its generator, drawn from under the lock.
        var generators: [String: FastRandom] = [:]
        var nextNumber = 1
        var snapshot: Snapshot
    }

    private let routerNames: [String]
    private let requestRuleCount = Atomic<Int>(0)
    private let listenerRuleCount = Atomic<Int>(0)
    private let state: Locked<State>

    /// - Parameter routerNames: the dispatcher's router names in order, so that `vendor` compares as an index.
    public init(routerNames: [String]) {
        self.routerNames = routerNames
        state = Locked(State(snapshot: Snapshot([], routerNames: routerNames)))
    }

    /// True when no request rule is set: the per-request check.
    @inline(__always)
    public var isEmpty: Bool { requestRuleCount.load(ordering: .relaxed) == 0 }

    /// True when some `refuse` rule is set: the per-connection check.
    @inline(__always)
    public var hasListenerRules: Bool { listenerRuleCount.load(ordering: .relaxed) > 0 }

    // MARK: Changing

    /// Stores `rules` in order, giving each its id (`flt_<n>`) and `createdAt`; returns them as stored.
    @discardableResult
    public func add(_ rules: [FaultRule], at now: Timestamp) -> [Entry] {
        changing { state in
            var added: [Entry] = []
            for var rule in rules {
                rule.id = "flt_\(state.nextNumber)"
                state.nextNumber += 1
                rule.createdAt = now
                state.generators[rule.id] = rule.seed.map { FastRandom(seed: $0) } ?? FastRandom()
                let entry = Entry(rule: rule, fired: 0)
                state.entries.append(entry)
                added.append(entry)
            }
            return added
        }
    }

    /// Removes one rule; returns it as it was, or nil for an unknown id.
    public func remove(id: String) -> Entry? {
        changing { state in
            guard let i = state.entries.firstIndex(where: { $0.rule.id == id }) else { return nil }
            state.generators[id] = nil
            return state.entries.remove(at: i)
        }
    }

    /// Removes every rule; returns how many there were. Ids keep counting up.
    @discardableResult
    public func removeAll() -> Int {
        changing { state in
            let n = state.entries.count
            state.entries.removeAll()
            state.generators.removeAll()
            return n
        }
    }

    /// Every rule in creation order, with its counters.
    public var entries: [Entry] { state.withLock { $0.entries } }

    public func entry(id: String) -> Entry? { state.withLock { s in s.entries.first { $0.rule.id == id } } }

    private func changing<R>(_ body: (inout State) -> R) -> R {
        state.withLock { state in
            let result = body(&state)
            state.snapshot = Snapshot(state.entries, routerNames: routerNames)
            requestRuleCount.store(state.snapshot.requestRules.count, ordering: .relaxed)
            listenerRuleCount.store(state.snapshot.listenerRules.count, ordering: .relaxed)
            return result
        }
    }

    // MARK: Firing

    /// The rule that fires for `request`, counted, or nil.
    /// - Parameters:
    ///   - request: the request as received.
    ///   - router: the index (in `routerNames`) of the router it resolved to, or nil for the fallback.
    ///   - route: the matched route template, if any.
    ///   - tenant: the request's tenant, asked at most once and only when a rule matches on it.
    ///   - resolveTenant: the native id a rule's `tenant` (a provisioned tenant's name) means in the vendor
    ///     the request resolved to; a rule matches either.
    public func fire(
        _ request: Request,
        router: Int?,
        route: String?,
        tenant: (Request) -> String?,
        resolveTenant: (String) -> String? = { _ in nil }
    ) -> FaultRule? {
        if isEmpty { return nil }
        let snapshot = state.withLock { $0.snapshot }
        let rules = snapshot.requestRules
        let routerIndex = router ?? -3
        var tenantValue: String??
        let general = snapshot.anyRoute
        let routed = route.flatMap { snapshot.byRoute[$0] } ?? []
        // The two candidate lists merged in creation order (both ascending): the first rule that fires wins.
        var a = 0
        var b = 0
        while a < general.count || b < routed.count {
            let i: Int
            if b == routed.count || (a < general.count && general[a] < routed[b]) {
                i = general[a]
                a += 1
            } else {
                i = routed[b]
                b += 1
            }
            // By index and through the element: no rule is copied (retained field by field) on the way.
            if rules[i].router != -1 && rules[i].router != routerIndex { continue }
            guard
                rules[i].rule.match.matches(
                    request,
                    route: route,
                    tenant: tenant,
                    resolveTenant: resolveTenant,
                    cache: &tenantValue
                )
            else {
                continue
            }
            if claim(rules[i].rule) { return rules[i].rule }
        }
        return nil
    }

    /// The `refuse` rule that closes a connection accepted on `localAddress`, counted, or nil.
    public func refusal(localAddress: String) -> FaultRule? {
        if !hasListenerRules { return nil }
        let snapshot = state.withLock { $0.snapshot }
        for rule in snapshot.listenerRules {
            if let address = rule.match.localAddress, !address.matches(localAddress) { continue }
            if claim(rule) { return rule }
        }
        return nil
    }

    /// Fires `rule` if it has firings left and its draw succeeds, under the lock.
    private func claim(_ rule: FaultRule) -> Bool {
        state.withLock { state in
            // Removed since the snapshot was taken, or used up: it no longer fires.
            guard let i = state.entries.firstIndex(where: { $0.rule.id == rule.id }) else { return false }
            if let remaining = state.entries[i].remaining, remaining == 0 { return false }
            if rule.probability < 1 {
                guard var generator = state.generators[rule.id] else { return false }
                // 53 random bits → a uniform double in [0, 1).
                let draw = Double(generator.next() >> 11) / Double(UInt64(1) << 53)
                state.generators[rule.id] = generator
                if draw >= rule.probability { return false }
            }
            state.entries[i].fired += 1
            return true
        }
    }
}
