// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// §3.7 sources. A source's `flow_token` can read and update that source only and post into its flow.
extension FlowdockAPI {
    /// The OAuth application of sources created through the API. The real API allows creation only to
    /// OAuth applications with the `integration` scope; the emulator has no OAuth apps, so any user may
    /// create one and it is attributed to this application [I].
    static let defaultApplication: JSON = [
        "id": 1, "name": "MailDouble", "icon_url": nil, "url": "https://github.com/maildouble", "published": false,
    ]

    func registerSourceRoutes(_ routes: inout Routes) {
        routes.get("/sources") { [self] r in
            try withPrincipal(r) { s, _, who, base in
                let visible = s.sources.values.filter { src in
                    guard !src.removed, let flow = s.flows[src.flowID] else { return false }
                    if case .source(let sid) = who { return sid == src.id }  // "only that source"
                    return s.canSee(flow, who)
                }.sorted { $0.id < $1.id }
                return .json(.array(visible.map { s.sourceJSON($0, base: base, includeToken: false) }))
            }
        }
        routes.update("/sources") { [self] r in
            try withPrincipal(r) { s, input, who, base in
                guard case .source(let sid) = who, var source = s.sources[sid] else {
                    throw FlowdockError.validation("flow_token", "can't be blank")
                }
                try Self.applySourceUpdate(input, to: &source, now: store.clock.nowMillis())
                s.sources[sid] = source
                return .json(s.sourceJSON(source, base: base, includeToken: false))
            }
        }
        routes.get("/flows/{org}/{flow}/sources") { [self] r in
            try withPrincipal(r) { s, _, who, base in
                let flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: who)
                let list = s.sources.values.filter { src in
                    if case .source(let sid) = who, sid != src.id { return false }  // a token sees its own source
                    return src.flowID == flow.id && !src.removed
                }.sorted { $0.id < $1.id }
                return .json(.array(list.map { s.sourceJSON($0, base: base, includeToken: false) }))
            }
        }
        routes.get("/flows/{org}/{flow}/sources/{id}") { [self] r in
            try withPrincipal(r) { s, _, who, base in
                let source = try s.source(r, who)
                return .json(s.sourceJSON(source, base: base, includeToken: false))
            }
        }
        routes.post("/flows/{org}/{flow}/sources") { [self] r in
            let now = store.clock.nowMillis()
            return try withUser(r) { s, input, uid, base in
                let flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
                let name = input.string("name")?.trimmingSpaces() ?? ""
                if name.isEmpty { throw FlowdockError.validation("name", "can't be blank") }
                let source = Source(
                    id: s.nextSourceID,
                    flowID: flow.id,
                    name: name,
                    externalURL: input.string("external_url"),
                    flowToken: IDs.hex(32),
                    creatorID: uid,
                    application: Self.defaultApplication,
                    errorMessage: "",
                    configurationURL: input.string("configuration_url"),
                    createdAt: now,
                    updatedAt: now,
                    removed: false
                )
                s.nextSourceID += 1
                s.sources[source.id] = source
                return .json(s.sourceJSON(source, base: base, includeToken: true), status: .created)
            }
        }
        routes.update("/flows/{org}/{flow}/sources/{id}") { [self] r in
            let now = store.clock.nowMillis()
            return try withPrincipal(r) { s, input, who, base in
                var source = try s.source(r, who)
                try Self.applySourceUpdate(input, to: &source, now: now)
                s.sources[source.id] = source
                return .json(s.sourceJSON(source, base: base, includeToken: false))
            }
        }
        routes.delete("/flows/{org}/{flow}/sources/{id}") { [self] r in
            try withUser(r) { s, _, uid, _ in
                let source = try s.source(r, .user(uid))
                // The token stays known so that later posts answer 410 Gone rather than 401.
                s.sources[source.id]?.removed = true
                return Response(status: .noContent)
            }
        }
    }

    /// `error_message` ("empty string clears it") and `configuration_url`.
    static func applySourceUpdate(_ input: Input, to source: inout Source, now: Int64) throws {
        if input.has("error_message") { source.errorMessage = input.string("error_message") ?? "" }
        if input.has("configuration_url") { source.configurationURL = input.string("configuration_url") }
        source.updatedAt = now
    }
}

extension State {
    /// `/flows/:org/:flow/sources/:id` as `who` sees it (a flow token sees only its own source).
    func source(_ r: Request, _ who: Principal) throws -> Source {
        let flow = try flow(r.parameter("org"), r.parameter("flow"), for: who)
        guard let id = Int(r.parameter("id")), let source = sources[id], source.flowID == flow.id, !source.removed
        else {
            throw FlowdockError.notFound("Source not found")
        }
        if case .source(let sid) = who, sid != id { throw FlowdockError.notFound("Source not found") }
        return source
    }
}
