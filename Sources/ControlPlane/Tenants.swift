// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// `/_emulator/tenants`: isolated tenants for parallel CI jobs sharing one emulator.
///
/// `POST /_emulator/tenants` with an optional body `{"name":"ci-job-42","vendors":["postflare"]}` makes a
/// tenant in each chosen vendor (default: every vendor that provisions tenants) from the fixtures' first
/// tenant, and answers 201 `{"tenant":T,"flowmailer":{…},"postflare":{…},"flowdock":{…}}`, each vendor's
/// object its credentials with `tenant` its native id.
///
/// Choices the issue left open:
/// - **One name for every vendor.** Postflare team ids and Flowdock organization names are the name itself;
///   Flowmailer account ids must be numeric (its paths are told apart by a numeric first segment), so its
///   account is the name when that is a free number and the next free number otherwise. Every control route
///   that takes `tenant` resolves it per vendor through `Vendor.resolveTenant(_:)` (a name, or a native id),
///   so `tenant=T` means the same tenant for all three; items still show each vendor's native id in `tenant`.
/// - **Names**: `[a-z0-9-]{1,40}` (`all` and `find` are Flowdock routes, not names); without one the tenant is
///   `t-<10 random>`. A name that is already a tenant in any vendor (also one not chosen: `tenant=T` must
///   not reach another's data there) is 409; bad input is 400; a vendor that cannot (no fixture tenant to
///   copy, e.g. `--fixtures none`) is 409, and nothing is left half made.
/// - **Reset**: `POST /_emulator/reset?vendor=V&tenant=T` (or `?tenant=T` for every vendor that has it) puts
///   a provisioned tenant back as it was provisioned (no messages, credentials kept); a plain
///   `POST /_emulator/reset` (or of one vendor) goes back to the fixtures and removes provisioned tenants.
/// - `GET /_emulator/tenants` → `{"data":[{"tenant","vendors":{vendor: native id},"provisioned"}]}`: every
///   vendor's own tenants first (one entry per id, merged across vendors), then the provisioned ones, oldest
///   first.
/// - `DELETE /_emulator/tenants/{T}` removes a provisioned tenant from every vendor with all its data: 200
///   `{"tenant":T,"deleted":true,"vendors":[…]}`; 404 for an unknown name; 400 for a tenant the fixtures (or a
///   vendor's own API, e.g. Flowmailer's `POST /accounts`) made, which reset restores instead.
extension ControlPlane {
    static let reservedTenantNames: Set<String> = ["all", "find"]

    func addTenantRoutes(to router: inout Router) {
        router.post("/_emulator/tenants") { request in try provisionTenant(request) }
        router.get("/_emulator/tenants") { _ in listTenants() }
        router.delete("/_emulator/tenants/{tenant}") { request in try deleteTenant(request.parameter("tenant")) }
    }

    func provisionTenant(_ request: Request) throws(HTTPError) -> Response {
        let (wantedName, wantedVendors) = try Self.tenantBody(request)
        var chosen = vendors.filter(\.provisionsTenants)
        if let wantedVendors {
            chosen = []
            for name in wantedVendors {
                guard let vendor = vendors.first(where: { $0.name == name }) else {
                    throw HTTPError(
                        .badRequest,
                        message: "Unknown vendor '\(name)'; use some of \(vendors.map(\.name).joined(separator: ", "))."
                    )
                }
                guard vendor.provisionsTenants else {
                    throw HTTPError(.badRequest, message: "\(name) does not provision tenants.")
                }
                chosen.append(vendor)
            }
        }
        guard !chosen.isEmpty else { throw HTTPError(.conflict, message: "No vendor here provisions tenants.") }
        let result: Result<JSONObject, HTTPError> = tenantLock.withLock { _ in
            var name: String
            if let wantedName {
                guard !tenantInUse(wantedName) else {
                    return .failure(HTTPError(.conflict, message: "The tenant name '\(wantedName)' is in use."))
                }
                name = wantedName
            } else {
                repeat {
                    name = "t-" + IDs.random(10, alphabet: "abcdefghijklmnopqrstuvwxyz0123456789")
                } while tenantInUse(name)
            }
            var out: JSONObject = ["tenant": .string(name)]
            var done: [any Vendor] = []
            for vendor in chosen {
                do throws(VendorError) {
                    out[vendor.name] = try vendor.provisionTenant(name)
                    done.append(vendor)
                } catch {
                    for made in done { _ = made.removeTenant(name) }
                    return .failure(HTTPError(.conflict, message: "\(error.description); nothing was provisioned."))
                }
            }
            return .success(out)
        }
        return .json(.object(try result.get()), status: .created)
    }

    func listTenants() -> Response {
        var entries: [(tenant: String, vendors: JSONObject, provisioned: Bool)] = []
        var index: [String: Int] = [:]
        func add(_ tenant: String, _ vendor: String, _ native: String, provisioned: Bool) {
            if let i = index[tenant] {
                entries[i].vendors[vendor] = .string(native)
                entries[i].provisioned = entries[i].provisioned || provisioned
            } else {
                index[tenant] = entries.count
                entries.append((tenant, [vendor: .string(native)], provisioned))
            }
        }
        let provisioned = vendors.map(\.provisionedTenants)
        for (vendor, made) in zip(vendors, provisioned) {
            let madeIDs = Set(made.map(\.tenant))
            for tenant in vendor.tenants where !madeIDs.contains(tenant) {
                add(tenant, vendor.name, tenant, provisioned: false)
            }
        }
        for (vendor, made) in zip(vendors, provisioned) {
            for p in made { add(p.name, vendor.name, p.tenant, provisioned: true) }
        }
        return .json([
            "data": .array(
                entries.map { e in
                    ["tenant": .string(e.tenant), "vendors": .object(e.vendors), "provisioned": .bool(e.provisioned)]
                }
            )
        ])
    }

    func deleteTenant(_ name: String) throws(HTTPError) -> Response {
        let removed: [String] = tenantLock.withLock { _ in
            vendors.filter { $0.provisionedTenants.contains { $0.name == name } }.filter { $0.removeTenant(name) }
                .map(\.name)
        }
        guard !removed.isEmpty else {
            if tenantInUse(name) {
                throw HTTPError(
                    .badRequest,
                    message: "'\(name)' was not provisioned here and cannot be deleted; "
                        + "POST /_emulator/reset?tenant=\(name) restores it."
                )
            }
            throw HTTPError(.notFound, message: "No tenant '\(name)'.")
        }
        return .json(["tenant": .string(name), "deleted": true, "vendors": .array(removed.map { .string($0) })])
    }

    /// Whether `name` already means a tenant in some vendor (by name or native id).
    func tenantInUse(_ name: String) -> Bool {
        vendors.contains { $0.resolveTenant(name) != nil || $0.provisionedTenants.contains { $0.name == name } }
    }

    /// The optional body `{"name"?, "vendors"?}`; every other shape is a 400 that says what is wrong.
    static func tenantBody(_ request: Request) throws(HTTPError) -> (name: String?, vendors: [String]?) {
        guard request.body.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            return (nil, nil)
        }
        let example =
            "The body is optional; when given, a JSON object like {\"name\":\"ci-job-42\",\"vendors\":[\"postflare\"]}"
        guard let json = try? request.jsonBody() else { throw HTTPError(.badRequest, message: example + ".") }
        guard let object = json.objectValue else { throw HTTPError(.badRequest, message: example + ".") }
        for key in object.keys where key != "name" && key != "vendors" {
            throw HTTPError(.badRequest, message: "Unknown field '\(key)'. \(example).")
        }
        var name: String?
        if let value = object["name"], !value.isNull {
            guard let s = value.stringValue, isTenantName(s) else {
                throw HTTPError(.badRequest, message: "'name' is 1 to 40 of a-z, 0-9 and '-'.")
            }
            guard !reservedTenantNames.contains(s) else {
                throw HTTPError(.badRequest, message: "'\(s)' is reserved (a Flowdock route); choose another name.")
            }
            name = s
        }
        var vendors: [String]?
        if let value = object["vendors"], !value.isNull {
            guard let list = value.arrayValue, !list.isEmpty else {
                throw HTTPError(.badRequest, message: "'vendors' is a non-empty array of vendor names.")
            }
            var names: [String] = []
            for item in list {
                guard let s = item.stringValue else {
                    throw HTTPError(.badRequest, message: "'vendors' is a non-empty array of vendor names.")
                }
                guard !names.contains(s) else { throw HTTPError(.badRequest, message: "'vendors' names '\(s)' twice.") }
                names.append(s)
            }
            vendors = names
        }
        return (name, vendors)
    }

    static func isTenantName(_ s: String) -> Bool {
        let u = s.utf8
        return (1...40).contains(u.count)
            && u.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    }
}
