// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// A stored, account-scoped JSON resource with plain CRUD (flows, sources, templates, sender domains,
/// event flows, credentials, users). Statuses per spec §2.5: list/get 200, create 201 + `Location`,
/// update 200 (with the object where the SDK expects one), delete 200.
struct ResourceKind: Sendable {
    var path: String
    var table: String
    var what: String
    /// The SDK model's non-nullable fields (spec §6), checked on create and update.
    var required: [String]
    var enums: [String: Set<String>] = [:]
    /// PUT answers with the updated object (Flow, EventFlow) rather than an empty body.
    var putReturnsObject = false
    /// POST answers 200 with the object (Credentials) rather than 201 + Location.
    var postReturnsObject = false

    var hasStatistics: Bool { table == "flows" || table == "sources" }

    static let flows = ResourceKind(
        path: "flows",
        table: "flows",
        what: "Flow",
        required: ["description", "templateId"],
        putReturnsObject: true
    )
    static let sources = ResourceKind(
        path: "sources",
        table: "sources",
        what: "Source",
        required: ["description", "type"],
        enums: ["type": ["API", "SMTP", "SMTP_RCPT", "SMTP_DOMAIN", "SMPP", "FLOWMAILER"]]
    )
    static let templates = ResourceKind(
        path: "templates",
        table: "templates",
        what: "Template",
        required: ["description", "mimeType", "templateEngine"],
        enums: [
            "mimeType": ["text/plain", "text/html", "application/vnd.flowmailer.itext+pdf"],
            "templateEngine": ["freemarker-2.3.20"],
        ]
    )
    static let senderDomains = ResourceKind(
        path: "sender_domains",
        table: "sender_domains",
        what: "Sender domain",
        required: ["senderDomain"]
    )
    static let eventFlows = ResourceKind(
        path: "event_flows",
        table: "event_flows",
        what: "Event flow",
        required: ["description"],
        putReturnsObject: true
    )
    static let credentials = ResourceKind(
        path: "api_credentials",
        table: "api_credentials",
        what: "Credentials",
        required: [],
        postReturnsObject: true
    )
    /// Only in an older edition of the reference (RonSijm's client, spec §5.3); required fields unknown (inferred: none).
    static let senderIdentities = ResourceKind(
        path: "sender_identities",
        table: "sender_identities",
        what: "Sender identity",
        required: []
    )
}

extension FlowmailerAPI {
    func addResourceRoutes(to router: inout Router) {
        for kind in [
            ResourceKind.flows, .sources, .templates, .senderDomains, .eventFlows, .credentials, .senderIdentities,
        ] {
            addCRUD(kind, to: &router)
        }
        router.get("/{account_id}/roles") { [self] request in
            Self.json(.array(try store.read(Self.account(request)) { $0.table("roles").all.map { .object($0) } }))
        }
        router.get("/{account_id}/users") { [self] request in
            Self.json(.array(try store.read(Self.account(request)) { $0.table("users").all.map { .object($0) } }))
        }
        router.post("/{account_id}/users") { [self] request in
            let body = try Self.objectBody(request)
            var errors: [FieldError] = []
            if (body["username"]?.stringValue ?? "").isEmpty {
                errors.append(Self.notNull("username", "restAccountUser"))
            }
            if body["roles"]?.arrayValue == nil { errors.append(Self.notNull("roles", "restAccountUser")) }
            if !errors.isEmpty { throw FlowmailerError.badRequest(errors) }
            let id = try store.write(Self.account(request)) { a in
                let id = a.makeId()
                var users = a.table("users")
                users.put(
                    JSONObject([("username", body["username"] ?? .null), ("roles", body["roles"] ?? [])]),
                    id: id
                )
                a.tables["users"] = users
                return id
            }
            return Self.created(request, path: "/\(Self.account(request))/users/\(id)")
        }
        router.post("/accounts") { [self] request in
            // Account: `type` and `description` are required (spec §6). The new account starts empty.
            let body = try Self.objectBody(request)
            var errors: [FieldError] = []
            for field in ["type", "description"] where (body[field]?.stringValue ?? "").isEmpty {
                errors.append(Self.notNull(field, "restAccount"))
            }
            if !errors.isEmpty { throw FlowmailerError.badRequest(errors) }
            let id = store.createAccount(
                description: body["description"]?.stringValue ?? "",
                details: Self.withId("", body)
            )
            return Self.created(request, path: "/accounts/\(id)")
        }
        addSourceUserRoutes(to: &router)
        addSenderDomainExtras(to: &router)
    }

    static func notNull(_ field: String, _ objectName: String) -> FieldError {
        FieldError(code: "NotNull", defaultMessage: "may not be null", field: field, objectName: objectName)
    }

    /// Checks required and enumerated fields of `body`, collecting every problem (allErrors).
    static func validate(_ body: JSONObject, _ kind: ResourceKind) throws(HTTPError) {
        let objectName = "rest" + String(kind.what.filter { $0 != " " })
        var errors: [FieldError] = []
        for field in kind.required {
            switch body[field] {
            case nil, .null?: errors.append(notNull(field, objectName))
            case .string(let s)? where s.isEmpty: errors.append(notNull(field, objectName))
            default: break
            }
        }
        for (field, allowed) in kind.enums.sorted(by: { $0.key < $1.key }) {
            if let value = body[field], !value.isNull, !(value.stringValue.map(allowed.contains) ?? false) {
                errors.append(
                    FieldError(
                        code: "typeMismatch",
                        defaultMessage: "\(field) must be one of \(allowed.sorted().joined(separator: ", "))",
                        field: field,
                        objectName: objectName,
                        rejectedValue: value
                    )
                )
            }
        }
        if !errors.isEmpty { throw FlowmailerError.badRequest(errors) }
    }

    /// `id` first, then the body's fields in the client's order.
    static func withId(_ id: String, _ body: JSONObject) -> JSONObject {
        var o = JSONObject([("id", .string(id))])
        for (k, v) in body where k != "id" { o[k] = v }
        return o
    }

    func addCRUD(_ kind: ResourceKind, to router: inout Router) {
        let collection = "/{account_id}/\(kind.path)"
        let item = collection + "/{id}"
        router.get(collection) { [self] request in
            let sourceFilter = request.matrixParameters["source_id"]
            // `statistics` (flows, sources; "default true" per the SDK docblock) adds a messageSummary.
            let statistics = try kind.hasStatistics && QueryParams.bool(request, "statistics", default: true)
            let now = clock.now()
            let (items, messages) = try store.read(Self.account(request)) { a in
                (a.table(kind.table).all, statistics ? Array(a.messages.values) : [])
            }
            let shown = items.filter { o in sourceFilter.map { o["sourceId"]?.stringValue == $0 } ?? true }
            return Self.json(
                .array(
                    shown.map { o in
                        guard statistics, let id = o["id"]?.stringValue else { return Self.present(o, kind) }
                        var withStats = o
                        let own = messages.filter { (kind.table == "flows" ? $0.flow.id : $0.source.id) == id }
                        withStats["messageSummary"] = Stats.summary(own, at: now)
                        return .object(withStats)
                    }
                )
            )
        }
        router.post(collection) { [self] request in
            var body = try Self.objectBody(request)
            try Self.validate(body, kind)
            if kind.table == "api_credentials" { try Self.prepareCredentials(&body) }
            let account = Self.account(request)
            let object = try store.write(account) { a in
                let id = a.makeId()
                var table = a.table(kind.table)
                let object = Self.withId(id, body)
                table.put(object, id: id)
                a.tables[kind.table] = table
                return object
            }
            if kind.postReturnsObject { return Self.json(.object(object)) }
            return Self.created(request, path: "/\(account)/\(kind.path)/\(object["id"]?.stringValue ?? "")")
        }
        router.get(item) { [self] request in
            let id = request.parameter("id")
            let object = try store.read(Self.account(request)) { a throws(HTTPError) in
                guard let o = a.table(kind.table)[id] else { throw FlowmailerError.notFound(kind.what) }
                return o
            }
            if kind.table == "sender_domains" {
                // DNS records are filled on GET by id and validated when `validate=true` (SenderDomain docblock).
                return Self.json(Self.withDNS(object, validated: try QueryParams.bool(request, "validate")))
            }
            return Self.json(Self.present(object, kind))
        }
        router.put(item) { [self] request in
            let id = request.parameter("id")
            var body = try Self.objectBody(request)
            try Self.validate(body, kind)
            if kind.table == "api_credentials" { body["clientSecret"] = body["clientSecret"] ?? nil }
            let object = try store.write(Self.account(request)) { a throws(HTTPError) in
                var table = a.table(kind.table)
                guard let old = table[id] else { throw FlowmailerError.notFound(kind.what) }
                var merged = Self.withId(id, body)
                // Fields the client leaves out keep their value (secrets are never echoed back, so a
                // client round-tripping a GET result must not wipe them).
                for (k, v) in old where !merged.contains(k) { merged[k] = v }
                table.put(merged, id: id)
                a.tables[kind.table] = table
                return merged
            }
            return kind.putReturnsObject ? Self.json(Self.present(object, kind)) : Response(status: .ok)
        }
        router.delete(item) { [self] request in
            let id = request.parameter("id")
            try store.write(Self.account(request)) { a throws(HTTPError) in
                var table = a.table(kind.table)
                guard table.remove(id) else { throw FlowmailerError.notFound(kind.what) }
                a.tables[kind.table] = table
            }
            return Response(status: .ok)
        }
    }

    /// The wire form of a stored resource: credential secrets are shown only when created (inferred).
    static func present(_ o: JSONObject, _ kind: ResourceKind) -> JSON {
        guard kind.table == "api_credentials" else { return .object(o) }
        var shown = o
        if shown.contains("clientSecret") { shown["clientSecret"] = .null }
        if shown.contains("password") { shown["password"] = .null }
        return .object(shown)
    }

    /// Credentials: roles must hold exactly one role (Credentials docblock); id and secret are generated.
    static func prepareCredentials(_ body: inout JSONObject) throws(HTTPError) {
        if let roles = body["roles"], !roles.isNull, roles.arrayValue?.count != 1 {
            throw FlowmailerError.badRequest([
                FieldError(
                    code: "roles.size",
                    defaultMessage: "Roles must contain exactly 1 role",
                    field: "roles",
                    objectName: "restCredentials",
                    rejectedValue: roles
                )
            ])
        }
        if (body["clientId"]?.stringValue ?? "").isEmpty { body["clientId"] = .string(IDs.hex(24)) }
        if (body["clientSecret"]?.stringValue ?? "").isEmpty { body["clientSecret"] = .string(IDs.random(40)) }
    }
}
