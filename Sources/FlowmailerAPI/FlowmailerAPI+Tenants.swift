// SPDX-License-Identifier: Apache-2.0
public import EmulatorKit
public import HTTPCore

/// Provisioned tenants (`POST /_emulator/tenants`): an account copied from the fixtures' first account.
///
/// Account ids are numeric (the router tells Flowmailer paths by a numeric first segment), so a tenant's
/// name is its account id only when the name is a free number; otherwise the account gets the next free
/// number and `resolveTenant(_:)` maps the name to it.
extension FlowmailerAPI {
    public var provisionsTenants: Bool { true }

    /// A new account with the template's sources, flows (with their rules), templates, sender domains, roles
    /// and event flows, no messages, and one client credential of its own (the template's first full-access
    /// credential with a new client id and secret, bound to the same source). Answers
    /// `{"tenant","account_id","client_id","client_secret"}`.
    public func provisionTenant(_ name: String) throws(VendorError) -> JSON {
        guard let template = seed.first else {
            throw VendorError("flowmailer has no fixture account to copy a tenant from")
        }
        let clientId = name + "-" + IDs.random(12, alphabet: "abcdefghijklmnopqrstuvwxyz0123456789")
        let clientSecret = IDs.random(32)
        var made: AccountState?
        let id = store.insertAccount(preferring: name) { id in
            var a = AccountState(id: id, description: "MailDouble tenant \(name)")
            a.defaultFlowId = template.defaultFlowId
            a.tables = template.tables
            // A CI job's tenant must not POST its events to the template's receivers.
            a.tables[Self.webhookTable] = nil
            a.nextId = template.nextId
            let credentials = template.table("api_credentials").all
            let submitOnly: (JSONObject) -> Bool = { c in
                let roles = (c["roles"]?.arrayValue ?? []).compactMap(\.stringValue)
                return !roles.isEmpty && roles.allSatisfy { $0 == "FEATURE_SUBMITMESSAGE" }
            }
            var credential =
                credentials.first { !submitOnly($0) }
                ?? [
                    "roles": ["ROLE_ADMIN"], "allowedAddresses": [], "allowedSenders": [], "authSource": "API",
                    "sourceId": template.table("sources").first?["id"] ?? .null,
                ]
            let credentialId = a.makeId()
            credential["id"] = .string(credentialId)
            credential["clientId"] = .string(clientId)
            credential["clientSecret"] = .string(clientSecret)
            credential["description"] = .string("MailDouble tenant \(name)")
            var table = ResourceTable()
            table.put(credential, id: credentialId)
            a.tables["api_credentials"] = table
            made = a
            return a
        }
        guard let made, provisioned.add(name: name, tenant: id, seed: made) else {
            store.replace(account: id, with: nil)
            throw VendorError("flowmailer already has a tenant named '\(name)'")
        }
        return [
            "tenant": .string(id), "account_id": .string(id), "client_id": .string(clientId),
            "client_secret": .string(clientSecret),
        ]
    }

    public func removeTenant(_ name: String) -> Bool {
        guard let entry = provisioned.remove(name: name) else { return false }
        store.replace(account: entry.tenant, with: nil)
        tokens.removeAll(account: entry.tenant)
        dueEvents.removeAll(tenant: entry.tenant)
        webhookOutbox.removeAll(tenant: entry.tenant)
        changes.append(.reset, vendor: Self.vendorName, tenant: entry.tenant, id: "")
        return true
    }

    public var provisionedTenants: [ProvisionedTenant] { provisioned.all }

    public func resolveTenant(_ name: String) -> String? {
        if let entry = provisioned.entry(name: name) { return entry.tenant }
        return store.hasAccount(name) ? name : nil
    }
}
