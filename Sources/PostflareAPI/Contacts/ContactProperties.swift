// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// `/contact-properties` (spec §2.8): typed custom contact fields; only `fallback_value` may change.
extension PostflareAPI {
    static let contactPropertyRoutes: [PostflareRoute] =
        contactProperties.routes(.list, .get) + [
            (.POST, "/contact-properties", PostflareAPI.createContactProperty),
            (.PATCH, "/contact-properties/{id}", PostflareAPI.updateContactProperty),
            (.DELETE, "/contact-properties/{id}", PostflareAPI.deleteContactProperty),
        ]

    func createContactProperty(_ req: Request, _ p: Principal) throws -> Response {
        let body = try Body(req)
        let key = try body.requiredString("key")
        guard key.count <= 50,
            key.utf8AllSatisfy({ c in
                (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95
            })
        else {
            throw PostflareError.validation(
                "The `key` field must be at most 50 characters of letters, numbers and underscores."
            )
        }
        guard body.has("type") else { throw PostflareError.missingField("type") }
        let type = try body.oneOf("type", ["string", "number"]) ?? "string"
        let fallback = body["fallback_value"] ?? .null
        try Self.checkFallback(fallback, type: type)
        let now = store.now
        let id = try insert(Self.contactProperties, p) { team, state throws(PostflareError) in
            if team.properties.values.contains(where: { $0.key == key }) {
                throw .validation("A contact property with the key `\(key)` already exists.")
            }
            return ContactPropertyRecord(
                id: IDs.uuid(),
                key: key,
                type: type,
                fallbackValue: fallback,
                createdAt: now,
                seq: state.nextSeq()
            )
        }.id
        return ok(["object": "contact_property", "id": .string(id)], status: 201)
    }

    func updateContactProperty(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        let body = try Body(req)
        if body.has("key") || body.has("type") {
            throw PostflareError.validation("The `key` and `type` fields cannot be changed.")
        }
        let fallback = body["fallback_value"] ?? .null
        try modify(Self.contactProperties, id, p) { c, _ throws(PostflareError) in
            try Self.checkFallback(fallback, type: c.type)
            c.fallbackValue = fallback
        }
        return ok(["object": "contact_property", "id": .string(id)])
    }

    /// Its answer has always put `deleted` before `id` (unlike `PostflareResource.deleted`).
    func deleteContactProperty(_ req: Request, _ p: Principal) throws -> Response {
        let id = try remove(Self.contactProperties, req, p)
        return ok(["object": "contact_property", "deleted": true, "id": .string(id)])
    }

    static func checkFallback(_ value: JSON, type: String) throws(PostflareError) {
        guard !value.isNull else { return }
        let matches = type == "number" ? value.doubleValue != nil : value.stringValue != nil
        if !matches { throw .validation("The `fallback_value` field must be a \(type).") }
    }

    static func propertyJSON(_ c: ContactPropertyRecord, detail: Bool) -> JSON {
        var o: JSONObject = detail ? ["object": "contact_property"] : [:]
        o["id"] = .string(c.id)
        o["key"] = .string(c.key)
        o["type"] = .string(c.type)
        // Contract: `string | number`, not nullable, so a property without a fallback leaves the key out.
        if !c.fallbackValue.isNull { o["fallback_value"] = c.fallbackValue }
        o["created_at"] = Time.pg(c.createdAt)
        return .object(o)
    }
}
