// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// §3.6 organizations: a user sees only those they belong to.
extension FlowdockAPI {
    func registerOrganizationRoutes(_ routes: inout Routes) {
        let users = options.organizationUsers
        routes.get("/organizations") { [self] r in
            try withUser(r) { s, _, uid, base in
                .json(.array(s.organizations(of: uid).map { s.organizationJSON($0, base: base, includeUsers: users) }))
            }
        }
        routes.get("/organizations/find") { [self] r in
            try withUser(r) { s, input, uid, base in
                guard let id = try input.int("id") else { throw FlowdockError.validation("id", "can't be blank") }
                guard let org = s.organizations[id], s.isMember(uid, of: org) else {
                    throw FlowdockError.notFound("Organization not found")
                }
                return .json(s.organizationJSON(org, base: base, includeUsers: users))
            }
        }
        routes.get("/organizations/{org}") { [self] r in
            try withUser(r) { s, _, uid, base in
                .json(
                    s.organizationJSON(
                        try s.memberOrganization(r.parameter("org"), uid),
                        base: base,
                        includeUsers: users
                    )
                )
            }
        }
        routes.update("/organizations/{org}") { [self] r in
            try withUser(r) { s, input, uid, base in
                var org = try s.memberOrganization(r.parameter("org"), uid)
                guard s.isAdmin(uid, of: org) else {
                    throw FlowdockError.forbidden("Only administrators can rename the organization")
                }
                if let name = input.string("name") {
                    if name.trimmingSpaces().isEmpty { throw FlowdockError.validation("name", "can't be blank") }
                    org.name = name.trimmingSpaces()
                }
                s.organizations[org.id] = org
                return .json(s.organizationJSON(org, base: base, includeUsers: users))
            }
        }
    }
}
