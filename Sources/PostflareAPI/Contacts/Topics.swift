// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// `/topics` (spec §2.8): subscription topics; `default_subscription` cannot be changed later.
extension PostflareAPI {
    static let topicRoutes: [PostflareRoute] = [
        (.POST, "/topics", PostflareAPI.createTopic),
        (.GET, "/topics", PostflareAPI.listTopics),
        (.GET, "/topics/{id}", PostflareAPI.getTopic),
        (.PATCH, "/topics/{id}", PostflareAPI.updateTopic),
        (.DELETE, "/topics/{id}", PostflareAPI.deleteTopic),
    ]

    func addTopicRoutes(_ r: inout Router) {
        route(&r, Self.topicRoutes)
        addContactPropertyRoutes(&r)
    }

    func createTopic(_ req: Request, _ p: Principal) throws -> Response {
        let body = try Body(req)
        let name = try body.requiredString("name")
        guard name.count <= 50 else {
            throw PostflareError.validation("The `name` field must be at most 50 characters.")
        }
        guard body.has("default_subscription") else { throw PostflareError.missingField("default_subscription") }
        let def = try body.oneOf("default_subscription", ["opt_in", "opt_out"]) ?? "opt_in"
        let description = try body.string("description", max: 200)
        let visibility = try body.oneOf("visibility", ["public", "private"]) ?? "private"
        let now = store.now
        let id = try store.withTeam(p.teamId) { team, state throws(PostflareError) -> String in
            let t = TopicRecord(
                id: IDs.uuid(),
                name: name,
                description: description,
                defaultSubscription: def,
                visibility: visibility,
                createdAt: now,
                seq: state.nextSeq()
            )
            team.topics[t.id] = t
            return t.id
        }
        return ok(["object": "topic", "id": .string(id)], status: 201)
    }

    func listTopics(_ req: Request, _ p: Principal) throws -> Response {
        ok(
            try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                try Pagination.list(team.topics, req, defaultLimit: 20) { Self.topicJSON($0, detail: false) }
            }
        )
    }

    func getTopic(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        return ok(
            try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                guard let t = team.topics[id] else { throw .notFound("Topic") }
                return Self.topicJSON(t, detail: true)
            }
        )
    }

    func updateTopic(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let body = try Body(req)
        let name = try body.string("name", max: 50)
        let description = try body.string("description", max: 200)
        let visibility = try body.oneOf("visibility", ["public", "private"])
        try store.withTeam(p.teamId) { team, _ throws(PostflareError) in
            guard team.topics[id] != nil else { throw .notFound("Topic") }
            if let name { team.topics[id]?.name = name }
            if let description { team.topics[id]?.description = description }
            if let visibility { team.topics[id]?.visibility = visibility }
        }
        return ok(["object": "topic", "id": .string(id)])
    }

    func deleteTopic(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        try store.withTeam(p.teamId) { team, _ throws(PostflareError) in
            guard team.topics.removeValue(forKey: id) != nil else { throw .notFound("Topic") }
        }
        return ok(["object": "topic", "id": .string(id), "deleted": true])
    }

    static func topicJSON(_ t: TopicRecord, detail: Bool) -> JSON {
        var o: JSONObject = detail ? ["object": "topic"] : [:]
        o["id"] = .string(t.id)
        o["name"] = .string(t.name)
        o["description"] = t.description.map { .string($0) }  // contract: `string`, so absent, not null
        o["default_subscription"] = .string(t.defaultSubscription)
        o["visibility"] = .string(t.visibility)
        o["created_at"] = Time.pg(t.createdAt)
        return .object(o)
    }
}
