// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// `/templates` (spec §2.10): a draft that edits change and a published version that sends use; every
/// path takes an id or an alias.
extension PostflareAPI {
    static let templateVariableTypes = ["string", "number", "boolean", "object", "list"]
    /// "reserved keys `FIRST_NAME, LAST_NAME, EMAIL, RESEND_UNSUBSCRIBE_URL, contact, this`".
    static let reservedVariableKeys: Set<String> = [
        "FIRST_NAME", "LAST_NAME", "EMAIL", "RESEND_UNSUBSCRIBE_URL", "contact", "this",
    ]

    static let templateRoutes: [PostflareRoute] =
        templates.routes(.list, .get, .delete) + [
            (.POST, "/templates", PostflareAPI.createTemplate),
            (.PATCH, "/templates/{id}", PostflareAPI.updateTemplate),
            (.POST, "/templates/{id}/publish", PostflareAPI.publishTemplate),
            (.POST, "/templates/{id}/duplicate", PostflareAPI.duplicateTemplate),
        ]

    func createTemplate(_ req: Request, _ p: Principal) throws -> Response {
        let body = try Body(req)
        let now = store.now
        let content = try Self.templateContent(body, base: nil, now: now)
        let id = try insert(Self.templates, p) { team, state throws(PostflareError) in
            if let alias = content.alias, team.template(idOrAlias: alias) != nil {
                throw .validation("A template with the alias `\(alias)` already exists.")
            }
            return TemplateRecord(draft: content, createdAt: now, seq: state.nextSeq())
        }.id
        return ok(["id": .string(id), "object": "template"], status: 201)
    }

    func updateTemplate(_ req: Request, _ p: Principal) throws -> Response {
        let ref = req.parameter("id")
        let body = try Body(req)
        let now = store.now
        let id = try modify(Self.templates, ref, p) { t, _ throws(PostflareError) in
            t.draft = try Self.templateContent(body, base: t.draft, now: now)
            t.updatedAt = now
            t.hasUnpublishedVersions = t.published != nil
        }
        return ok(["id": .string(id), "object": "template"])
    }

    func publishTemplate(_ req: Request, _ p: Principal) throws -> Response {
        let ref = req.parameter("id")
        let now = store.now
        let id = try modify(Self.templates, ref, p) { t, _ in
            t.published = t.draft
            t.publishedAt = now
            t.updatedAt = now
            t.currentVersionId = IDs.uuid()
            t.hasUnpublishedVersions = false
        }
        return ok(["id": .string(id), "object": "template"])
    }

    func duplicateTemplate(_ req: Request, _ p: Principal) throws -> Response {
        let ref = req.parameter("id")
        let now = store.now
        let id = try insert(Self.templates, p) { team, state throws(PostflareError) in
            guard let t = team.template(idOrAlias: ref) else { throw .notFound("Template") }
            // The copy is a draft without the alias (aliases are unique).
            var draft = t.draft
            draft.name += " (Copy)"
            draft.alias = nil
            return TemplateRecord(draft: draft, createdAt: now, seq: state.nextSeq())
        }.id
        return ok(["object": "template", "id": .string(id)])
    }

    /// Create (base nil: `name` and `html` required) or update (every field optional) a template's draft.
    static func templateContent(
        _ body: Body,
        base: TemplateContent?,
        now: Int64
    ) throws(PostflareError)
        -> TemplateContent
    {
        var c =
            base
            ?? TemplateContent(
                name: "",
                alias: nil,
                from: nil,
                subject: nil,
                replyTo: nil,
                html: "",
                text: nil,
                variables: []
            )
        if base == nil {
            c.name = try body.requiredString("name")
            c.html = try body.requiredString("html")
        } else {
            if let n = try body.string("name") { c.name = n }
            if let h = try body.string("html") { c.html = h }
        }
        if body.has("alias") { c.alias = try body.string("alias") }
        if let from = try body.string("from") {
            guard EmailAddress.parse(from) != nil else { throw EmailAddress.invalidFieldError("from") }
            c.from = from
        }
        if body.has("subject") { c.subject = try body.string("subject") }
        if let reply = try body.stringList("reply_to") {
            for a in reply where EmailAddress.parse(a) == nil { throw EmailAddress.invalidFieldError("reply_to") }
            c.replyTo = reply
        }
        if body.has("text") { c.text = try body.string("text") }
        if let v = body["variables"] {
            guard let items = v.arrayValue else { throw .validation("The `variables` field must be an array.") }
            guard items.count <= 50 else { throw .validation("A template can have at most 50 variables.") }
            var vars: [TemplateVariable] = []
            for item in items {
                let vb = Body(object: item.objectValue ?? JSONObject())
                let key = try vb.requiredString("key")
                if reservedVariableKeys.contains(key) {
                    throw .validation("The variable key `\(key)` is reserved.")
                }
                guard vb.has("type") else { throw .missingField("type") }
                let type = try vb.oneOf("type", templateVariableTypes) ?? "string"
                vars.append(
                    TemplateVariable(
                        id: IDs.uuid(),
                        key: key,
                        type: type,
                        fallbackValue: vb["fallback_value"] ?? .null,
                        createdAt: now
                    )
                )
            }
            c.variables = vars
        }
        return c
    }

    /// The contract types `alias`, `from`, `subject`, `text` and a variable's `fallback_value` as non-nullable,
    /// so unset ones are left out instead of answered as `null` (only `reply_to` is declared nullable).
    static func templateJSON(_ t: TemplateRecord, detail: Bool) -> JSON {
        let status: JSON = t.published == nil ? "draft" : "published"
        guard detail else {
            var o: JSONObject = [
                "id": .string(t.id), "name": .string(t.draft.name), "status": status,
                "published_at": Time.pg(t.publishedAt), "created_at": Time.pg(t.createdAt),
                "updated_at": Time.pg(t.updatedAt),
            ]
            o["alias"] = t.draft.alias.map { .string($0) }
            return .object(o)
        }
        let c = t.draft
        var o: JSONObject = [
            "object": "template", "id": .string(t.id), "current_version_id": .string(t.currentVersionId),
        ]
        o["alias"] = c.alias.map { .string($0) }
        o["name"] = .string(c.name)
        o["created_at"] = Time.pg(t.createdAt)
        o["updated_at"] = Time.pg(t.updatedAt)
        o["status"] = status
        o["published_at"] = Time.pg(t.publishedAt)
        o["from"] = c.from.map { .string($0) }
        o["subject"] = c.subject.map { .string($0) }
        o["reply_to"] = c.replyTo.map { .array($0.map { .string($0) }) } ?? .null
        o["html"] = .string(c.html)
        o["text"] = c.text.map { .string($0) }
        o["variables"] = .array(
            c.variables.map { v in
                var variable: JSONObject = ["id": .string(v.id), "key": .string(v.key), "type": .string(v.type)]
                if !v.fallbackValue.isNull { variable["fallback_value"] = v.fallbackValue }
                variable["created_at"] = Time.pg(v.createdAt)
                variable["updated_at"] = Time.pg(v.createdAt)
                return .object(variable)
            }
        )
        o["has_unpublished_versions"] = .bool(t.hasUnpublishedVersions)
        return .object(o)
    }
}

extension TemplateRecord {
    /// A new template that was never published (a create, or a duplicate's copy).
    init(draft: TemplateContent, createdAt: Int64, seq: Int) {
        self.init(
            id: IDs.uuid(),
            draft: draft,
            published: nil,
            currentVersionId: IDs.uuid(),
            createdAt: createdAt,
            updatedAt: createdAt,
            publishedAt: nil,
            hasUnpublishedVersions: false,
            seq: seq
        )
    }
}

/// `{{{KEY}}}` (Resend's syntax) and `{{KEY}}` substitution with send-time values or fallbacks.
enum TemplateRendering {
    /// The value of every declared variable. A variable with no fallback must be given ("If not, the call
    /// will throw a validation error"); values are strings or numbers.
    static func values(for variables: [TemplateVariable], given: JSONObject) throws(PostflareError) -> [String: String]
    {
        var out: [String: String] = [:]
        for (key, value) in given {
            switch value {
            case .string(let s): out[key] = s
            case .int(let i): out[key] = String(i)
            case .double(let d): out[key] = String(d)
            default: throw .validation("The template variable `\(key)` must be a string or a number.")
            }
        }
        for v in variables where out[v.key] == nil {
            switch v.fallbackValue {
            case .null: throw .validation("Missing required template variable `\(v.key)`.")
            case .string(let s): out[v.key] = s
            case .int(let i): out[v.key] = String(i)
            case .double(let d): out[v.key] = String(d)
            case .bool(let b): out[v.key] = b ? "true" : "false"
            default: out[v.key] = v.fallbackValue.text
            }
        }
        return out
    }

    static func render(_ text: String, _ values: [String: String]) -> String {
        guard text.contains("{{") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{") {
            out += rest[..<open.lowerBound]
            let triple = rest[open.upperBound...].hasPrefix("{")
            let nameStart = triple ? rest.index(after: open.upperBound) : open.upperBound
            let closer = triple ? "}}}" : "}}"
            guard let close = rest[nameStart...].firstRange(of: closer) else {
                out += rest[open.lowerBound...]
                return out
            }
            let name = rest[nameStart..<close.lowerBound].trimmingSpaces()
            if let v = values[name] { out += v } else { out += rest[open.lowerBound..<close.upperBound] }
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}
