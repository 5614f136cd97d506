// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// §3.3 messages and comments, §3.4 thread messages.
extension FlowdockAPI {
    func registerMessageRoutes(_ routes: inout Routes) {
        routes.post("/messages") { [self] in try postByParameter($0, comments: false) }
        routes.post("/comments") { [self] in try postByParameter($0, comments: true) }
        routes.post("/flows/{org}/{flow}/messages") { [self] r in try postToFlow(r) { PostTarget(flowID: $0) } }
        routes.post("/flows/{org}/{flow}/messages/{id}/comments") { [self] r in
            guard let parent = Int(r.parameter("id")) else { throw FlowdockError.notFound("Message not found") }
            return try postToFlow(r) { PostTarget(flowID: $0, urlParent: parent) }
        }
        routes.post("/flows/{org}/{flow}/threads/{thread}/messages") { [self] r in
            try postToFlow(r) { PostTarget(flowID: $0, urlThread: r.parameter("thread")) }
        }
        routes.get("/flows/{org}/{flow}/messages") { [self] r in try list(r, thread: nil) }
        routes.get("/flows/{org}/{flow}/threads/{thread}/messages") { [self] r in
            try list(r, thread: r.parameter("thread"))
        }
        routes.get("/flows/{org}/{flow}/messages/{id}") { [self] r in
            try withUser(r) { s, _, uid, _ in
                let flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
                return .json(s.messageJSON(try s.message(try Self.messageID(r), in: flow.id)))
            }
        }
        routes.update("/flows/{org}/{flow}/messages/{id}") { [self] in try edit($0) }
        routes.delete("/flows/{org}/{flow}/messages/{id}") { [self] in try deleteMessage($0) }
    }

    static func messageID(_ r: Request) throws -> Int {
        guard let id = Int(r.parameter("id")) else { throw FlowdockError.notFound("Message not found") }
        return id
    }

    /// 201 with the full message and `Link: <…/comments>; rel="comments"` (§3.3, §6.2). The doc writes the
    /// link without angle brackets; RFC 8288 §3 requires them, and link parsers expect them.
    private func created(_ m: Message, _ s: State, base: String) -> Response {
        var headers = HTTPHeaders()
        if let path = s.flowPath(m.flowID) {
            headers.add(name: "Link", value: "<\(base)\(path)/messages/\(m.id)/comments>; rel=\"comments\"")
        }
        return .json(s.messageJSON(m), status: .created, headers: headers)
    }

    private func postToFlow(_ r: Request, _ target: @escaping (String) -> PostTarget) throws -> Response {
        let now = store.clock.nowMillis()
        return try withPrincipal(r) { s, input, who, base in
            let flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: who)
            let m = try s.postMessage(input, to: target(flow.id), by: who, now: now)
            return created(m, s, base: base)
        }
    }

    /// `POST /messages` and `POST /comments`: the flow comes from `flow` ("Required when flow is not
    /// specified in the URL or when not using a flow_token") or from the flow token's source.
    private func postByParameter(_ r: Request, comments: Bool) throws -> Response {
        let now = store.clock.nowMillis()
        return try withPrincipal(r) { s, input, who, base in
            let flowID: String
            if let id = input.string("flow"), !id.isEmpty {
                guard let flow = try? s.flow(id: id, for: who) else {
                    throw FlowdockError.notFound("Invalid flow identifier")
                }
                flowID = flow.id
            } else if case .source(let sid) = who, let source = s.sources[sid] {
                flowID = source.flowID
            } else {
                throw FlowdockError.validation("flow", "can't be blank")
            }
            var target = PostTarget(flowID: flowID)
            if comments {
                guard let parent = try input.int("message") else {
                    throw FlowdockError.validation("message", "can't be blank")
                }
                target.urlParent = parent
            }
            return created(try s.postMessage(input, to: target, by: who, now: now), s, base: base)
        }
    }

    /// Lists need a user: a flow token "can POST messages to the source's flow and read/update that
    /// source only" (§1.1).
    private func list(_ r: Request, thread: String?) throws -> Response {
        try withUser(r) { s, _, uid, _ in
            let flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
            if let thread, s.threads[thread]?.flowID != flow.id { throw FlowdockError.notFound("Thread not found") }
            let query = try ListQuery.parse(r, state: s)
            let selected = query.select(s.messages[flow.id] ?? OrderedTable()) { m in
                (thread == nil || m.threadID == thread) && query.matches(m)
            }
            return .json(.array(selected.map { s.messageJSON($0) }))
        }
    }

    /// Edit (§3.3): `content` only on your own `message`/`comment`; `tags` is the full new list and "anyone
    /// can edit the tags of any message they can see". Answers `200 {}`.
    private func edit(_ r: Request) throws -> Response {
        let now = store.clock.nowMillis()
        return try withUser(r) { s, input, uid, _ in
            let flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
            var m = try s.message(try Self.messageID(r), in: flow.id)
            var newText: String?
            if input.has("content") {
                guard m.user == String(uid), m.event == "message" || m.event == "comment" else {
                    throw FlowdockError.forbidden("Only your own messages and comments can be edited")
                }
                guard let text = input.string("content") else {
                    throw FlowdockError.validation("content", "must be a string")
                }
                if text.count > State.maxContentLength {
                    throw FlowdockError.validation(
                        "content",
                        "is too long (maximum is \(State.maxContentLength) characters)"
                    )
                }
                newText = text
                if m.event == "comment" { m.content["text"] = .string(text) } else { m.content = .string(text) }
                m.edited = now
            }
            let before = m.tags
            if let tags = try input.tags() {
                m.tags = Tags.build(given: tags, text: nil, state: s)
            } else if let newText {
                m.tags = Tags.unique(m.tags + Tags.parse(newText, state: s, author: uid))
            }
            s.messages[flow.id]?[m.id] = m
            if let newText {
                s.recordEditEvent(
                    "message-edit",
                    ["message": .int(Int64(m.id)), "updated_content": .string(newText)],
                    in: flow.id,
                    by: uid,
                    now: now
                )
            }
            let added = m.tags.filter { !before.contains($0) }
            let removed = before.filter { !m.tags.contains($0) }
            if !added.isEmpty || !removed.isEmpty {
                s.recordEditEvent(
                    "tag-change",
                    [
                        "message": .int(Int64(m.id)), "add": .array(added.map { .string($0) }),
                        "remove": .array(removed.map { .string($0) }),
                    ],
                    in: flow.id,
                    by: uid,
                    now: now
                )
            }
            return .emptyObject
        }
    }

    /// Delete (§3.3): inbox items and your own files are removed (204); your own chat messages and comments
    /// are truncated (200, content emptied as the real `message-edit` with `updated_content: ""`); else 403.
    private func deleteMessage(_ r: Request) throws -> Response {
        let now = store.clock.nowMillis()
        return try withUser(r) { s, _, uid, _ in
            let flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
            var m = try s.message(try Self.messageID(r), in: flow.id)
            let own = m.user == String(uid)
            if m.app.stringValue == "influx" || (own && m.event == "file") {
                m.removed = true
                s.messages[flow.id]?[m.id] = m
                return Response(status: .noContent)
            }
            guard own, m.event == "message" || m.event == "comment" else {
                throw FlowdockError.forbidden("You are not allowed to delete this message")
            }
            if m.event == "comment" { m.content["text"] = "" } else { m.content = "" }
            m.edited = now
            s.messages[flow.id]?[m.id] = m
            // "Deleting your own chat message emits `message-edit` with `updated_content: ""`" (§3.3).
            s.recordEditEvent(
                "message-edit",
                ["message": .int(Int64(m.id)), "updated_content": ""],
                in: flow.id,
                by: uid,
                now: now
            )
            return .emptyObject
        }
    }
}

extension State {
    /// `/flows/:organization/:flow` of a flow id.
    func flowPath(_ flowID: String) -> String? {
        guard let flow = flows[flowID], let org = organizations[flow.organizationID] else { return nil }
        return "/flows/\(org.parameterizedName)/\(flow.parameterizedName)"
    }
}
