// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// `/topics` (spec §2.8): subscription topics; `default_subscription` cannot be changed later.
extension PostflareAPI {
    static let topicRoutes: [PostflareRoute] =
        topics.routes(.list, .get, .delete) + [
            (.POST, "/topics", PostflareAPI.createTopic),
            (.PATCH, "/topics/{id}", PostflareAPI.updateTopic),
        ]

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
        let id = try insert(Self.topics, p) { _, state throws(PostflareError) in
            TopicRecord(
                id: IDs.uuid(),
                name: name,
                description: description,
                defaultSubscription: def,
                visibility: visibility,
                createdAt: now,
                seq: state.nextSeq()
            )
        }.id
        return ok(["object": "topic", "id": .string(id)], status: 201)
    }

    func updateTopic(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let body = try Body(req)
        let name = try body.string("name", max: 50)
        let description = try body.string("description", max: 200)
        let visibility = try body.oneOf("visibility", ["public", "private"])
        try modify(Self.topics, id, p) { t, _ in
            if let name { t.name = name }
            if let description { t.description = description }
            if let visibility { t.visibility = visibility }
        }
        return ok(["object": "topic", "id": .string(id)])
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
