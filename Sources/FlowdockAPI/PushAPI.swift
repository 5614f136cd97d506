// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// The deprecated Push API (§3.10): no user, the flow's API token in the path; several tokens joined with
/// `,` post to several flows (the official gem does so). Answers `200 {}`.
extension FlowdockAPI {
    func registerPushRoutes(_ routes: inout Routes) {
        routes.post("/messages/chat/{tokens}") { [self] r in try push(r, chat: true) }
        routes.post("/messages/team_inbox/{tokens}") { [self] r in try push(r, chat: false) }
    }

    private func push(_ r: Request, chat: Bool) throws -> Response {
        let tokens = r.parameter("tokens").split(separator: ",").map(String.init)
        // The tokens are the credential: unknown ones are refused before the body is parsed.
        _ = try store.withState { s in try tokens.map { token in try Self.flowID(pushToken: token, in: s) } }
        let input = try Body.parse(r)
        var fields = chat ? try Self.chatFields(input) : try Self.inboxFields(input)
        if let tags = try input.tags() {
            fields["tags"] = .array((fields["tags"]?.arrayValue ?? []) + tags.map { .string($0) })
        }
        let now = store.clock.nowMillis()
        try store.withState { s in
            let flowIDs = try tokens.map { token in try Self.flowID(pushToken: token, in: s) }
            for flowID in flowIDs {
                var perFlow = fields
                var target = PostTarget(flowID: flowID)
                if chat, let parent = try input.int("message_id") {
                    // `message_id` comments on that message.
                    perFlow["event"] = "comment"
                    target.urlParent = parent
                }
                _ = try s.postMessage(Input(fields: perFlow), to: target, by: .pushToken, now: now)
            }
        }
        return .emptyObject
    }

    /// Chat: `content` and `external_user_name` are required (docs/chat.md).
    /// The flow whose API token is `token`; 404 when there is none.
    private static func flowID(pushToken token: String, in s: State) throws -> String {
        guard let flow = s.flows.values.first(where: { $0.apiToken == token }) else {
            throw FlowdockError.notFound("Flow not found")
        }
        return flow.id
    }

    private static func chatFields(_ input: Input) throws -> JSONObject {
        let name = input.string("external_user_name") ?? ""
        if name.trimmingSpaces().isEmpty { throw FlowdockError.validation("external_user_name", "can't be blank") }
        var fields: JSONObject = [
            "event": "message", "content": input["content"] ?? .null,
            "external_user_name": .string(name),
        ]
        if let thread = input.string("thread_id") { fields["thread_id"] = .string(thread) }
        return fields
    }

    /// Team inbox: `source`, `from_address`, `subject`, `content` required; stored as a legacy `mail`
    /// inbox item tagged `:source:<source>` (§4.11) [I: the docs do not show the stored shape].
    private static func inboxFields(_ input: Input) throws -> JSONObject {
        var errors: [(String, String)] = []
        for field in ["source", "from_address", "subject", "content"]
        where (input.string(field) ?? "").trimmingSpaces().isEmpty {
            errors.append((field, "can't be blank"))
        }
        if !errors.isEmpty { throw FlowdockError.validation(errors) }
        let source = input.string("source") ?? ""
        if !source.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == " " }) {
            throw FlowdockError.validation("source", "can only contain alphanumerics, underscores and whitespace")
        }
        if let format = input.string("format"), format != "html" {
            throw FlowdockError.validation("format", "is not included in the list")
        }
        let from: JSON = ["name": .string(input.string("from_name")), "address": .string(input.string("from_address"))]
        var content: JSONObject = [
            "subject": .string(input.string("subject")), "from": [from], "contentType": "text/html",
            "content": .string(input.string("content")),
        ]
        if let reply = input.string("reply_to") { content["replyTo"] = [["name": nil, "address": .string(reply)]] }
        var fields: JSONObject = ["event": "mail", "content": .object(content)]
        let sourceTag = String(source.lowercased().map { $0 == " " ? "_" : $0 })
        fields["tags"] = [.string(":source:" + sourceTag)]
        return fields
    }
}
