// SPDX-License-Identifier: Apache-2.0
public import EmulatorKit
public import HTTPCore

/// Reads fault rules from JSON (`POST /_emulator/faults`, `--faults FILE`), refusing anything it does not
/// understand with a 400 that says what is wrong.
///
/// Choices the issue leaves open:
/// - `match` may be left out (same as `{}`); unknown keys in a rule, its `match` or its `action` are refused.
/// - `method` is compared upper-cased; `route` and `path` under `/_emulator` are refused (the control plane is
///   never faulted); `local_address` compares the host as the server writes it (`inet_ntop` form).
/// - `refuse` needs `local_address` and nothing else in `match`: a refusal of every address would also lock
///   the control routes out.
/// - `rst_stream` and `goaway` take an HTTP/2 error code name (or `true`: `INTERNAL_ERROR` / `NO_ERROR`); both
///   act without handling the request.
/// - `seed` is any integer (a negative one is taken by its bit pattern).
public enum FaultRuleParser {
    /// The most rules the plan holds, so that a runaway script cannot grow it without bound.
    public static let maxRules = 10_000

    /// One rule, or an array of rules.
    /// - Parameters:
    ///   - json: the decoded body.
    ///   - vendors: the names `match.vendor` may take.
    /// - Returns: the rules, and whether an array was given.
    public static func parseBody(
        _ json: JSON,
        vendors: [String]
    ) throws(HTTPError) -> (rules: [FaultRule], isArray: Bool) {
        if case .array(let items) = json {
            guard items.count <= maxRules else { throw bad("At most \(maxRules) rules at once.") }
            var rules: [FaultRule] = []
            for (i, item) in items.enumerated() {
                do { rules.append(try parse(item, vendors: vendors)) } catch {
                    throw bad("Rule \(i): \(Self.message(of: error))")
                }
            }
            return (rules, true)
        }
        return ([try parse(json, vendors: vendors)], false)
    }

    /// One rule object.
    public static func parse(_ json: JSON, vendors: [String]) throws(HTTPError) -> FaultRule {
        guard let o = json.objectValue else {
            throw bad("A fault rule is an object like {\"match\":{…},\"action\":{\"status\":503}}.")
        }
        try onlyKeys(o, ["match", "action", "times", "probability", "seed"], in: "a rule")
        let matchJSON = o["match"] ?? .object(JSONObject())
        guard let m = matchJSON.objectValue else { throw bad("'match' is an object.") }
        let match = try parseMatch(m, vendors: vendors)
        guard let actionJSON = o["action"] else { throw bad("A rule needs an 'action'.") }
        guard let a = actionJSON.objectValue else { throw bad("'action' is an object like {\"status\":503}.") }
        let action = try parseAction(a)
        if case .refuse = action {
            guard match.localAddress != nil, m.count == 1 else {
                throw bad("A 'refuse' rule matches on 'local_address' only (the listener to refuse).")
            }
        }
        var times: Int? = 1
        if let t = o["times"] {
            if t.isNull {
                times = nil
            } else {
                guard let n = t.intValue, n >= 1 else { throw bad("'times' is an integer ≥ 1, or null (unlimited).") }
                times = n
            }
        }
        var probability = 1.0
        if let p = o["probability"] {
            guard let d = p.doubleValue, d > 0, d <= 1 else { throw bad("'probability' is a number with 0 < p ≤ 1.") }
            probability = d
        }
        var seed: UInt64?
        if let s = o["seed"], !s.isNull {
            guard case .int(let n) = s else { throw bad("'seed' is an integer.") }
            seed = UInt64(bitPattern: n)
        }
        return FaultRule(
            match: match,
            action: action,
            times: times,
            probability: probability,
            seed: seed,
            matchJSON: matchJSON,
            actionJSON: actionJSON
        )
    }

    static func parseMatch(_ m: JSONObject, vendors: [String]) throws(HTTPError) -> FaultMatch {
        try onlyKeys(
            m,
            ["vendor", "method", "route", "path", "tenant", "credential", "header", "local_address"],
            in: "'match'"
        )
        var match = FaultMatch()
        if let v = m["vendor"] {
            guard let name = v.stringValue, vendors.contains(name) else {
                throw bad("'match.vendor' is one of \(vendors.joined(separator: ", ")).")
            }
            match.vendor = name
        }
        if let v = m["method"] {
            guard let s = v.stringValue, !s.isEmpty, s.utf8AllSatisfy({ Self.isTokenByte($0) }) else {
                throw bad("'match.method' is an HTTP method such as POST.")
            }
            match.method = s.uppercased()
        }
        if let v = m["route"] {
            guard let s = v.stringValue, s.hasPrefix("/") else {
                throw bad("'match.route' is a route template such as /emails or /{account_id}/messages/submit.")
            }
            try notControlPlane(s, "route")
            match.route = s
        }
        if let v = m["path"] {
            guard let s = v.stringValue, s.hasPrefix("/") else {
                throw bad("'match.path' is a glob over the path such as /*/messages/** ('*' one segment, '**' any).")
            }
            try notControlPlane(s, "path")
            match.path = FaultGlob(s)
        }
        if let v = m["tenant"] {
            guard let s = v.stringValue, !s.isEmpty else { throw bad("'match.tenant' is a tenant id (a string).") }
            match.tenant = s
        }
        if let v = m["credential"] {
            guard let s = v.stringValue, !s.isEmpty else {
                throw bad("'match.credential' is a token, API key or Basic user name (a string).")
            }
            match.credential = s
        }
        if let v = m["header"] {
            guard let h = v.objectValue, let name = h["name"]?.stringValue, !name.isEmpty,
                name.utf8AllSatisfy({ Self.isTokenByte($0) })
            else { throw bad("'match.header' is {\"name\":\"X-Test\",\"value\":\"glob\"} (value optional).") }
            try onlyKeys(h, ["name", "value"], in: "'match.header'")
            var value: FaultGlob?
            if let given = h["value"] {
                guard let s = given.stringValue else { throw bad("'match.header.value' is a glob (a string).") }
                value = FaultGlob(s, separator: nil)
            }
            match.header = FaultMatch.HeaderCondition(name: name, value: value)
        }
        if let v = m["local_address"] {
            guard let s = v.stringValue, let address = FaultMatch.AddressCondition(s) else {
                throw bad("'match.local_address' is \"127.0.0.2\", \"127.0.0.2:8025\" or \":8025\".")
            }
            match.localAddress = address
        }
        return match
    }

    static let actionKeys = ["status", "delay_ms", "drop", "reset", "slow_body", "rst_stream", "goaway", "refuse"]

    static func parseAction(_ a: JSONObject) throws(HTTPError) -> FaultAction {
        let kinds = a.keys.filter { actionKeys.contains($0) }
        guard kinds.count == 1, let kind = kinds.first, let value = a[kind] else {
            throw bad("'action' holds exactly one of \(actionKeys.joined(separator: ", ")).")
        }
        if kind != "status" { try onlyKeys(a, [kind], in: "a '\(kind)' action") }
        switch kind {
        case "status":
            return .status(try parseStatus(a))
        case "delay_ms":
            guard let ms = value.intValue, (0...60_000).contains(ms) else {
                throw bad("'delay_ms' is a number of milliseconds from 0 to 60000.")
            }
            return .delay(milliseconds: ms)
        case "drop":
            switch value.stringValue {
            case "before": return .drop(afterCommit: false)
            case "after_commit": return .drop(afterCommit: true)
            default: throw bad("'drop' is \"before\" (not handled) or \"after_commit\" (handled, then closed).")
            }
        case "reset":
            guard value.boolValue == true else { throw bad("'reset' is true.") }
            return .reset
        case "slow_body":
            guard let rate = value.intValue, (1...100_000_000).contains(rate) else {
                throw bad("'slow_body' is a rate in bytes per second from 1 to 100000000.")
            }
            return .slowBody(bytesPerSecond: rate)
        case "rst_stream":
            return .rstStream(code: try errorCode(value, default: "INTERNAL_ERROR", kind))
        case "goaway":
            return .goaway(code: try errorCode(value, default: "NO_ERROR", kind))
        default:
            guard value.boolValue == true else { throw bad("'refuse' is true.") }
            return .refuse
        }
    }

    static func parseStatus(_ a: JSONObject) throws(HTTPError) -> FaultAction.StatusFault {
        try onlyKeys(a, ["status", "message", "body", "headers", "retry_after"], in: "a 'status' action")
        guard let status = a["status"]?.intValue, (400...599).contains(status) else {
            throw bad("'status' is an error status from 400 to 599.")
        }
        var message: String?
        if let m = a["message"] {
            guard let s = m.stringValue else { throw bad("'message' is a string.") }
            message = s
        }
        var body: FaultAction.StatusFault.Body?
        if let b = a["body"] {
            if case .string(let s) = b { body = .text(s) } else { body = .json(b) }
        }
        var headers: [FaultAction.StatusFault.Header] = []
        if let h = a["headers"] {
            guard let o = h.objectValue else { throw bad("'headers' is an object of names to string values.") }
            for (name, value) in o {
                guard !name.isEmpty, name.utf8AllSatisfy({ Self.isTokenByte($0) }), let text = value.stringValue,
                    !text.utf8Contains(where: { $0 == 13 || $0 == 10 || $0 == 0 })
                else { throw bad("Header '\(name)' needs a token name and a one-line string value.") }
                headers.append(.init(name: name, value: text))
            }
        }
        var retryAfter = 1
        if let r = a["retry_after"] {
            guard let n = r.intValue, (0...86_400).contains(n) else {
                throw bad("'retry_after' is a number of seconds from 0 to 86400.")
            }
            retryAfter = n
        }
        return .init(status: status, message: message, body: body, headers: headers, retryAfter: retryAfter)
    }

    static func errorCode(_ value: JSON, default name: String, _ kind: String) throws(HTTPError) -> UInt32 {
        let given = value.boolValue == true ? name : value.stringValue
        guard let given, let code = ConnectionAction.http2ErrorCodes[given.uppercased()] else {
            let names = ConnectionAction.http2ErrorCodes.sorted { $0.value < $1.value }.map(\.key)
            throw bad("'\(kind)' is an HTTP/2 error code name: \(names.joined(separator: ", ")).")
        }
        return code
    }

    // MARK: Helpers

    static func onlyKeys(_ o: JSONObject, _ allowed: [String], in what: String) throws(HTTPError) {
        if let unknown = o.keys.first(where: { !allowed.contains($0) }) {
            throw bad("Unknown key '\(unknown)' in \(what); allowed: \(allowed.joined(separator: ", ")).")
        }
    }

    static func notControlPlane(_ text: String, _ key: String) throws(HTTPError) {
        if text == "/_emulator" || text.hasPrefix("/_emulator/") {
            throw bad("'match.\(key)' cannot name the control routes: /_emulator/ is never faulted.")
        }
    }

    /// RFC 9110 §5.6.2 tchar.
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(b)
        }
    }

    static func bad(_ message: String) -> HTTPError { HTTPError(.badRequest, message: message) }

    static func message(of error: HTTPError) -> String {
        (try? JSON.parse(error.response.body))?["message"]?.stringValue ?? "invalid rule"
    }
}
