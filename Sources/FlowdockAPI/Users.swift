// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// §3.2 users: the current user, visible users, flow users and organization users.
extension FlowdockAPI {
    func registerUserRoutes(_ routes: inout Routes) {
        routes.get("/user") { [self] r in
            try withUser(r) { s, _, uid, _ in
                guard let user = s.users[uid] else { throw FlowdockError.notFound("User not found") }
                return .json(s.userJSON(user))
            }
        }
        routes.get("/users") { [self] r in
            try withUser(r) { s, _, uid, _ in .json(.array(s.visibleUsers(of: uid).map { s.userJSON($0) })) }
        }
        routes.get("/users/{id}") { [self] r in
            try withUser(r) { s, _, uid, _ in
                // "requester must share an organization"; others are indistinguishable from missing users.
                guard let id = Int(r.parameter("id")), let user = s.users[id], id == uid || s.shareOrganization(uid, id)
                else {
                    throw FlowdockError.notFound("User not found")
                }
                return .json(s.userJSON(user))
            }
        }
        routes.update("/users/{id}") { [self] r in
            try withUser(r) { s, input, uid, _ in
                guard let id = Int(r.parameter("id")), s.users[id] != nil else {
                    throw FlowdockError.notFound("User not found")
                }
                guard id == uid else { throw FlowdockError.forbidden("You can only update your own user") }
                if let nick = input.string("nick") {
                    if nick.isEmpty || nick.contains(" ") { throw FlowdockError.validation("nick", "is invalid") }
                    s.users[id]?.nick = nick
                }
                if let email = input.string("email") {
                    if !Self.looksLikeEmail(email) { throw FlowdockError.validation("email", "is invalid") }
                    s.users[id]?.email = email
                }
                return .emptyObject
            }
        }
        routes.get("/flows/{org}/{flow}/users") { [self] r in
            try withUser(r) { s, _, uid, _ in
                let flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
                return .json(.array(flow.members.compactMap { s.users[$0] }.map { s.flowUserJSON($0, in: flow) }))
            }
        }
        routes.post("/flows/{org}/{flow}/users") { [self] r in
            try withUser(r) { s, input, uid, _ in
                var flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
                guard let id = try input.int("id") else { throw FlowdockError.validation("id", "can't be blank") }
                // "both must be org members".
                guard let org = s.organizations[flow.organizationID], s.users[id] != nil, s.isMember(id, of: org) else {
                    throw FlowdockError.validation("id", "is not a member of the organization")
                }
                if !flow.members.contains(id) { flow.members.append(id) }
                s.flows[flow.id] = flow
                return .emptyObject
            }
        }
        routes.update("/flows/{org}/{flow}/users/{id}") { [self] r in
            try withUser(r) { s, input, uid, _ in
                var flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
                guard let id = Int(r.parameter("id")), flow.members.contains(id),
                    let org = s.organizations[flow.organizationID]
                else { throw FlowdockError.notFound("User not found") }
                // "Admins can block anyone; regular users only regular users."
                if !s.isAdmin(uid, of: org) && s.isAdmin(id, of: org) {
                    throw FlowdockError.forbidden("Only administrators can block administrators")
                }
                if let disabled = try input.bool("disabled") {
                    if disabled { flow.blocked.insert(id) } else { flow.blocked.remove(id) }
                }
                s.flows[flow.id] = flow
                return .emptyObject
            }
        }
        routes.get("/organizations/{org}/users") { [self] r in
            try withUser(r) { s, _, uid, _ in
                let org = try s.memberOrganization(r.parameter("org"), uid)
                return .json(
                    .array(org.memberOrder.compactMap { s.users[$0] }.map { s.organizationUserJSON($0, in: org) })
                )
            }
        }
        routes.get("/organizations/{org}/users/{id}") { [self] r in
            try withUser(r) { s, _, uid, _ in
                let org = try s.memberOrganization(r.parameter("org"), uid)
                guard let id = Int(r.parameter("id")), s.isMember(id, of: org), let user = s.users[id] else {
                    throw FlowdockError.notFound("User not found")
                }
                return .json(s.organizationUserJSON(user, in: org))
            }
        }
        routes.delete("/organizations/{org}/users/{id}") { [self] r in
            try withUser(r) { s, _, uid, _ in
                var org = try s.memberOrganization(r.parameter("org"), uid)
                guard let id = Int(r.parameter("id")), s.isMember(id, of: org) else {
                    throw FlowdockError.notFound("User not found")
                }
                guard s.isAdmin(uid, of: org) else {
                    throw FlowdockError.forbidden("Only administrators can remove users")
                }
                org.members[id] = nil
                org.memberOrder.removeAll { $0 == id }
                s.organizations[org.id] = org
                for flowID in s.flowOrder where s.flows[flowID]?.organizationID == org.id {
                    s.flows[flowID]?.members.removeAll { $0 == id }
                }
                return Response(status: .noContent)
            }
        }
    }

    static func looksLikeEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !s.contains(" ")
    }
}

extension State {
    /// `GET /users`: "all users of orgs where admin; otherwise users sharing flows".
    func visibleUsers(of uid: Int) -> [User] {
        var ids = Set<Int>([uid])
        for org in organizations(of: uid) where isAdmin(uid, of: org) { ids.formUnion(org.members.keys) }
        for flow in flows.values where flow.members.contains(uid) { ids.formUnion(flow.members) }
        return userOrder.filter { ids.contains($0) }.compactMap { users[$0] }
    }

    /// An organization `uid` belongs to; 404 otherwise (tenant isolation).
    func memberOrganization(_ name: String, _ uid: Int) throws -> Organization {
        guard let org = organization(named: name), isMember(uid, of: org) else {
            throw FlowdockError.notFound("Organization not found")
        }
        return org
    }
}
