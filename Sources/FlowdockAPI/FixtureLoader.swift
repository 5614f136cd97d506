// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// Builds the initial state from `fixtures/flowdock.json` (format in README-flowdock.md). Fixture messages
/// go through the same validation and tag parsing as posted ones, so they look exactly like them.
enum FixtureLoader {
    static func load(_ fixtures: JSON?, now: Int64) throws -> State {
        var s = State()
        guard let root = fixtures else { return s }
        for (n, u) in (root["users"]?.arrayValue ?? []).enumerated() {
            guard let id = u["id"]?.intValue, let nick = u["nick"]?.stringValue, let email = u["email"]?.stringValue
            else {
                throw fail("users[\(n)]", "every user needs id, nick and email: \(u.text)")
            }
            var tokens = (u["api_tokens"]?.arrayValue ?? []).compactMap(\.stringValue)
            if let t = u["api_token"]?.stringValue { tokens.insert(t, at: 0) }
            s.insert(
                User(
                    id: id,
                    nick: nick,
                    name: u["name"]?.stringValue ?? nick,
                    email: email,
                    avatar: u["avatar"]?.stringValue,
                    website: u["website"]?.stringValue,
                    apiTokens: tokens,
                    password: u["password"]?.stringValue,
                    status: u["status"]?.stringValue
                )
            )
        }
        for (n, o) in (root["organizations"]?.arrayValue ?? []).enumerated() {
            guard let id = o["id"]?.intValue, let name = o["parameterized_name"]?.stringValue else {
                throw fail("organizations[\(n)]", "every organization needs id and parameterized_name: \(o.text)")
            }
            var org = Organization(
                id: id,
                parameterizedName: name,
                name: o["name"]?.stringValue ?? name,
                userLimit: o["user_limit"]?.intValue ?? 0,
                active: o["active"]?.boolValue ?? true,
                members: [:],
                memberOrder: []
            )
            for m in o["users"]?.arrayValue ?? [] {
                guard let uid = m["id"]?.intValue, s.users[uid] != nil else {
                    throw fail("organizations[\(n)].users", "unknown user in organization \(name)")
                }
                org.members[uid] = m["admin"]?.boolValue ?? false
                org.memberOrder.append(uid)
            }
            s.organizations[id] = org
            s.organizationOrder.append(id)
        }
        for (n, f) in (root["flows"]?.arrayValue ?? []).enumerated() {
            guard let orgName = f["organization"]?.stringValue, let org = s.organization(named: orgName),
                let pname = f["parameterized_name"]?.stringValue
            else {
                throw fail("flows[\(n)]", "every flow needs a known organization and a parameterized_name: \(f.text)")
            }
            let id = f["id"]?.stringValue ?? IDs.uuid()
            let members = (f["users"]?.arrayValue ?? []).compactMap(\.intValue)
            s.flows[id] = Flow(
                id: id,
                organizationID: org.id,
                parameterizedName: pname,
                name: f["name"]?.stringValue ?? pname,
                accessMode: f["access_mode"]?.stringValue ?? "organization",
                open: true,
                disabled: false,
                description: f["description"]?.stringValue,
                webURL: f["web_url"]?.stringValue,
                apiToken: f["api_token"]?.stringValue ?? IDs.hex(32),
                joinHash: IDs.hex(40),
                members: members,
                blocked: [],
                createdAt: now
            )
            s.flowOrder.append(id)
        }
        for (n, src) in (root["sources"]?.arrayValue ?? []).enumerated() {
            guard let id = src["id"]?.intValue, let flowID = src["flow"]?.stringValue, s.flows[flowID] != nil,
                let token = src["flow_token"]?.stringValue
            else { throw fail("sources[\(n)]", "every source needs id, a known flow and flow_token: \(src.text)") }
            s.sources[id] = Source(
                id: id,
                flowID: flowID,
                name: src["name"]?.stringValue ?? "Source \(id)",
                externalURL: src["external_url"]?.stringValue,
                flowToken: token,
                creatorID: src["creator"]?.intValue ?? 0,
                application: src["application"] ?? FlowdockAPI.defaultApplication,
                errorMessage: "",
                configurationURL: nil,
                createdAt: now,
                updatedAt: now,
                removed: false
            )
            s.nextSourceID = max(s.nextSourceID, id + 1)
        }
        let messages = root["messages"]?.arrayValue ?? []
        for (index, m) in messages.enumerated() {
            guard var object = m.objectValue, let flowID = object["flow"]?.stringValue, s.flows[flowID] != nil else {
                throw fail("messages[\(index)]", "every message needs a known flow: \(m.text)")
            }
            let principal: Principal
            if let sid = object["source"]?.intValue, s.sources[sid] != nil {
                principal = .source(sid)
            } else if let uid = object["user"]?.intValue, s.users[uid] != nil {
                principal = .user(uid)
            } else {
                throw fail("messages[\(index)]", "every message needs a known user or source: \(m.text)")
            }
            for key in ["flow", "user", "source"] { object[key] = nil }
            // Spread fixture messages one minute apart, ending now, so lists and threads have an order.
            let sent = now - Int64(messages.count - index) * 60_000
            do {
                _ = try s.postMessage(Input(fields: object), to: PostTarget(flowID: flowID), by: principal, now: sent)
            } catch let error as HTTPError {
                throw fail("messages[\(index)]", "\(String(decoding: error.response.body, as: UTF8.self))")
            }
        }
        for (n, i) in (root["invitations"]?.arrayValue ?? []).enumerated() {
            guard let flowID = i["flow"]?.stringValue, s.flows[flowID] != nil, let email = i["email"]?.stringValue
            else {
                throw fail("invitations[\(n)]", "every invitation needs a known flow and email: \(i.text)")
            }
            var invitation = s.invite(email, to: flowID, message: i["message"]?.stringValue)
            invitation.state = i["state"]?.stringValue ?? "pending"
            s.invitations[invitation.id] = invitation
        }
        s.posted.removeAll()  // fixtures are the starting point, not news for the change feed
        return s
    }

    private static func fail(_ path: String, _ message: String) -> FixtureError {
        FixtureError(vendor: "flowdock", path: path, message)
    }
}
