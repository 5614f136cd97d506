// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

struct DomainClaimRecord: Sendable, Codable {
    var id: String
    var name: String
    var domainId: String
    var region: String
    var token: String
    var status: String  // pending | completed
    var createdAt: Int64
}

/// Domain claims (spec §2.3): taking over a domain that another account registered. The emulator has no
/// other accounts, so a claim creates the placeholder domain at once; verifying the claim's TXT record
/// completes it and starts the domain's own verification.
extension PostflareAPI {
    static let claimLifetimeMillis: Int64 = 7 * 86_400_000

    static let domainClaimRoutes: [PostflareRoute] = [
        (.POST, "/domains/claim", PostflareAPI.claimDomain),
        (.GET, "/domains/{id}/claim", PostflareAPI.getDomainClaim),
        (.POST, "/domains/{id}/claim/verify", PostflareAPI.verifyDomainClaim),
    ]

    func claimDomain(_ req: Request, _ p: Principal) throws -> Response {
        let body = try Body(req)
        let name = try body.requiredString("name").lowercased()
        guard EmailAddress.isValid("x@" + name) else {
            throw PostflareError.validation("Invalid `name` field. The domain name is not valid.")
        }
        let region = try body.string("region") ?? "us-east-1"
        guard Self.regions.contains(region) else { throw PostflareError.invalidRegion }
        let now = store.now
        let (json, existed) = try store.withTeam(p.teamId) {
            team,
            state throws(PostflareError) -> (JSON, Bool) in
            // "An identical pending claim already existed" → 200 with that claim.
            if let c = team.claims.values.first(where: { $0.name == name && $0.status == "pending" }) {
                return (Self.claimJSON(c), true)
            }
            let domain = DomainRecord(
                id: IDs.uuid(),
                name: name,
                region: region,
                createdAt: now,
                openTracking: false,
                clickTracking: false,
                tls: "opportunistic",
                customReturnPath: "send",
                trackingSubdomain: nil,
                sending: true,
                receiving: false,
                verified: false,
                verifyRequestedAt: nil,
                seq: state.nextSeq()
            )
            team.domains[domain.id] = domain
            let c = DomainClaimRecord(
                id: IDs.uuid(),
                name: name,
                domainId: domain.id,
                region: region,
                token: IDs.hex(32),
                status: "pending",
                createdAt: now
            )
            team.claims[domain.id] = c
            return (Self.claimJSON(c), false)
        }
        return ok(json, status: existed ? 200 : 201)
    }

    func getDomainClaim(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        return ok(
            try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                guard let c = team.claims[id] else { throw .notFound("Domain claim") }
                return Self.claimJSON(c)
            }
        )
    }

    func verifyDomainClaim(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let now = store.now
        return ok(
            try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                guard var c = team.claims[id] else { throw .notFound("Domain claim") }
                if c.status == "pending" {
                    c.status = "completed"
                    team.claims[id] = c
                    if team.domains[id]?.verifyRequestedAt == nil { team.domains[id]?.verifyRequestedAt = now }
                }
                return Self.claimJSON(c)
            }
        )
    }

    static func claimJSON(_ c: DomainClaimRecord) -> JSON {
        [
            "object": "domain_claim", "id": .string(c.id), "name": .string(c.name), "status": .string(c.status),
            "domain_id": .string(c.domainId), "region": .string(c.region),
            "record": [
                "type": "TXT", "name": .string("_resend." + c.name),
                "value": .string("resend-domain-verification=" + c.token), "ttl": "Auto",
            ],
            "blocked_reason": .null, "failure_reason": .null, "created_at": Time.pg(c.createdAt),
            "expires_at": Time.pg(c.createdAt + claimLifetimeMillis),
        ]
    }
}
