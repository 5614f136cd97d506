// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// `/segments` and its deprecated alias `/audiences`: one collection under two names (spec §2.5, §2.8).
extension PostflareAPI {
    func addSegmentRoutes(_ r: inout Router) {
        route(&r, Self.segmentRoutes("/segments", object: "segment"))
        route(&r, Self.segmentRoutes("/audiences", object: "audience"))
        // Served and used by the SDKs although absent from the spec (spec §11.13).
        route(&r, [(.GET, "/segments/{segment_id}/contacts", PostflareAPI.listSegmentContacts)])
    }

    /// The routes of one of the collection's two names; `object` is the name its answers carry.
    static func segmentRoutes(_ base: String, object: String) -> [PostflareRoute] {
        [
            (.POST, base, { api in { try api.createSegment($0, $1, object: object) } }),
            (.GET, base, PostflareAPI.listSegments),
            (.GET, base + "/{id}", { api in { try api.getSegment($0, $1, object: object) } }),
            (.DELETE, base + "/{id}", { api in { try api.deleteSegment($0, $1, object: object) } }),
        ]
    }

    func createSegment(_ req: Request, _ p: Principal, object: String) throws -> Response {
        let name = try Body(req).requiredString("name")
        let now = store.now
        let id = try store.withTeam(p.teamId) { team, state throws(PostflareError) -> String in
            let s = SegmentRecord(id: IDs.uuid(), name: name, createdAt: now, seq: state.nextSeq())
            team.segments[s.id] = s
            return s.id
        }
        return ok(["object": .string(object), "id": .string(id), "name": .string(name)], status: 201)
    }

    func listSegments(_ req: Request, _ p: Principal) throws -> Response {
        ok(
            try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                try Pagination.list(team.segments, req, defaultLimit: nil) {
                    Self.segmentJSON($0, detail: false)
                }
            }
        )
    }

    func getSegment(_ req: Request, _ p: Principal, object: String) throws -> Response {
        let id = try uuidParameter(req, "id")
        return ok(
            try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                // The real API still says "Audience not found" for segments (spec §11.5).
                guard let s = team.segments[id] else { throw .notFound("Audience") }
                var o = Self.segmentJSON(s, detail: true).objectValue ?? JSONObject()
                o["object"] = .string(object)
                return .object(o)
            }
        )
    }

    func deleteSegment(_ req: Request, _ p: Principal, object: String) throws -> Response {
        let id = try uuidParameter(req, "id")
        // 200 deleted:true even for an unknown id (spec §11.4); members simply leave it.
        try store.withTeam(p.teamId) { team, _ throws(PostflareError) in
            team.segments[id] = nil
            for c in team.contacts.values where c.segmentIds.contains(id) {
                team.contacts.modify(c.id) { $0.segmentIds.removeAll { $0 == id } }
            }
        }
        return ok(["object": .string(object), "id": .string(id), "deleted": true])
    }

    func listSegmentContacts(_ req: Request, _ p: Principal) throws -> Response {
        try listContacts(req, p, segment: try audience(req, p, parameter: "segment_id"))
    }

    static func segmentJSON(_ s: SegmentRecord, detail: Bool) -> JSON {
        var o: JSONObject = detail ? ["object": "segment"] : [:]
        o["id"] = .string(s.id)
        o["name"] = .string(s.name)
        o["created_at"] = Time.pg(s.createdAt)
        return .object(o)
    }
}
