// SPDX-License-Identifier: Apache-2.0
public import EmulatorKit
public import HTTPCore

/// Provisioned tenants (`POST /_emulator/tenants`): a team whose id is the tenant's name.
extension PostflareAPI {
    public var provisionsTenants: Bool { true }

    /// A team `name` with the fixtures' first team's configuration (its verified domains, segments, topics,
    /// contact properties, contacts, templates, events and automations: the same ids, isolated copies), two
    /// new keys (`full_access`, `sending_access`) and one more verified domain `<name>.example.test`. Not
    /// copied: keys, webhooks (their endpoints belong to the template team's receiver: a tenant registers
    /// its own), and everything sent or logged. Sending from the template's domains works too (the emulator
    /// does not make teams claim domains from each other), so an app configured for the fixtures sends
    /// unchanged. Answers `{"tenant","team_id","api_key","sending_api_key","domain","domains"}`.
    public func provisionTenant(_ name: String) throws(VendorError) -> JSON {
        guard let templateId = templateTeam, let template = seed.teams[templateId] else {
            throw VendorError("postflare has no fixture team to copy a tenant from")
        }
        let now = store.now
        let domainName = name + ".example.test"
        var team = Team(id: name, ownerEmail: template.ownerEmail, rateLimit: template.rateLimit)
        team.emailLimit = template.emailLimit
        team.domains = template.domains
        team.contacts = template.contacts
        team.segments = template.segments
        team.topics = template.topics
        team.properties = template.properties
        team.templates = template.templates
        team.events = template.events
        team.automations = template.automations
        let result = try? store.withState { state throws(PostflareError) -> (Team, String, String)? in
            guard state.teams[name] == nil else { return nil }
            let domain = DomainRecord(
                id: IDs.uuid(),
                name: domainName,
                region: "us-east-1",
                createdAt: now,
                openTracking: false,
                clickTracking: false,
                tls: "opportunistic",
                customReturnPath: "send",
                trackingSubdomain: nil,
                sending: true,
                receiving: false,
                verified: true,
                verifyRequestedAt: nil,
                seq: state.nextSeq()
            )
            team.domains[domain.id] = domain
            var tokens: [String] = []
            for (label, permission) in [("Full access", "full_access"), ("Sending only", "sending_access")] {
                let key = APIKeyRecord(
                    id: IDs.uuid(),
                    name: "\(label) (\(name))",
                    token: "re_" + IDs.random(8) + "_" + IDs.random(24),
                    permission: permission,
                    domainId: nil,
                    createdAt: now,
                    seq: state.nextSeq()
                )
                team.keys[key.id] = key
                state.index(key, team: name)
                tokens.append(key.token)
            }
            state.teams[name] = team
            return (team, tokens[0], tokens[1])
        }
        guard let (made, full, sending) = result ?? nil, provisioned.add(name: name, tenant: name, seed: made) else {
            throw VendorError("postflare already has a team named '\(name)'")
        }
        let verified = made.domains.values.filter { $0.status(now: now) == "verified" }.map { JSON.string($0.name) }
        return [
            "tenant": .string(name), "team_id": .string(name), "api_key": .string(full),
            "sending_api_key": .string(sending), "domain": .string(domainName), "domains": .array(verified),
        ]
    }

    public func removeTenant(_ name: String) -> Bool {
        guard let entry = provisioned.remove(name: name) else { return false }
        let team = entry.tenant
        try? store.withState { state throws(PostflareError) in
            guard let removed = state.teams.removeValue(forKey: team) else { return }
            for key in removed.keys.values { state.unindex(key) }
            state.importQueue.removeAll { $0.teamId == team }
        }
        store.idempotency.reset(team: team)
        dueEvents.removeAll(tenant: team)
        changes.append(.reset, vendor: Self.vendorName, tenant: team, id: "")
        return true
    }

    public var provisionedTenants: [ProvisionedTenant] { provisioned.all }

    public func resolveTenant(_ name: String) -> String? {
        if let entry = provisioned.entry(name: name) { return entry.tenant }
        return (try? store.withState { $0.teams[name] != nil }) == true ? name : nil
    }
}
