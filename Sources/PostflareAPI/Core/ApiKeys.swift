// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// `/api-keys` (spec §2.4, §5). A created key is usable at once; a deleted one stops working at once.
extension PostflareAPI {
    func addAPIKeyRoutes(_ r: inout Router) {
        route(&r, .POST, "/api-keys") { api, req, p in try api.createAPIKey(req, p) }
        route(&r, .GET, "/api-keys") { api, req, p in
            ok(
                try api.store.withTeam(p.teamId) { team, state throws(PostflareError) -> JSON in
                    try Pagination.list(team.keys, req, defaultLimit: nil) { k in
                        [
                            "id": .string(k.id), "name": .string(k.name), "created_at": Time.pg(k.createdAt),
                            "last_used_at": Time.pg(state.lastUsed[k.id]),
                        ]
                    }
                }
            )
        }
        route(&r, .PATCH, "/api-keys/{id}") { api, req, p in
            let id = try uuidParameter(req, "id")
            let name = try Body(req).requiredString("name", allowEmpty: true)
            guard name.count <= 50 else {
                throw PostflareError.validation("The `name` field must be at most 50 characters.")
            }
            try api.store.withTeam(p.teamId) { team, _ throws(PostflareError) in
                guard team.keys[id] != nil else { throw .notFound("API key") }
                team.keys[id]?.name = name
            }
            return ok(["object": "api_key", "id": .string(id)])
        }
        route(&r, .DELETE, "/api-keys/{id}") { api, req, p in
            let id = try uuidParameter(req, "id")
            try api.store.withTeam(p.teamId) { team, state throws(PostflareError) in
                // The key leaves `team.keys` here; the token index is cleaned with it.
                guard let key = team.keys.removeValue(forKey: id) else { throw .notFound("API key") }
                state.unindex(key)
            }
            // Spec value `"object":"api_key"`; the Oct 2025 recording had `"object":"list"` (spec §11.3).
            return ok(["object": "api_key", "id": .string(id), "deleted": true])
        }
    }

    func createAPIKey(_ req: Request, _ p: Principal) throws -> Response {
        let body = try Body(req)
        // An empty name is accepted by the real API (spec §2.4, HAR).
        let name = try body.requiredString("name", allowEmpty: true)
        guard name.count <= 50 else {
            throw PostflareError.validation("The `name` field must be at most 50 characters.")
        }
        let permission = try body.string("permission") ?? "full_access"
        guard permission == "full_access" || permission == "sending_access" else { throw PostflareError.invalidAccess }
        let domainId = try body.string("domain_id")
        let now = store.now
        let (id, token) = try store.withTeam(p.teamId) { team, state throws(PostflareError) -> (String, String) in
            if let domainId, team.domains[domainId] == nil { throw .notFound("Domain") }
            let key = APIKeyRecord(
                id: IDs.uuid(),
                name: name,
                token: "re_" + IDs.random(8) + "_" + IDs.random(24),
                permission: permission,
                // "Only used when the permission is sending_access."
                domainId: permission == "sending_access" ? domainId : nil,
                createdAt: now,
                seq: state.nextSeq()
            )
            team.keys[key.id] = key
            state.index(key, team: team.id)
            return (key.id, key.token)
        }
        return ok(["id": .string(id), "token": .string(token)], status: 201)
    }
}
