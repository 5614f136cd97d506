// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// JSON shapes with the exact field names of §4. `base` is the API's absolute URL (`https://host`).
extension State {
    func userJSON(_ user: User) -> JSON {
        [
            "id": .int(Int64(user.id)), "nick": .string(user.nick), "email": .string(user.email),
            "avatar": .string(user.avatar), "name": .string(user.name), "website": .string(user.website),
        ]
    }

    /// A user as embedded in a flow (§4.2 plus the real 2019 `in_flow`/`flow_admin`).
    func flowUserJSON(_ user: User, in flow: Flow) -> JSON {
        var o = userJSON(user).objectValue ?? JSONObject()
        o["status"] = .string(user.status)
        o["disabled"] = .bool(flow.blocked.contains(user.id))
        // Timestamps are milliseconds (§6.7); the emulator does not track presence.
        o["last_activity"] = 0
        o["last_ping"] = 0
        o["in_flow"] = .bool(flow.members.contains(user.id))
        let admin = organizations[flow.organizationID].map { isAdmin(user.id, of: $0) } ?? false
        o["flow_admin"] = .bool(admin)
        return .object(o)
    }

    /// An organization user (`GET /organizations/:org/users`): a User plus `admin`.
    func organizationUserJSON(_ user: User, in org: Organization) -> JSON {
        var o = userJSON(user).objectValue ?? JSONObject()
        o["admin"] = .bool(isAdmin(user.id, of: org))
        return .object(o)
    }

    /// §4.4. `users` is on the documented master shape; the unmerged 2017 branch dropped it (§6.6).
    func organizationJSON(_ org: Organization, base: String, includeUsers: Bool) -> JSON {
        var o: JSONObject = [
            "id": .int(Int64(org.id)), "parameterized_name": .string(org.parameterizedName), "name": .string(org.name),
            "user_limit": .int(Int64(org.userLimit)), "user_count": .int(Int64(org.members.count)),
            "active": .bool(org.active), "url": .string(base + "/organizations/" + org.parameterizedName),
            // `subscription` has `trial` and `trial_ends` or `billing_date`; the emulator has no billing [I].
            "subscription": ["trial": false, "billing_date": "2030-01-01"],
        ]
        if includeUsers {
            o["users"] = .array(
                org.memberOrder.compactMap { users[$0] }.map { u in
                    [
                        "id": .int(Int64(u.id)), "name": .string(u.name), "email": .string(u.email),
                        "admin": .bool(isAdmin(u.id, of: org)),
                    ]
                }
            )
        }
        return .object(o)
    }

    /// §4.1. `viewer` decides `joined`, `open` and `flow_admin`; `users` only when asked (single flow GET,
    /// create, or `users=1` on lists).
    func flowJSON(_ flow: Flow, base: String, viewer: Principal, includeUsers: Bool) -> JSON {
        let org = organizations[flow.organizationID]
        let orgName = org?.parameterizedName ?? ""
        let path = "/flows/" + orgName + "/" + flow.parameterizedName
        let joined = viewer.userID.map { flow.members.contains($0) } ?? false
        var orgObject: JSONObject = [:]
        if let org {
            orgObject = [
                "id": .int(Int64(org.id)), "name": .string(org.name),
                "parameterized_name": .string(org.parameterizedName),
                "user_limit": .int(Int64(org.userLimit)), "user_count": .int(Int64(org.members.count)),
                "active": .bool(org.active), "url": .string(base + "/organizations/" + org.parameterizedName),
            ]
        }
        var o: JSONObject = [
            "id": .string(flow.id), "name": .string(flow.name), "parameterized_name": .string(flow.parameterizedName),
            "organization": .object(orgObject), "unread_mentions": 0, "open": .bool(joined && flow.open),
            "joined": .bool(joined), "url": .string(base + path),
            "web_url": .string(flow.webURL ?? "https://www.flowdock.com/app/\(orgName)/\(flow.parameterizedName)"),
        ]
        // "Only present if access_mode is organization or link" (docs/flows.md).
        let joinURL = FlowdockAPI.joinURL(flow)
        if !joinURL.isNull { o["join_url"] = joinURL }
        o["access_mode"] = .string(flow.accessMode)
        o["email"] = .string("\(flow.parameterizedName)@\(orgName).flowdock.com")
        o["description"] = .string(flow.description)
        o["disabled"] = .bool(flow.disabled)
        o["flow_admin"] = .bool(viewer.userID.flatMap { uid in org.map { isAdmin(uid, of: $0) } } ?? false)
        o["api_token"] = .string(flow.apiToken)
        let list = messages[flow.id] ?? OrderedTable()
        o["last_message_id"] = list.values.last.map { .int(Int64($0.id)) } ?? .null
        o["last_message_at"] = list.values.last.map { .string(Timestamp(millis: $0.sent).iso8601()) } ?? .null
        o["_links"] = Self.flowLinks(base + path, organizationURL: base + "/organizations/" + orgName)
        if includeUsers {
            o["users"] = .array(flow.members.compactMap { users[$0] }.map { flowUserJSON($0, in: flow) })
        }
        return .object(o)
    }

    /// `_links` as in the real 2019 `GET /flows/find` response (§4.1) [R].
    static func flowLinks(_ url: String, organizationURL: String) -> JSON {
        func link(_ href: String, _ methods: [JSON], _ fields: [JSON]? = nil) -> JSON {
            var o: JSONObject = ["href": .string(href), "methods": .array(methods)]
            if let fields { o["fields"] = .array(fields) }
            return .object(o)
        }
        return [
            "self": link(url, ["GET", "PUT"], ["name", "access_mode"]),
            "invitations": link(url + "/invitations", ["GET", "POST"]),
            "users": link(url + "/users", ["GET", "PUT"], ["disabled"]),
            "sources": link(url + "/sources", ["GET", "POST"]),
            "join_url": link(url + "/join_url", ["GET", "POST", "DELETE"]),
            "api_token": link(url + "/api_token", ["POST"]),
            "emoji": link(organizationURL + "/emoji", ["GET"]),
            "messages": link(url + "/messages", ["GET", "POST"]),
            "chat_messages": link(url + "/messages?app=chat", ["GET"]),
            "inbox_messages": link(url + "/messages?app=influx", ["GET"]),
        ]
    }

    func threadJSON(_ thread: FlowThread) -> JSON {
        [
            "id": .string(thread.id), "title": .string(thread.title), "body": .string(thread.body),
            "external_url": thread.externalURL, "status": thread.status, "actions": thread.actions,
            "fields": thread.fields, "source": thread.source, "activities": .int(Int64(thread.activities)),
            "internal_comments": .int(Int64(thread.internalComments)),
            "external_comments": .int(Int64(thread.externalComments)),
            "updated_at": .string(Timestamp(millis: thread.updatedAt).iso8601()),
            "created_at": .string(Timestamp(millis: thread.createdAt).iso8601()),
            "initial_message": .int(Int64(thread.initialMessage)), "flow": .string(thread.flowID),
        ]
    }

    /// §4.5, field order as in the real 2019 message; unedited messages have `edited`/`edited_at` null.
    func messageJSON(_ m: Message) -> JSON {
        var o: JSONObject = [
            "id": .int(Int64(m.id)), "event": .string(m.event), "content": m.content,
            "tags": .array(m.tags.map { .string($0) }), "user": .string(m.user), "uuid": .string(m.uuid),
            "sent": .int(m.sent), "app": m.app, "attachments": .array(m.attachments),
            "created_at": .string(Timestamp(millis: m.sent).iso8601()), "flow": .string(m.flowID),
            "edited": m.edited.map { .int($0) } ?? .null,
            "edited_at": m.edited.map { .string(Timestamp(millis: $0).iso8601()) } ?? .null,
            "emojiReactions": [:],
        ]
        for (key, value) in m.extra { o[key] = value }
        if let tid = m.threadID {
            o["thread_id"] = .string(tid)
            if let thread = threads[tid] { o["thread"] = threadJSON(thread) }
        }
        return .object(o)
    }

    func sourceJSON(_ s: Source, base: String, includeToken: Bool) -> JSON {
        let flowPath =
            flows[s.flowID].map { f in
                "/flows/\(organizations[f.organizationID]?.parameterizedName ?? "")/\(f.parameterizedName)"
            } ?? ""
        var o: JSONObject = [
            "id": .int(Int64(s.id)), "name": .string(s.name), "url": .string("\(base)\(flowPath)/sources/\(s.id)"),
            "external_url": .string(s.externalURL), "created_at": .string(Timestamp(millis: s.createdAt).iso8601()),
            "updated_at": .string(Timestamp(millis: s.updatedAt).iso8601()), "_links": [:],
            "application": s.application, "error_message": .string(s.errorMessage),
            "configuration_url": .string(s.configurationURL),
        ]
        if let creator = users[s.creatorID] {
            var c = userJSON(creator).objectValue ?? JSONObject()
            c["id"] = .int(Int64(creator.id))
            o["creator"] = .object(c)
        }
        // "flow_token is only visible in the response of the source creation request" (docs/sources.md).
        if includeToken { o["flow_token"] = .string(s.flowToken) }
        return .object(o)
    }

    func invitationJSON(_ i: Invitation, base: String) -> JSON {
        let flowPath =
            flows[i.flowID].map { f in
                "/flows/\(organizations[f.organizationID]?.parameterizedName ?? "")/\(f.parameterizedName)"
            } ?? ""
        return [
            "id": .int(Int64(i.id)), "state": .string(i.state), "email": .string(i.email), "flow": .string(i.flowID),
            "url": .string("\(base)\(flowPath)/invitations/\(i.id)"),
        ]
    }

    func privateMessageJSON(_ m: PrivateMessage) -> JSON {
        [
            "id": .int(Int64(m.id)), "event": "message", "content": .string(m.content), "tags": [],
            "user": .string(String(m.from)), "to": .string(String(m.to)), "uuid": .string(m.uuid),
            "sent": .int(m.sent), "app": "chat", "attachments": [],
            "created_at": .string(Timestamp(millis: m.sent).iso8601()),
        ]
    }

    /// §4.9: `id` is the other user's id.
    func conversationJSON(owner: Int, other: User, base: String) -> JSON {
        let key = ConversationKey(owner: owner, other: other.id)
        var people: [JSON] = []
        for uid in [owner, other.id] {
            if let u = users[uid] {
                people.append([
                    "id": .int(Int64(u.id)), "nick": .string(u.nick), "email": .string(u.email),
                    "avatar": .string(u.avatar), "name": .string(u.name),
                ])
            }
        }
        return [
            "id": .int(Int64(other.id)), "url": .string("\(base)/private/\(other.id)"),
            "name": .string("@" + other.nick),
            "open": .bool(conversations[key] ?? false), "activity": ["inbox": false, "mentions": 0, "chat": false],
            "users": .array(people),
        ]
    }
}
