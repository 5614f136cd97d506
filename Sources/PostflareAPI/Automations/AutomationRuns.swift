// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

struct AutomationStep: Sendable, Codable {
    var key: String
    var type: String
    var config: JSONObject
}

struct AutomationConnection: Sendable, Codable {
    var from: String
    var to: String
    var type: String
}

struct AutomationRecord: Sendable, Listed, Codable {
    var id: String
    var name: String
    var status: String  // enabled | disabled
    var steps: [AutomationStep]
    var connections: [AutomationConnection]
    var createdAt: Int64
    var updatedAt: Int64
    var seq: Int

    func step(_ key: String) -> AutomationStep? { steps.first { $0.key == key } }

    /// The step after `key` along a connection of `type` (a missing type means `default`).
    func next(after key: String, _ type: String = "default") -> String? {
        connections.first { $0.from == key && $0.type == type }?.to
    }
}

struct RunStep: Sendable, Codable {
    var key: String
    var type: String
    var status: String  // completed | waiting | failed
    var startedAt: Int64
    var completedAt: Int64?
    var output: JSON = .null
    var error: JSON = .null
}

struct AutomationRun: Sendable, Listed, Codable {
    var id: String
    var automationId: String
    var contactId: String
    var status: String  // running | completed | failed | cancelled
    var createdAt: Int64
    var completedAt: Int64?
    var steps: [RunStep]
    /// The step to run next, and the emulator time from which it may run (a delay's end).
    var nextKey: String?
    var resumeAt: Int64
    var seq: Int
}

/// Runs an automation for a contact step by step on the emulator clock. A run moves forward whenever the
/// team is touched after its `resumeAt` (delays are derived lazily like the life of an e-mail). `condition`
/// supports `rule` (`eq`, `neq`, `contains`, `exists` on `first_name`, `last_name`, `email`, `unsubscribed`
/// or `properties.<key>`), `and` and `or`; `wait_for_event` waits for its `timeout` and takes the
/// `timeout` branch (events sent meanwhile are not matched).
extension Team {
    mutating func advanceRuns(now: Int64, seq: inout Int) {
        guard runWake <= now else { return }
        for id in runs.values.map(\.id) where runs[id]?.status == "running" && (runs[id]?.resumeAt ?? .max) <= now {
            advance(runId: id, now: now, seq: &seq)
        }
        updateRunWake()
    }

    mutating func updateRunWake() {
        runWake = runs.values.filter { $0.status == "running" }.map(\.resumeAt).min() ?? .max
    }

    mutating func advance(runId: String, now: Int64, seq: inout Int) {
        guard var run = runs[runId], let automation = automations[run.automationId] else { return }
        var guardSteps = 0
        while run.status == "running", let key = run.nextKey, run.resumeAt <= now, guardSteps < 200 {
            guardSteps += 1
            guard let step = automation.step(key) else {
                run.status = "completed"
                break
            }
            let at = run.resumeAt
            if let i = run.steps.lastIndex(where: { $0.key == key && $0.status == "waiting" }) {
                // A delay or wait whose time has come: finish it and follow its branch.
                run.steps[i].status = "completed"
                run.steps[i].completedAt = at
                run.nextKey =
                    automation.next(after: key, step.type == "wait_for_event" ? "timeout" : "default")
                    ?? automation.next(after: key)
                continue
            }
            var record = RunStep(key: key, type: step.type, status: "completed", startedAt: at, completedAt: at)
            var branch = "default"
            switch step.type {
            case "delay", "wait_for_event":
                let text = step.config[step.type == "delay" ? "duration" : "timeout"]?.stringValue ?? ""
                let words = text.lowercased().split(separator: " ").map(String.init)
                record.status = "waiting"
                record.completedAt = nil
                run.steps.append(record)
                if let d = Scheduling.duration(words) { run.resumeAt = at + d } else { run.resumeAt = .max }
                runs[runId] = run
                continue
            case "send_email":
                do throws(PostflareError) {
                    record.output = [
                        "email_id": .string(try sendEmail(step.config, contactId: run.contactId, now: at, seq: &seq))
                    ]
                } catch {
                    record.status = "failed"
                    record.error = ["name": .string(error.name), "message": .string(error.message)]
                }
            case "add_to_segment":
                if let s = step.config["segment_id"]?.stringValue, segments[s] != nil,
                    contacts[run.contactId]?.segmentIds.contains(s) == false
                {
                    contacts[run.contactId]?.segmentIds.append(s)
                }
            case "contact_update":
                if let v = step.config["first_name"]?.stringValue { contacts[run.contactId]?.firstName = v }
                if let v = step.config["last_name"]?.stringValue { contacts[run.contactId]?.lastName = v }
                if let v = step.config["unsubscribed"]?.boolValue { contacts[run.contactId]?.unsubscribed = v }
                for (k, v) in step.config["properties"]?.objectValue ?? JSONObject() {
                    contacts[run.contactId]?.properties[k] = v
                }
            case "contact_delete":
                contacts[run.contactId] = nil
            case "condition":
                branch =
                    evaluate(.object(step.config), contactId: run.contactId) ? "condition_met" : "condition_not_met"
                record.output = ["result": .bool(branch == "condition_met")]
            default:
                break
            }
            run.steps.append(record)
            if record.status == "failed" {
                run.status = "failed"
                run.completedAt = at
                break
            }
            run.nextKey = automation.next(after: key, branch)
        }
        if run.status == "running" && run.nextKey == nil {
            run.status = "completed"
            run.completedAt = run.steps.last?.completedAt ?? now
        }
        runs[runId] = run
    }

    /// `send_email`: `{template: {id, variables?}, subject?, from?, reply_to?}` to the run's contact.
    mutating func sendEmail(
        _ config: JSONObject,
        contactId: String,
        now: Int64,
        seq: inout Int
    ) throws(PostflareError)
        -> String
    {
        guard let contact = contacts[contactId] else { throw .notFound("Contact") }
        var body: JSONObject = ["to": .string(contact.email)]
        for key in ["template", "subject", "from", "reply_to"] { if let v = config[key] { body[key] = v } }
        let system = Principal(teamId: id, keyId: "automation", permission: "full_access", domainId: nil)
        var email = try EmailInput(principal: system, now: now, inBatch: false).parse(Body(object: body), in: self)
        email.id = IDs.uuid()
        seq += 1
        email.seq = seq
        store(email)
        return email.id
    }

    func evaluate(_ rule: JSON, contactId: String) -> Bool {
        let type = rule["type"]?.stringValue ?? "rule"
        let children = rule["rules"]?.arrayValue ?? rule["conditions"]?.arrayValue ?? []
        switch type {
        case "and": return children.allSatisfy { evaluate($0, contactId: contactId) }
        case "or": return children.contains { evaluate($0, contactId: contactId) }
        default:
            guard let c = contacts[contactId], let field = rule["field"]?.stringValue else { return false }
            let name = field.hasPrefix("contact.") ? String(field.dropFirst(8)) : field
            let value: JSON
            switch name {
            case "email": value = .string(c.email)
            case "first_name": value = .string(c.firstName)
            case "last_name": value = .string(c.lastName)
            case "unsubscribed": value = .bool(c.unsubscribed)
            default:
                value = name.hasPrefix("properties.") ? c.properties[String(name.dropFirst(11))] ?? .null : .null
            }
            let expected = rule["value"] ?? .null
            switch rule["operator"]?.stringValue ?? "eq" {
            case "eq", "equals", "is": return value == expected
            case "neq", "not_equals", "is_not": return value != expected
            case "contains":
                guard let s = value.stringValue, let e = expected.stringValue else { return false }
                return s.contains(e)
            case "exists", "is_set": return !value.isNull
            default: return false
            }
        }
    }
}
