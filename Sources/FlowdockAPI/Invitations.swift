// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// §3.8 invitations to a flow.
extension FlowdockAPI {
    func registerInvitationRoutes(_ routes: inout Routes) {
        routes.get("/flows/{org}/{flow}/invitations") { [self] r in
            try withUser(r) { s, _, uid, base in
                let flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
                // "open invitations": pending ones only.
                let list = s.invitations.values.filter { $0.flowID == flow.id && $0.state == "pending" }.sorted {
                    $0.id < $1.id
                }
                return .json(.array(list.map { s.invitationJSON($0, base: base) }))
            }
        }
        routes.get("/flows/{org}/{flow}/invitations/{id}") { [self] r in
            try withUser(r) { s, _, uid, base in
                .json(s.invitationJSON(try s.invitation(r, uid), base: base))
            }
        }
        routes.post("/flows/{org}/{flow}/invitations") { [self] r in
            try withUser(r) { s, input, uid, base in
                let flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
                let email = input.string("email")?.trimmingSpaces() ?? ""
                if email.isEmpty { throw FlowdockError.validation("email", "can't be blank") }
                guard Self.looksLikeEmail(email) else { throw FlowdockError.validation("email", "is invalid") }
                let invitation = s.invite(email, to: flow.id, message: input.string("message"))
                return .json(s.invitationJSON(invitation, base: base), status: .created)
            }
        }
        routes.post("/flows/{org}/{flow}/invitations/import") { [self] r in
            try withUser(r) { s, input, uid, base in
                var flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
                let list = input.string("list") ?? ""
                if list.trimmingSpaces().isEmpty { throw FlowdockError.validation("list", "can't be blank") }
                var invited: [JSON] = []
                var added: [JSON] = []
                var erroneous: [JSON] = []
                let org = s.organizations[flow.organizationID]
                for entry in Self.importEntries(list) {
                    guard Self.looksLikeEmail(entry) else {
                        erroneous.append(.object(JSONObject([(entry, "Invalid email")])))
                        continue
                    }
                    // An organization member with that email is added to the flow instead of invited.
                    if let org, let user = s.users.values.first(where: { $0.email.lowercased() == entry.lowercased() }),
                        s.isMember(user.id, of: org)
                    {
                        if !flow.members.contains(user.id) { flow.members.append(user.id) }
                        s.flows[flow.id] = flow
                        added.append(s.flowUserJSON(user, in: flow))
                        continue
                    }
                    invited.append(
                        s.invitationJSON(s.invite(entry, to: flow.id, message: input.string("message")), base: base)
                    )
                }
                return .json([
                    "invitations": .array(invited), "added_users": .array(added), "erroneous_emails": .array(erroneous),
                ])
            }
        }
        routes.delete("/flows/{org}/{flow}/invitations/{id}") { [self] r in
            try withUser(r) { s, _, uid, _ in
                let invitation = try s.invitation(r, uid)
                guard invitation.state == "pending" else {
                    throw FlowdockError.forbidden("Only pending invitations can be deleted")
                }
                s.invitations[invitation.id] = nil
                return Response(status: .noContent)
            }
        }
    }

    /// Comma- or linefeed-separated `person@example.com` or `"Joe Smith" <person@example.com>` entries.
    static func importEntries(_ list: String) -> [String] {
        list.split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == "\r" }).compactMap { raw in
            var entry = raw.trimmingSpaces()
            if let open = entry.lastIndex(of: "<"), let close = entry.lastIndex(of: ">"), open < close {
                entry = String(entry[entry.index(after: open)..<close]).trimmingSpaces()
            }
            return entry.isEmpty ? nil : entry
        }
    }
}

extension State {
    /// Invites `email`, or resends the pending invitation it already has ("also resend when the same
    /// email is used").
    mutating func invite(_ email: String, to flowID: String, message: String?) -> Invitation {
        if let existing = invitations.values.first(where: {
            $0.flowID == flowID && $0.state == "pending" && $0.email.lowercased() == email.lowercased()
        }) {
            return existing
        }
        let invitation = Invitation(
            id: nextInvitationID,
            flowID: flowID,
            email: email,
            state: "pending",
            message: message
        )
        nextInvitationID += 1
        invitations[invitation.id] = invitation
        return invitation
    }

    func invitation(_ r: Request, _ uid: Int) throws -> Invitation {
        let flow = try flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
        guard let id = Int(r.parameter("id")), let invitation = invitations[id], invitation.flowID == flow.id else {
            throw FlowdockError.notFound("Invitation not found")
        }
        return invitation
    }
}
