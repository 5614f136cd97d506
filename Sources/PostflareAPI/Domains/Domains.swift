// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// `/domains` (spec §2.3). No DNS is checked: `POST /domains/{id}/verify` moves the domain to `pending`,
/// and it is `verified` five seconds later on the emulator clock.
extension PostflareAPI {
    static let regions = ["us-east-1", "eu-west-1", "sa-east-1", "ap-northeast-1"]

    static let domainRoutes: [PostflareRoute] =
        domains.routes(.list, .get) + [
            (.POST, "/domains", PostflareAPI.createDomain),
            (.PATCH, "/domains/{id}", PostflareAPI.updateDomain),
            (.DELETE, "/domains/{id}", PostflareAPI.deleteDomain),
            (.POST, "/domains/{id}/verify", PostflareAPI.verifyDomain),
        ]

    func updateDomain(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let body = try Body(req)
        let open = try body.bool("open_tracking")
        let click = try body.bool("click_tracking")
        let tls = try body.oneOf("tls", ["opportunistic", "enforced"])
        let sub = try body.string("tracking_subdomain")
        let caps = try Self.capabilities(body)
        let now = store.now
        try modify(Self.domains, id, p) { d, team in
            if let open { d.openTracking = open }
            if let click { d.clickTracking = click }
            if let tls { d.tls = tls }
            if let sub { d.trackingSubdomain = sub }
            if let caps { (d.sending, d.receiving) = caps }
            team.emitDomain("domain.updated", d, now: now)
        }
        return ok(["id": .string(id), "object": "domain"])
    }

    func deleteDomain(_ req: Request, _ p: Principal) throws -> Response {
        let id = try remove(Self.domains, req, p) { d, team, now in team.emitDomain("domain.deleted", d, now: now) }
        return ok(Self.domains.deleted(id))
    }

    func verifyDomain(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let now = store.now
        try modify(Self.domains, id, p) { d, _ in
            if !d.verified && d.verifyRequestedAt == nil { d.verifyRequestedAt = now }
        }
        return ok(["object": "domain", "id": .string(id)])
    }

    /// `capabilities: {sending, receiving}` ("At least one capability must be enabled").
    static func capabilities(_ body: Body) throws(PostflareError) -> (Bool, Bool)? {
        guard let caps = try body.objectField("capabilities") else { return nil }
        let c = Body(object: caps)
        let sending = try c.oneOf("sending", ["enabled", "disabled"]) ?? "enabled"
        let receiving = try c.oneOf("receiving", ["enabled", "disabled"]) ?? "disabled"
        guard sending == "enabled" || receiving == "enabled" else {
            throw .validation("At least one capability must be enabled.")
        }
        return (sending == "enabled", receiving == "enabled")
    }

    func createDomain(_ req: Request, _ p: Principal) throws -> Response {
        let body = try Body(req)
        let name = try body.requiredString("name").lowercased()
        guard name.contains("."), EmailAddress.isValid("x@" + name) else {
            throw PostflareError.validation("Invalid `name` field. The domain name is not valid.")
        }
        let region = try body.string("region") ?? "us-east-1"
        guard Self.regions.contains(region) else { throw PostflareError.invalidRegion }
        let caps = try Self.capabilities(body) ?? (true, false)
        let tls = try body.oneOf("tls", ["opportunistic", "enforced"]) ?? "opportunistic"
        let returnPath = try body.string("custom_return_path") ?? "send"
        let open = try body.bool("open_tracking") ?? false
        let click = try body.bool("click_tracking") ?? false
        let sub = try body.string("tracking_subdomain")
        let now = store.now
        let d = try insert(Self.domains, p) { team, state throws(PostflareError) in
            if team.domains.values.contains(where: { $0.name == name }) {
                throw .validation("The domain `\(name)` has already been registered.", status: 403)
            }
            let d = DomainRecord(
                id: IDs.uuid(),
                name: name,
                region: region,
                createdAt: now,
                openTracking: open,
                clickTracking: click,
                tls: tls,
                customReturnPath: returnPath,
                trackingSubdomain: sub,
                sending: caps.0,
                receiving: caps.1,
                verified: false,
                verifyRequestedAt: nil,
                seq: state.nextSeq()
            )
            team.emitDomain("domain.created", d, now: now)
            return d
        }
        var o = Self.domainJSON(d, now: now, detail: true).objectValue ?? JSONObject()
        o["object"] = nil
        return ok(.object(o), status: 201)
    }

    static func domainJSON(_ d: DomainRecord, now: Int64, detail: Bool) -> JSON {
        let status = d.status(now: now)
        var o: JSONObject = detail ? ["object": "domain"] : [:]
        o["id"] = .string(d.id)
        o["name"] = .string(d.name)
        o["status"] = .string(status)
        o["created_at"] = Time.pg(d.createdAt)
        o["region"] = .string(d.region)
        o["open_tracking"] = .bool(d.openTracking)
        o["click_tracking"] = .bool(d.clickTracking)
        // The contract types it `string` (not nullable): an unset subdomain is left out rather than `null`.
        if detail { o["tracking_subdomain"] = d.trackingSubdomain.map { .string($0) } }
        o["capabilities"] = [
            "sending": .string(d.sending ? "enabled" : "disabled"),
            "receiving": .string(d.receiving ? "enabled" : "disabled"),
        ]
        if detail { o["records"] = .array(records(d, status: status)) }
        return .object(o)
    }

    /// DNS records shaped as the spec and recorded fixtures show (SPF MX + TXT on the return path, DKIM TXT).
    static func records(_ d: DomainRecord, status: String) -> [JSON] {
        let s: JSON = .string(status == "verified" ? "verified" : status == "pending" ? "pending" : "not_started")
        var out: [JSON] = [
            [
                "record": "SPF", "name": .string(d.customReturnPath), "type": "MX", "ttl": "Auto", "status": s,
                "value": .string("feedback-smtp.\(d.region).amazonses.com"), "priority": 10,
            ],
            [
                "record": "SPF", "name": .string(d.customReturnPath), "type": "TXT",
                "value": "\"v=spf1 include:amazonses.com ~all\"", "ttl": "Auto", "status": s,
            ],
            [
                "record": "DKIM", "name": "resend._domainkey", "type": "TXT",
                "value": .string("p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ" + d.id.replacingDashes()), "ttl": "Auto",
                "status": s,
            ],
        ]
        if d.receiving {
            out.append([
                "record": "Receiving", "name": .string(d.name), "type": "MX", "ttl": "Auto", "status": s,
                "value": .string("inbound-smtp.\(d.region).amazonaws.com"), "priority": 10,
            ])
        }
        return out
    }
}

extension String {
    func replacingDashes() -> String { String(filter { $0 != "-" }) }
}
