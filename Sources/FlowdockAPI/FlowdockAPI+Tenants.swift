// SPDX-License-Identifier: Apache-2.0
public import EmulatorKit
public import HTTPCore

/// Provisioned tenants (`POST /_emulator/tenants`): an organization whose parameterized name is the
/// tenant's name.
extension FlowdockAPI {
    public var provisionsTenants: Bool { true }

    /// An organization `name` with one flow and one user, the user an admin of the organization and a member
    /// of the flow. The flow copies the fixtures' first organization's first flow (parameterized name, name,
    /// access mode), with id `<name>/<flow>`, a new Push API token and one source (a copy of that flow's
    /// first source, or a plain one) with a new `flow_token`. The user (nick and e-mail from the name) has
    /// one new API token. Answers `{"tenant","organization","organization_id","flow","flow_id","flow_token",
    /// "flow_api_token","user_token","user_id","user_email"}`.
    public func provisionTenant(_ name: String) throws(VendorError) -> JSON {
        guard let templateOrg = seed.organizationOrder.first else {
            throw VendorError("flowdock has no fixture organization to copy a tenant from")
        }
        let templateFlow = seed.flowOrder.lazy.compactMap { self.seed.flows[$0] }.first {
            $0.organizationID == templateOrg
        }
        let templateSource = templateFlow.flatMap { flow in
            seed.sources.values.sorted { $0.id < $1.id }.first { $0.flowID == flow.id && !$0.removed }
        }
        let now = store.clock.nowMillis()
        let userToken = IDs.hex(32)
        let flowToken = IDs.hex(32)
        let made = try? store.withState { s -> State? in
            guard s.organization(named: name) == nil else { return nil }
            var mini = State()
            let uid = s.nextUserID
            // Nicks are matched without case (mentions): a fixture user's nick stays that user's.
            let nick = s.user(withNick: name) == nil ? name : "\(name)-\(uid)"
            let user = User(
                id: uid,
                nick: nick,
                name: "MailDouble \(name)",
                email: "\(name)@example.test",
                avatar: nil,
                website: nil,
                apiTokens: [userToken],
                password: nil,
                status: nil
            )
            s.insert(user)
            mini.insert(user)
            let orgID = (s.organizations.keys.max() ?? 0) + 1
            let org = Organization(
                id: orgID,
                parameterizedName: name,
                name: "MailDouble \(name)",
                userLimit: s.organizations[templateOrg]?.userLimit ?? 0,
                active: true,
                members: [uid: true],
                memberOrder: [uid]
            )
            s.organizations[orgID] = org
            s.organizationOrder.append(orgID)
            mini.organizations[orgID] = org
            mini.organizationOrder = [orgID]
            let flowName = templateFlow?.parameterizedName ?? "main"
            let flowID = s.flows["\(name)/\(flowName)"] == nil ? "\(name)/\(flowName)" : IDs.uuid()
            let flow = Flow(
                id: flowID,
                organizationID: orgID,
                parameterizedName: flowName,
                name: templateFlow?.name ?? "Main",
                accessMode: templateFlow?.accessMode ?? "organization",
                open: true,
                disabled: false,
                description: templateFlow?.description,
                webURL: "https://\(name).flowdock.com/flows/\(flowName)",
                apiToken: IDs.hex(32),
                joinHash: IDs.hex(40),
                members: [uid],
                blocked: [],
                createdAt: now
            )
            s.flows[flowID] = flow
            s.flowOrder.append(flowID)
            mini.flows[flowID] = flow
            mini.flowOrder = [flowID]
            let source = Source(
                id: s.nextSourceID,
                flowID: flowID,
                name: templateSource?.name ?? "MailDouble",
                externalURL: templateSource?.externalURL,
                flowToken: flowToken,
                creatorID: uid,
                application: templateSource?.application ?? Self.defaultApplication,
                errorMessage: "",
                configurationURL: nil,
                createdAt: now,
                updatedAt: now,
                removed: false
            )
            s.nextSourceID += 1
            s.sources[source.id] = source
            mini.sources[source.id] = source
            return mini
        }
        guard let mini = made ?? nil, let org = mini.organizations.values.first,
            let flow = mini.flows.values.first, let user = mini.users.values.first,
            provisioned.add(name: name, tenant: name, seed: mini)
        else {
            if let mini = made ?? nil { remove(mini) }
            throw VendorError("flowdock already has an organization named '\(name)'")
        }
        return [
            "tenant": .string(name), "organization": .string(name), "organization_id": .int(org.id),
            "flow": .string(flow.parameterizedName), "flow_id": .string(flow.id), "flow_token": .string(flowToken),
            "flow_api_token": .string(flow.apiToken), "user_token": .string(userToken), "user_id": .int(user.id),
            "user_email": .string(user.email),
        ]
    }

    public func removeTenant(_ name: String) -> Bool {
        guard let entry = provisioned.remove(name: name) else { return false }
        remove(entry.seed)
        store.changes.append(.reset, vendor: Self.vendorName, tenant: entry.tenant, id: "")
        return true
    }

    /// Removes a provisioned organization with everything in its flows, and its users with their private
    /// conversations and memberships elsewhere.
    private func remove(_ provisioned: State) {
        _ = try? store.withState { s in
            for orgID in provisioned.organizations.keys {
                let flows = Set(s.flows.values.filter { $0.organizationID == orgID }.map(\.id))
                for flowID in flows {
                    s.flows[flowID] = nil
                    s.messages[flowID] = nil
                    s.messageIDsByUUID[flowID] = nil
                }
                s.flowOrder.removeAll { flows.contains($0) }
                s.threads = s.threads.filter { !flows.contains($0.value.flowID) }
                s.threadOrder.removeAll { s.threads[$0] == nil }
                s.sources = s.sources.filter { !flows.contains($0.value.flowID) }
                s.invitations = s.invitations.filter { !flows.contains($0.value.flowID) }
                s.organizations[orgID] = nil
                s.organizationOrder.removeAll { $0 == orgID }
            }
            for uid in provisioned.users.keys {
                for token in s.users[uid]?.apiTokens ?? [] where s.userIDsByToken[token] == uid {
                    s.userIDsByToken[token] = nil
                }
                s.users[uid] = nil
                s.userOrder.removeAll { $0 == uid }
                for id in s.organizations.keys where s.organizations[id]?.members[uid] != nil {
                    s.organizations[id]?.members[uid] = nil
                    s.organizations[id]?.memberOrder.removeAll { $0 == uid }
                }
                for id in s.flows.keys where s.flows[id]?.members.contains(uid) == true {
                    s.flows[id]?.members.removeAll { $0 == uid }
                }
                s.privateMessages = s.privateMessages.filter { $0.key.low != uid && $0.key.high != uid }
                s.conversations = s.conversations.filter { $0.key.owner != uid && $0.key.other != uid }
                s.conversationOrder.removeAll { $0.owner == uid || $0.other == uid }
            }
        }
    }

    public var provisionedTenants: [ProvisionedTenant] { provisioned.all }

    public func resolveTenant(_ name: String) -> String? {
        if let entry = provisioned.entry(name: name) { return entry.tenant }
        return (try? store.withState { $0.organization(named: name) != nil }) == true ? name : nil
    }
}
