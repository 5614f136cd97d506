// SPDX-License-Identifier: Apache-2.0
public import EmulatorKit
public import HTTPCore
public import Routing

/// `/_emulator/faults`: scripted, vendor-correct faults (issue 10, item 4).
///
/// - `POST /_emulator/faults` takes one rule (→ 201 the rule as stored) or an array (→ 201 `{"data":[…]}`,
///   all or nothing: one bad rule refuses the whole array).
/// - `GET /_emulator/faults` → `{"data":[…]}` in creation order; `GET /_emulator/faults/{id}` → the rule or 404.
/// - `DELETE /_emulator/faults` → `{"deleted":n}`; `DELETE /_emulator/faults/{id}` → the removed rule or 404.
///
/// A stored rule is `{"id":"flt_1","match":{…},"action":{…},"times":1,"probability":1,"seed":null,"fired":0,
/// "remaining":1,"created_at":"…"}` (`times` and `remaining` null when unlimited; `created_at` on the emulator
/// clock). A used-up rule stays listed with `remaining` 0 and never fires again. `POST /_emulator/reset` without
/// `vendor` and `tenant` also removes every rule.
public struct FaultRoutes: Sendable {
    let plan: FaultPlan
    let clock: EmulatorClock
    let vendors: [String]

    /// - Parameters:
    ///   - plan: the rules the server consults.
    ///   - clock: stamps `created_at`.
    ///   - vendors: the names `match.vendor` may take.
    public init(plan: FaultPlan, clock: EmulatorClock, vendors: [String]) {
        self.plan = plan
        self.clock = clock
        self.vendors = vendors
    }

    public func addRoutes(to router: inout Router) {
        router.post("/_emulator/faults") { request in try create(request) }
        router.get("/_emulator/faults") { _ in .json(["data": .array(plan.entries.map(Self.json))]) }
        router.delete("/_emulator/faults") { _ in .json(["deleted": .int(plan.removeAll())]) }
        router.get("/_emulator/faults/{id}") { request in
            guard let entry = plan.entry(id: request.parameter("id")) else { throw Self.unknown(request) }
            return .json(Self.json(entry))
        }
        router.delete("/_emulator/faults/{id}") { request in
            guard let entry = plan.remove(id: request.parameter("id")) else { throw Self.unknown(request) }
            return .json(Self.json(entry))
        }
    }

    func create(_ request: Request) throws(HTTPError) -> Response {
        guard let body = try? request.jsonBody() else {
            throw HTTPError(.badRequest, message: "The body must be a JSON fault rule or an array of them.")
        }
        let (rules, isArray) = try FaultRuleParser.parseBody(body, vendors: vendors)
        guard plan.entries.count + rules.count <= FaultRuleParser.maxRules else {
            throw HTTPError(.badRequest, message: "At most \(FaultRuleParser.maxRules) rules; delete some first.")
        }
        let stored = plan.add(rules, at: clock.now())
        if isArray { return .json(["data": .array(stored.map(Self.json))], status: .created) }
        return .json(Self.json(stored[0]), status: .created)
    }

    static func unknown(_ request: Request) -> HTTPError {
        HTTPError(.notFound, message: "No fault rule '\(request.parameter("id"))'.")
    }

    /// A rule as the routes show it.
    public static func json(_ entry: FaultPlan.Entry) -> JSON {
        let rule = entry.rule
        return [
            "id": .string(rule.id),
            "match": rule.matchJSON,
            "action": rule.actionJSON,
            "times": .int(rule.times),
            "probability": .double(rule.probability),
            "seed": rule.seed.map { .int(Int64(bitPattern: $0)) } ?? .null,
            "fired": .int(entry.fired),
            "remaining": .int(entry.remaining),
            "created_at": .string(rule.createdAt.iso8601()),
        ]
    }
}
