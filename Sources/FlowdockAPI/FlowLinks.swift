// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// Flow endpoints seen only as `_links` of a real 2019 flow (`join_url`: GET/POST/DELETE, `api_token`:
/// POST) or on the unmerged `separate_join_url` docs branch (§3.1), and the organization `emoji` link (§3.6).
extension FlowdockAPI {
    func registerFlowLinkRoutes(_ routes: inout Routes) {
        routes.get("/flows/{org}/{flow}/join_url") { [self] r in
            try withUser(r) { s, _, uid, _ in
                let flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
                return .json(["join_url": Self.joinURL(flow)])
            }
        }
        routes.post("/flows/{org}/{flow}/join_url") { [self] r in
            try withUser(r) { s, _, uid, _ in
                var flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
                // A new link invalidates the old one; the flow becomes joinable by link [I].
                flow.joinHash = IDs.hex(40)
                if flow.accessMode == "invitation" { flow.accessMode = "link" }
                s.flows[flow.id] = flow
                return .json(["join_url": Self.joinURL(flow)], status: .created)
            }
        }
        routes.delete("/flows/{org}/{flow}/join_url") { [self] r in
            try withUser(r) { s, _, uid, _ in
                var flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
                // Without a link only invitations let people in [I].
                if flow.accessMode == "link" { flow.accessMode = "invitation" }
                flow.joinHash = IDs.hex(40)
                s.flows[flow.id] = flow
                return .emptyObject
            }
        }
        routes.post("/flows/{org}/{flow}/api_token") { [self] r in
            try withUser(r) { s, _, uid, _ in
                var flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
                // Semantics unknown; regenerating the Push API token is the likely meaning [I].
                flow.apiToken = IDs.hex(32)
                s.flows[flow.id] = flow
                return .json(["api_token": .string(flow.apiToken)])
            }
        }
        routes.get("/organizations/{org}/emoji") { [self] r in
            try withUser(r) { s, _, uid, _ in
                _ = try s.memberOrganization(r.parameter("org"), uid)
                return .json([])  // no custom emoji in the emulator
            }
        }
    }

    static func joinURL(_ flow: Flow) -> JSON {
        guard flow.accessMode == "organization" || flow.accessMode == "link" else { return .null }
        return .string("https://www.flowdock.com/invitations/\(flow.joinHash)-\(flow.parameterizedName)")
    }
}
