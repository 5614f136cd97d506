// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// `/automations` (spec §2.12): workflows of steps started by `POST /events/send` for a contact. See
/// `Team.advance(runId:…)` for how runs execute on the emulator clock.
extension PostflareAPI {
    static let stepTypes: Set<String> = [
        "trigger", "send_email", "delay", "wait_for_event", "condition", "contact_update", "contact_delete",
        "add_to_segment",
    ]
    static let connectionTypes: Set<String> = [
        "default", "condition_met", "condition_not_met", "timeout", "event_received",
    ]

    static let automationRoutes: [PostflareRoute] =
        automations.routes(.get) + [
            (.POST, "/automations", PostflareAPI.createAutomation),
            (.GET, "/automations", PostflareAPI.listAutomations),
            (.PATCH, "/automations/{id}", PostflareAPI.updateAutomation),
            (.DELETE, "/automations/{id}", PostflareAPI.deleteAutomation),
            (.POST, "/automations/{id}/duplicate", PostflareAPI.duplicateAutomation),
            (.POST, "/automations/{id}/stop", PostflareAPI.stopAutomation),
            (.GET, "/automations/{id}/runs", PostflareAPI.listAutomationRuns),
            (.GET, "/automations/{id}/runs/{run_id}", PostflareAPI.getAutomationRun),
        ]

    func createAutomation(_ req: Request, _ p: Principal) throws -> Response {
        let body = try Body(req)
        let name = try body.requiredString("name")
        let status = try body.oneOf("status", ["enabled", "disabled"]) ?? "disabled"
        let (steps, connections) = try Self.workflow(body, required: true)
        let now = store.now
        let id = try insert(Self.automations, p) { _, state throws(PostflareError) in
            AutomationRecord(
                id: IDs.uuid(),
                name: name,
                status: status,
                steps: steps ?? [],
                connections: connections ?? [],
                createdAt: now,
                updatedAt: now,
                seq: state.nextSeq()
            )
        }.id
        return ok(["object": "automation", "id": .string(id)], status: 201)
    }

    func listAutomations(_ req: Request, _ p: Principal) throws -> Response {
        let status = req.query("status")
        return try list(Self.automations, req, p) { status == nil || $0.status == status }
    }

    func updateAutomation(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let body = try Body(req)
        let name = try body.string("name")
        let status = try body.oneOf("status", ["enabled", "disabled"])
        let (steps, connections) = try Self.workflow(body, required: false)
        let now = store.now
        try modify(Self.automations, id, p) { a, _ throws(PostflareError) in
            if let name { a.name = name }
            if let status { a.status = status }
            if let steps { a.steps = steps }
            if let connections { a.connections = connections }
            try Self.checkGraph(a.steps, a.connections)
            a.updatedAt = now
        }
        return ok(["object": "automation", "id": .string(id)])
    }

    func deleteAutomation(_ req: Request, _ p: Principal) throws -> Response {
        let id = try remove(Self.automations, req, p) { a, team, _ in
            for run in team.runs.values where run.automationId == a.id && run.status == "running" {
                team.runs.modify(run.id) { $0.status = "cancelled" }
            }
            team.updateRunWake()
        }
        return ok(Self.automations.deleted(id))
    }

    func duplicateAutomation(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let now = store.now
        let copy = try insert(Self.automations, p) { team, state throws(PostflareError) in
            guard var a = team.automations[id] else { throw .notFound("Automation") }
            a.id = IDs.uuid()
            a.name += " (Copy)"
            a.status = "disabled"
            a.createdAt = now
            a.updatedAt = now
            a.seq = state.nextSeq()
            return a
        }.id
        return ok(["object": "automation", "id": .string(copy)], status: 201)
    }

    func stopAutomation(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let now = store.now
        try modify(Self.automations, id, p) { a, team in
            a.status = "disabled"
            a.updatedAt = now
            for run in team.runs.values where run.automationId == id && run.status == "running" {
                team.runs.modify(run.id) {
                    $0.status = "cancelled"
                    $0.completedAt = now
                }
            }
            team.updateRunWake()
        }
        return ok(["object": "automation", "id": .string(id), "status": "disabled"])
    }

    func listAutomationRuns(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let status = req.query("status")
        return ok(
            try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                guard team.automations[id] != nil else { throw .notFound("Automation") }
                return try Pagination.list(
                    team.runs,
                    req,
                    defaultLimit: 20,
                    where: { $0.automationId == id && (status == nil || $0.status == status) }
                ) { Self.runJSON($0, detail: false) }
            }
        )
    }

    func getAutomationRun(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let runId = try uuidParameter(req, "run_id")
        return ok(
            try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                guard let run = team.runs[runId], run.automationId == id else { throw .notFound("Automation run") }
                return Self.runJSON(run, detail: true)
            }
        )
    }

    /// Starts a run of every enabled automation triggered by `event` for the contact.
    static func startRuns(
        event: String,
        contactId: String,
        team: inout Team,
        state: inout PostflareStore.State,
        now: Int64
    ) {
        for a in team.automations.values where a.status == "enabled" {
            guard let trigger = a.steps.first(where: { $0.type == "trigger" }),
                trigger.config["event_name"]?.stringValue == event
            else { continue }
            let run = AutomationRun(
                id: IDs.uuid(),
                automationId: a.id,
                contactId: contactId,
                status: "running",
                createdAt: now,
                completedAt: nil,
                steps: [
                    RunStep(key: trigger.key, type: "trigger", status: "completed", startedAt: now, completedAt: now)
                ],
                nextKey: a.next(after: trigger.key),
                resumeAt: now,
                seq: state.nextSeq()
            )
            team.runs[run.id] = run
            team.advance(runId: run.id, now: now, seq: &state.seq)
        }
        team.updateRunWake()
    }

    /// `steps` (1–150, one trigger, unique keys) and `connections` between existing keys.
    static func workflow(
        _ body: Body,
        required: Bool
    ) throws(PostflareError) -> (
        [AutomationStep]?, [AutomationConnection]?
    ) {
        var steps: [AutomationStep]?
        var connections: [AutomationConnection]?
        if let v = body["steps"] {
            guard let items = v.arrayValue, (1...150).contains(items.count) else {
                throw .validation("The `steps` field must be an array of 1 to 150 steps.")
            }
            steps = try items.map { item throws(PostflareError) in
                let b = Body(object: item.objectValue ?? JSONObject())
                let key = try b.requiredString("key")
                guard let type = try b.oneOf("type", Array(stepTypes)) else { throw .missingField("type") }
                guard let config = try b.objectField("config") else { throw .missingField("config") }
                if type == "trigger" && config["event_name"]?.stringValue == nil {
                    throw .validation("A `trigger` step needs `config.event_name`.")
                }
                if type == "send_email" && config["template"]?["id"]?.stringValue == nil {
                    throw .validation("A `send_email` step needs `config.template.id`.")
                }
                return AutomationStep(key: key, type: type, config: config)
            }
        } else if required {
            throw .missingField("steps")
        }
        if let v = body["connections"] {
            guard let items = v.arrayValue else { throw .validation("The `connections` field must be an array.") }
            connections = try items.map { item throws(PostflareError) in
                let b = Body(object: item.objectValue ?? JSONObject())
                let type = try b.oneOf("type", Array(connectionTypes)) ?? "default"
                return AutomationConnection(
                    from: try b.requiredString("from"),
                    to: try b.requiredString("to"),
                    type: type
                )
            }
        } else if required {
            throw .missingField("connections")
        }
        if let steps { try checkGraph(steps, connections ?? []) }
        return (steps, connections)
    }

    static func checkGraph(_ steps: [AutomationStep], _ connections: [AutomationConnection]) throws(PostflareError) {
        let keys = steps.map(\.key)
        guard Set(keys).count == keys.count else { throw .validation("Step keys must be unique.") }
        guard steps.filter({ $0.type == "trigger" }).count == 1 else {
            throw .validation("An automation needs exactly one `trigger` step.")
        }
        for c in connections where !keys.contains(c.from) || !keys.contains(c.to) {
            throw .validation("The connection `\(c.from)` → `\(c.to)` refers to an unknown step.")
        }
    }

    static func automationJSON(_ a: AutomationRecord, detail: Bool) -> JSON {
        var o: JSONObject = detail ? ["object": "automation"] : [:]
        o["id"] = .string(a.id)
        o["name"] = .string(a.name)
        o["status"] = .string(a.status)
        o["created_at"] = Time.pg(a.createdAt)
        o["updated_at"] = Time.pg(a.updatedAt)
        if detail {
            o["steps"] = .array(
                a.steps.map { ["key": .string($0.key), "type": .string($0.type), "config": .object($0.config)] }
            )
            o["connections"] = .array(
                a.connections.map {
                    ["from": .string($0.from), "to": .string($0.to), "type": .string($0.type)]
                }
            )
        }
        return .object(o)
    }

    static func runJSON(_ r: AutomationRun, detail: Bool) -> JSON {
        var o: JSONObject = detail ? ["object": "automation_run"] : [:]
        o["id"] = .string(r.id)
        o["status"] = .string(r.status)
        o["started_at"] = Time.pg(r.createdAt)
        o["completed_at"] = Time.pg(r.completedAt)
        o["created_at"] = Time.pg(r.createdAt)
        if detail {
            o["steps"] = .array(
                r.steps.map { s in
                    [
                        "key": .string(s.key), "type": .string(s.type), "status": .string(s.status),
                        "started_at": Time.pg(s.startedAt), "completed_at": Time.pg(s.completedAt), "output": s.output,
                        "error": s.error, "created_at": Time.pg(s.startedAt),
                    ]
                }
            )
        }
        return .object(o)
    }
}
