// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// A team table whose list, get and delete answers differ from its siblings' only in this data (in the
/// spirit of Flowmailer's `ResourceKind`), so one set of handlers serves them all.
struct PostflareResource<Row: Listed & Sendable>: Sendable where Row.RowID == String {
    /// How `{id}` names a row: a UUID (checked first, `invalid_parameter`) or any reference (id, alias, …).
    enum Lookup: Sendable {
        case uuid
        case reference(@Sendable (Team, String) -> Row?)
    }

    /// What the routes start with: `GET path`, `GET path/{id}`, `DELETE path/{id}`, ….
    var path: String
    var table: any WritableKeyPath<Team, OrderedTable<Row>> & Sendable
    /// The subject of `"… not found"`.
    var noun: String
    /// The `object` of single-row answers.
    var object: String
    var defaultLimit: Int?
    var lookup: Lookup = .uuid
    /// The row as JSON: `detail` for a get (with `object`), not for list items; `now` is the store clock.
    var render: @Sendable (_ row: Row, _ detail: Bool, _ now: Int64) -> JSON

    /// The `{id}` parameter, validated as `lookup` wants.
    func reference(_ req: Request) throws(PostflareError) -> String {
        switch lookup {
        case .uuid: try uuidParameter(req, "id")
        case .reference: req.parameter("id")
        }
    }

    func row(in team: Team, _ ref: String) -> Row? {
        switch lookup {
        case .uuid: team[keyPath: table][ref]
        case .reference(let find): find(team, ref)
        }
    }

    /// `{"object","id","deleted":true}`, the answer of a delete.
    func deleted(_ id: String) -> JSON { ["object": .string(object), "id": .string(id), "deleted": true] }

    /// A generic route of the resource (its other routes are written out next to their handlers).
    enum Standard { case list, get, delete }

    func routes(_ standard: Standard...) -> [PostflareRoute] {
        standard.map { s in
            switch s {
            case .list: (.GET, path, list)
            case .get: (.GET, path + "/{id}", get)
            case .delete: (.DELETE, path + "/{id}", delete)
            }
        }
    }

    var list: PostflareHandler { { api in { req, p in try api.list(self, req, p) } } }
    var get: PostflareHandler { { api in { req, p in try api.get(self, req, p) } } }
    var delete: PostflareHandler { { api in { req, p in try api.delete(self, req, p) } } }
}

extension PostflareAPI {
    /// A page of the team's rows of `resource` that pass `filter`.
    func list<Row>(
        _ resource: PostflareResource<Row>,
        _ req: Request,
        _ p: Principal,
        where filter: (Row) -> Bool = { _ in true }
    ) throws -> Response {
        let now = store.now
        return ok(
            try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                try Pagination.list(
                    team[keyPath: resource.table],
                    req,
                    defaultLimit: resource.defaultLimit,
                    where: filter
                ) {
                    resource.render($0, false, now)
                }
            }
        )
    }

    func get<Row>(_ resource: PostflareResource<Row>, _ req: Request, _ p: Principal) throws -> Response {
        let ref = try resource.reference(req)
        let now = store.now
        return ok(
            try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                guard let row = resource.row(in: team, ref) else { throw .notFound(resource.noun) }
                return resource.render(row, true, now)
            }
        )
    }

    func delete<Row>(_ resource: PostflareResource<Row>, _ req: Request, _ p: Principal) throws -> Response {
        ok(resource.deleted(try remove(resource, req, p)))
    }

    /// Removes the row the request names, after `before` (which may refuse, or change the rest of the team);
    /// returns its id.
    func remove<Row>(
        _ resource: PostflareResource<Row>,
        _ req: Request,
        _ p: Principal,
        before: (Row, inout Team, _ now: Int64) throws(PostflareError) -> Void = { _, _, _ in }
    ) throws -> String {
        let ref = try resource.reference(req)
        let now = store.now
        return try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> String in
            guard let row = resource.row(in: team, ref) else { throw .notFound(resource.noun) }
            try before(row, &team, now)
            team[keyPath: resource.table][row.id] = nil
            return row.id
        }
    }

    /// Stores the new row `make` builds (it may refuse first, or draw on the store's state) and returns it.
    func insert<Row>(
        _ resource: PostflareResource<Row>,
        _ p: Principal,
        _ make: (inout Team, inout PostflareStore.State) throws(PostflareError) -> Row
    ) throws -> Row {
        try store.withTeam(p.teamId) { team, state throws(PostflareError) -> Row in
            let row = try make(&team, &state)
            team[keyPath: resource.table][row.id] = row
            return row
        }
    }

    /// Stores back the row named `ref` after `edit` changed it (`edit` may also change the rest of the team);
    /// returns its id. Nothing is stored when `edit` throws.
    @discardableResult
    func modify<Row>(
        _ resource: PostflareResource<Row>,
        _ ref: String,
        _ p: Principal,
        _ edit: (inout Row, inout Team) throws(PostflareError) -> Void
    ) throws -> String {
        try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> String in
            guard var row = resource.row(in: team, ref) else { throw .notFound(resource.noun) }
            try edit(&row, &team)
            team[keyPath: resource.table][row.id] = row
            return row.id
        }
    }
}

/// The resources the generic handlers serve, side by side like Flowmailer's `ResourceKind`s.
extension PostflareAPI {
    static let topics = PostflareResource<TopicRecord>(
        path: "/topics",
        table: \.topics,
        noun: "Topic",
        object: "topic",
        defaultLimit: 20,
        render: { t, detail, _ in topicJSON(t, detail: detail) }
    )
    static let contactProperties = PostflareResource<ContactPropertyRecord>(
        path: "/contact-properties",
        table: \.properties,
        noun: "Contact property",
        object: "contact_property",
        defaultLimit: 20,
        render: { c, detail, _ in propertyJSON(c, detail: detail) }
    )
    static let templates = PostflareResource<TemplateRecord>(
        path: "/templates",
        table: \.templates,
        noun: "Template",
        object: "template",
        defaultLimit: 20,
        lookup: .reference { team, ref in team.template(idOrAlias: ref) },
        render: { t, detail, _ in templateJSON(t, detail: detail) }
    )
    static let webhooks = PostflareResource<WebhookRecord>(
        path: "/webhooks",
        table: \.webhooks,
        noun: "Webhook",
        object: "webhook",
        defaultLimit: nil,
        render: { w, detail, _ in Webhooks.json(w, detail: detail) }
    )
    static let domains = PostflareResource<DomainRecord>(
        path: "/domains",
        table: \.domains,
        noun: "Domain",
        object: "domain",
        defaultLimit: nil,
        render: { d, detail, now in domainJSON(d, now: now, detail: detail) }
    )
    static let broadcasts = PostflareResource<BroadcastRecord>(
        path: "/broadcasts",
        table: \.broadcasts,
        noun: "Broadcast",
        object: "broadcast",
        defaultLimit: nil,
        render: { b, detail, now in broadcastJSON(b, now: now, detail: detail) }
    )
    static let suppressions = PostflareResource<SuppressionRecord>(
        path: "/suppressions",
        table: \.suppressions,
        noun: "Suppression",
        object: "suppression",
        defaultLimit: 20,
        lookup: .reference { team, ref in team.suppression(idOrEmail: ref) },
        render: { s, detail, _ in suppressionJSON(s, object: detail) }
    )
    static let events = PostflareResource<EventRecord>(
        path: "/events",
        table: \.events,
        noun: "Event",
        object: "event",
        defaultLimit: 20,
        lookup: .reference { team, ref in team.event(idOrName: ref) },
        render: { e, detail, _ in eventJSON(e, detail: detail) }
    )
    static let automations = PostflareResource<AutomationRecord>(
        path: "/automations",
        table: \.automations,
        noun: "Automation",
        object: "automation",
        defaultLimit: 20,
        render: { a, detail, _ in automationJSON(a, detail: detail) }
    )
    static let logs = PostflareResource<LogRecord>(
        path: "/logs",
        table: \.logs,
        noun: "Log",
        object: "log",
        defaultLimit: 20,
        render: { l, detail, _ in logJSON(l, detail: detail) }
    )
}
