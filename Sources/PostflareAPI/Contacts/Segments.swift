// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// `/segments` and its deprecated alias `/audiences`: one collection under two names (spec §2.5, §2.8).
extension PostflareAPI {
    func addSegmentRoutes(_ r: inout Router) {
        for (base, object) in [("/segments", "segment"), ("/audiences", "audience")] {
            route(&r, .POST, base) { api, req, p in
                let name = try Body(req).requiredString("name")
                let now = api.store.now
                let id = try api.store.withTeam(p.teamId) { team, state throws(PostflareError) -> String in
                    let s = SegmentRecord(id: IDs.uuid(), name: name, createdAt: now, seq: state.nextSeq())
                    team.segments[s.id] = s
                    return s.id
                }
                return ok(["object": .string(object), "id": .string(id), "name": .string(name)], status: 201)
            }
            route(&r, .GET, base) { api, req, p in
                ok(
                    try api.store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                        return try Pagination.list(team.segments, req, defaultLimit: nil) {
                            Self.segmentJSON($0, detail: false)
                        }
                    })
            }
            route(&r, .GET, base + "/{id}") { api, req, p in
                let id = try uuidParameter(req, "id")
                return ok(
                    try api.store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                        // The real API still says "Audience not found" for segments (spec §11.5).
                        guard let s = team.segments[id] else { throw .notFound("Audience") }
                        var o = Self.segmentJSON(s, detail: true).objectValue ?? JSONObject()
                        o["object"] = .string(object)
                        return .object(o)
                    })
            }
            route(&r, .DELETE, base + "/{id}") { api, req, p in
                let id = try uuidParameter(req, "id")
                // 200 deleted:true even for an unknown id (spec §11.4); members simply leave it.
                try api.store.withTeam(p.teamId) { team, _ throws(PostflareError) in
                    team.segments[id] = nil
                    for c in team.contacts.values where c.segmentIds.contains(id) {
                        team.contacts.modify(c.id) { $0.segmentIds.removeAll { $0 == id } }
                    }
                }
                return ok(["object": .string(object), "id": .string(id), "deleted": true])
            }
        }
        // Served and used by the SDKs although absent from the spec (spec §11.13).
        route(&r, .GET, "/segments/{segment_id}/contacts") { api, req, p in
            try api.listContacts(req, p, segment: try api.audience(req, p, parameter: "segment_id"))
        }
    }

    static func segmentJSON(_ s: SegmentRecord, detail: Bool) -> JSON {
        var o: JSONObject = detail ? ["object": "segment"] : [:]
        o["id"] = .string(s.id)
        o["name"] = .string(s.name)
        o["created_at"] = Time.pg(s.createdAt)
        return .object(o)
    }
}
