// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// §3.5 private conversations and messages. `:id` is the other user's id; both users must share an
/// organization [I: the docs do not say who may be messaged].
extension FlowdockAPI {
    func registerPrivateRoutes(_ routes: inout Routes) {
        routes.get("/private") { [self] r in
            try withUser(r) { s, _, uid, base in
                let list = s.conversationOrder.filter { $0.owner == uid }.compactMap { key in
                    s.users[key.other].map { s.conversationJSON(owner: uid, other: $0, base: base) }
                }
                return .json(.array(list))
            }
        }
        routes.get("/private/{id}") { [self] r in
            try withUser(r) { s, _, uid, base in
                let other = try s.correspondent(r.parameter("id"), of: uid)
                // "If no existing conversation ... is found, a new conversation is automatically created with
                // open attribute set to false."
                s.ensureConversation(owner: uid, other: other.id, open: false)
                return .json(s.conversationJSON(owner: uid, other: other, base: base))
            }
        }
        routes.update("/private/{id}") { [self] r in
            try withUser(r) { s, input, uid, base in
                let other = try s.correspondent(r.parameter("id"), of: uid)
                s.ensureConversation(owner: uid, other: other.id, open: false)
                if let open = try input.bool("open") {
                    s.conversations[ConversationKey(owner: uid, other: other.id)] = open
                }
                return .json(s.conversationJSON(owner: uid, other: other, base: base))
            }
        }
        routes.post("/private/{id}/messages") { [self] r in
            let now = store.clock.nowMillis()
            return try withUser(r) { s, input, uid, _ in
                let other = try s.correspondent(r.parameter("id"), of: uid)
                let event = input.string("event") ?? ""
                if event.isEmpty { throw FlowdockError.validation("event", "can't be blank") }
                // "event: only message".
                guard event == "message" else { throw FlowdockError.validation("event", "is not included in the list") }
                guard let content = input.string("content"), !content.trimmingSpaces().isEmpty else {
                    throw FlowdockError.validation("content", "can't be blank")
                }
                if content.count > State.maxContentLength {
                    throw FlowdockError.validation(
                        "content",
                        "is too long (maximum is \(State.maxContentLength) characters)"
                    )
                }
                let key = PairKey(uid, other.id)
                let message = PrivateMessage(
                    id: (s.privateMessages[key]?.count ?? 0) + 1,
                    from: uid,
                    to: other.id,
                    content: content,
                    uuid: input.string("uuid") ?? IDs.random(16),
                    sent: now
                )
                s.privateMessages[key, default: OrderedTable()].upsert(message)
                s.ensureConversation(owner: uid, other: other.id, open: true)
                s.ensureConversation(owner: other.id, other: uid, open: true)
                // "The open flag automatically changes back to true when new unread messages are added".
                s.conversations[ConversationKey(owner: other.id, other: uid)] = true
                // 201 like flow messages; the gem's spec stubs 201 for private posts too (§3.5).
                return .json(s.privateMessageJSON(message), status: .created)
            }
        }
        routes.get("/private/{id}/messages") { [self] r in
            try withUser(r) { s, _, uid, _ in
                let other = try s.correspondent(r.parameter("id"), of: uid)
                var query = try ListQuery.parse(r, state: s)
                // Private lists take `event`, `limit`, `sort`, `since_id`, `until_id`, `search` only (§3.5).
                query.tags = []
                query.skip = 0
                query.app = nil
                let list = s.privateMessages[PairKey(uid, other.id)] ?? OrderedTable()
                let selected = query.select(list) { query.matches($0) }
                return .json(.array(selected.map { s.privateMessageJSON($0) }))
            }
        }
        routes.get("/private/{id}/messages/{mid}") { [self] r in
            try withUser(r) { s, _, uid, _ in
                let other = try s.correspondent(r.parameter("id"), of: uid)
                guard let mid = Int(r.parameter("mid")), let message = s.privateMessages[PairKey(uid, other.id)]?[mid]
                else { throw FlowdockError.notFound("Message not found") }
                return .json(s.privateMessageJSON(message))
            }
        }
    }
}

extension State {
    func correspondent(_ idText: String, of uid: Int) throws -> User {
        guard let id = Int(idText), id != uid, let user = users[id], shareOrganization(uid, id) else {
            throw FlowdockError.notFound("User not found")
        }
        return user
    }

    mutating func ensureConversation(owner: Int, other: Int, open: Bool) {
        let key = ConversationKey(owner: owner, other: other)
        if conversations[key] == nil {
            conversations[key] = open
            conversationOrder.append(key)
        }
    }
}
