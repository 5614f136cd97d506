// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// §3.1 flows. Flow endpoints need a user: flow tokens are "not linked to any user".
extension FlowdockAPI {
    static let accessModes: Set<String> = ["invitation", "link", "organization"]

    func registerFlowRoutes(_ routes: inout Routes) {
        routes.get("/flows") { [self] r in
            Self.isStreamRequest(r) ? try openStream(r) : try flowList(r, all: false)
        }
        routes.get("/flows/all") { [self] r in try flowList(r, all: true) }
        routes.get("/flows/find") { [self] r in
            try withUser(r) { s, input, uid, base in
                guard let id = input.string("id"), !id.isEmpty else {
                    throw FlowdockError.validation("id", "can't be blank")
                }
                let flow = try s.flow(id: id, for: .user(uid))
                return .json(s.flowJSON(flow, base: base, viewer: .user(uid), includeUsers: true))
            }
        }
        // `GET /flows/:organization`: the seed document's example lists one organization's flows.
        routes.get("/flows/{org}") { [self] r in
            try withUser(r) { s, input, uid, base in
                guard let org = s.organization(named: r.parameter("org")), s.isMember(uid, of: org) else {
                    throw FlowdockError.notFound("Organization not found")
                }
                let users = try input.bool("users") ?? false
                let flows = s.flowOrder.compactMap { s.flows[$0] }.filter {
                    $0.organizationID == org.id && s.canSee($0, .user(uid))
                }
                return .json(.array(flows.map { s.flowJSON($0, base: base, viewer: .user(uid), includeUsers: users) }))
            }
        }
        routes.get("/flows/{org}/{flow}") { [self] r in
            if Self.isStreamRequest(r) { return try openStream(r, org: r.parameter("org"), flow: r.parameter("flow")) }
            return try withUser(r) { s, _, uid, base in
                let flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
                return .json(s.flowJSON(flow, base: base, viewer: .user(uid), includeUsers: true))
            }
        }
        routes.post("/flows/{org}") { [self] in try createFlow($0) }
        routes.update("/flows/{org}/{flow}") { [self] in try updateFlow($0) }
    }

    /// `GET /flows` lists joined flows; `/flows/all` adds the organization-access flows not joined.
    private func flowList(_ r: Request, all: Bool) throws -> Response {
        try withUser(r) { s, input, uid, base in
            let users = try input.bool("users") ?? false
            let flows = s.flowOrder.compactMap { s.flows[$0] }.filter { flow in
                guard let org = s.organizations[flow.organizationID], s.isMember(uid, of: org) else { return false }
                if flow.members.contains(uid) { return true }
                return all && flow.accessMode == "organization"
            }
            return .json(.array(flows.map { s.flowJSON($0, base: base, viewer: .user(uid), includeUsers: users) }))
        }
    }

    /// `POST /flows/:organization` → 201, the new flow with its creator as the only user and
    /// `access_mode: "invitation"` (docs/flows.md).
    private func createFlow(_ r: Request) throws -> Response {
        let now = store.clock.nowMillis()
        return try withUser(r) { s, input, uid, base in
            guard let org = s.organization(named: r.parameter("org")), s.isMember(uid, of: org) else {
                throw FlowdockError.notFound("Organization not found")
            }
            let name = input.string("name")?.trimmingSpaces() ?? ""
            if name.isEmpty { throw FlowdockError.validation("name", "can't be blank") }
            if name.count > 100 { throw FlowdockError.validation("name", "is too long (maximum is 100 characters)") }
            let stem = Self.parameterize(name)
            var candidate = stem
            var n = 2
            while s.flows.values.contains(where: { $0.organizationID == org.id && $0.parameterizedName == candidate }) {
                candidate = "\(stem)-\(n)"
                n += 1
            }
            let flow = Flow(
                id: IDs.uuid(),
                organizationID: org.id,
                parameterizedName: candidate,
                name: name,
                accessMode: "invitation",
                open: true,
                disabled: false,
                description: input.string("description"),
                webURL: nil,
                apiToken: IDs.hex(32),
                joinHash: IDs.hex(40),
                members: [uid],
                blocked: [],
                createdAt: now
            )
            s.flows[flow.id] = flow
            s.flowOrder.append(flow.id)
            return .json(s.flowJSON(flow, base: base, viewer: .user(uid), includeUsers: true), status: .created)
        }
    }

    /// PUT (or PATCH) `/flows/:organization/:flow`: `name`, `open` (true also joins), `disabled`,
    /// `access_mode`. The last two are the "certain parts" only administrators may change [I].
    private func updateFlow(_ r: Request) throws -> Response {
        try withUser(r) { s, input, uid, base in
            var flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
            let admin = s.organizations[flow.organizationID].map { s.isAdmin(uid, of: $0) } ?? false
            if let name = input.string("name") {
                let trimmed = name.trimmingSpaces()
                if trimmed.isEmpty { throw FlowdockError.validation("name", "can't be blank") }
                if trimmed.count > 100 {
                    throw FlowdockError.validation("name", "is too long (maximum is 100 characters)")
                }
                flow.name = trimmed  // "changing it changes neither email nor id"
            }
            if let open = try input.bool("open") {
                flow.open = open
                if open && !flow.members.contains(uid) { flow.members.append(uid) }
            }
            if let disabled = try input.bool("disabled") {
                guard admin else { throw FlowdockError.forbidden("Only administrators can archive a flow") }
                flow.disabled = disabled
            }
            if let mode = input.string("access_mode") {
                guard Self.accessModes.contains(mode) else {
                    throw FlowdockError.validation("access_mode", "is not included in the list")
                }
                guard admin else { throw FlowdockError.forbidden("Only administrators can change the access mode") }
                flow.accessMode = mode
            }
            s.flows[flow.id] = flow
            return .json(s.flowJSON(flow, base: base, viewer: .user(uid), includeUsers: false))
        }
    }

    /// A flow name's URL form: lower-case ASCII letters and digits, other runs become `-`.
    static func parameterize(_ name: String) -> String {
        var out = ""
        var dash = false
        for c in name.lowercased().unicodeScalars {
            if (c >= "a" && c <= "z") || (c >= "0" && c <= "9") {
                out.unicodeScalars.append(c)
                dash = false
            } else if !dash && !out.isEmpty {
                out += "-"
                dash = true
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "flow" : out
    }
}
