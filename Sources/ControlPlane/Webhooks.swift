// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// `/_emulator/webhooks`: the webhooks of vendors whose real service sets them up outside its API
/// (`Vendor.configuresWebhooks`: SendPro/Flowmailer, configured in its web UI). Postflare's webhooks have an
/// API of their own (`POST /webhooks`), so they are not here.
///
/// - `POST /_emulator/webhooks` `{"vendor":"flowmailer","tenant":"545","url":…,"description":…,
///   "add_message_tags":true,"sources":[source ids],"event_types":["SUBMITTED",…]}` → 201, the webhook with its
///   `id`. `vendor` may be left out when one vendor configures webhooks; `tenant` is required (a native id or a
///   provisioned tenant's name). Empty `sources` / `event_types` mean all.
/// - `GET /_emulator/webhooks?vendor=&tenant=` → `{"data":[…]}`.
/// - `DELETE /_emulator/webhooks/{id}` → `{"id":…,"deleted":true}`, 404 for an unknown id.
extension ControlPlane {
    func addWebhookRoutes(to router: inout Router) {
        router.post("/_emulator/webhooks") { request in try addWebhook(request) }
        router.get("/_emulator/webhooks") { request in try listWebhooks(request) }
        router.delete("/_emulator/webhooks/{id}") { request in try deleteWebhook(request.parameter("id")) }
    }

    var webhookVendors: [any Vendor] { vendors.filter(\.configuresWebhooks) }

    func webhookVendor(named name: String?) throws(HTTPError) -> any Vendor {
        let configurable = webhookVendors
        let names = configurable.map(\.name).joined(separator: ", ")
        guard let name else {
            guard configurable.count == 1 else {
                throw HTTPError(.badRequest, message: "Give 'vendor' (one of \(names)).")
            }
            return configurable[0]
        }
        guard let vendor = vendors.first(where: { $0.name == name }) else {
            throw HTTPError(
                .badRequest,
                message: "Unknown vendor '\(name)'; webhooks are configured here for \(names)."
            )
        }
        guard vendor.configuresWebhooks else {
            throw HTTPError(
                .badRequest,
                message: "\(name) webhooks are managed through its own API; here only \(names)."
            )
        }
        return vendor
    }

    func addWebhook(_ request: Request) throws(HTTPError) -> Response {
        let example =
            #"a JSON object like {"vendor":"flowmailer","tenant":"545","url":"https://hooks.acme.io/sendpro"}"#
        guard let json = try? request.jsonBody(), var object = json.objectValue else {
            throw HTTPError(.badRequest, message: "The body is \(example).")
        }
        let known: Set<String> = [
            "vendor", "tenant", "url", "description", "add_message_tags", "sources", "event_types",
        ]
        for key in object.keys where !known.contains(key) {
            throw HTTPError(.badRequest, message: "Unknown field '\(key)'; the body is \(example).")
        }
        var vendorName: String?
        if let v = object["vendor"], !v.isNull {
            guard let s = v.stringValue else { throw HTTPError(.badRequest, message: "'vendor' is a vendor name.") }
            vendorName = s
        }
        let vendor = try webhookVendor(named: vendorName)
        guard let tenantName = object["tenant"]?.stringValue, !tenantName.isEmpty else {
            throw HTTPError(.badRequest, message: "'tenant' is required (the account the webhook belongs to).")
        }
        guard let tenant = vendor.resolveTenant(tenantName) else {
            throw HTTPError(.notFound, message: "\(vendor.name) has no tenant '\(tenantName)'.")
        }
        object["vendor"] = nil
        object["tenant"] = nil
        do throws(VendorError) {
            return .json(try vendor.addWebhook(tenant: tenant, object), status: .created)
        } catch {
            throw HTTPError(.badRequest, message: error.description + ".")
        }
    }

    func listWebhooks(_ request: Request) throws(HTTPError) -> Response {
        let wanted = try QueryParsing.vendor(request, among: vendors.map(\.name))
        var data: [JSON] = []
        for vendor in webhookVendors where wanted == nil || vendor.name == wanted {
            var tenant: String?
            if let name = request.query("tenant") {
                guard let native = vendor.resolveTenant(name) else { continue }
                tenant = native
            }
            data += vendor.configuredWebhooks(tenant: tenant)
        }
        return .json(["data": .array(data)])
    }

    func deleteWebhook(_ id: String) throws(HTTPError) -> Response {
        for vendor in webhookVendors where vendor.removeWebhook(id: id) {
            return .json(["id": .string(id), "deleted": true])
        }
        throw HTTPError(.notFound, message: "No webhook '\(id)'.")
    }
}
