// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// Where a message post is aimed, from the URL (§3.3 "Send" table).
struct PostTarget: Sendable {
    var flowID: String
    /// The parent from `/messages/:message/comments`.
    var urlParent: Int?
    /// The thread from `/threads/:id/messages`.
    var urlThread: String?
}

extension State {
    static let events: Set<String> = ["message", "status", "comment", "file", "activity", "discussion", "mail"]
    static let maxContentLength = 8096

    /// Validates and stores one message (the same path for JSON, form and multipart bodies and for
    /// fixtures), returning it as stored.
    mutating func postMessage(
        _ input: Input,
        to target: PostTarget,
        by principal: Principal,
        now: Int64
    ) throws -> Message {
        guard let flow = flows[target.flowID] else { throw FlowdockError.notFound("Flow not found") }
        let event = input.string("event") ?? (target.urlParent != nil ? "comment" : "")
        if event.isEmpty { throw FlowdockError.validation("event", "can't be blank") }
        guard Self.events.contains(event) else {
            throw FlowdockError.validation("event", "is not included in the list")
        }
        // The comments URL posts comments only; a parent must not be silently ignored.
        if target.urlParent != nil && event != "comment" { throw FlowdockError.validation("event", "must be comment") }

        // Idempotent retries: `uuid` is "unique within the flow", so a repeated one returns the original [I].
        let uuid = input.string("uuid").flatMap { $0.isEmpty ? nil : $0 } ?? IDs.random(16)
        if let known = messageIDsByUUID[flow.id]?[uuid], let existing = try? message(known, in: flow.id) {
            return existing
        }

        var extra = JSONObject()
        var extraTags: [String] = []
        var content: JSON = .null
        var text: String?
        var attachments: [JSON] = []
        var parent: Message?

        switch event {
        case "message", "status":
            text = try requiredText(input)
            content = .string(text ?? "")
        case "comment":
            let parentID: Int?
            if let p = target.urlParent { parentID = p } else { parentID = try input.int("message") }
            guard let parentID else { throw FlowdockError.validation("message", "can't be blank") }
            guard let found = try? message(parentID, in: flow.id) else {
                if target.urlParent != nil { throw FlowdockError.notFound("Message not found") }
                throw FlowdockError.validation("message", "is not a valid message")
            }
            // "The id of the commented parent message (which must not be a comment)" (docs/messages.md).
            if found.event == "comment" { throw FlowdockError.validation("message", "can't comment on a comment") }
            parent = found
            text = try requiredText(input)
            // Stored comments carry the parent's title (docs/changes/20131024-comments.md).
            content = ["title": .string(parentTitle(found)), "text": .string(text ?? "")]
            extraTags.append("influx:\(found.id)")
        case "file":
            let attachment = try storeUpload(input)
            content = attachment
            attachments = [attachment]
            extraTags.append(":file")
        case "activity", "discussion":
            let title = input.string("title") ?? ""
            if title.isEmpty { throw FlowdockError.validation("title", "can't be blank") }
            guard let authorName = input["author"]?["name"]?.stringValue, !authorName.isEmpty else {
                throw FlowdockError.validation("author", "name can't be blank")
            }
            extra["title"] = .string(title)
            extra["body"] = input["body"] ?? .null
            extra["author"] = input["author"] ?? .null
            attachments = try storeAttachments(input)
        default:  // legacy `mail` (oulu acceptance tests): content kept as sent
            guard let c = input["content"], !c.isNull else {
                throw FlowdockError.validation("content", "can't be blank")
            }
            content = c
        }
        if let name = input.string("external_user_name"), !name.isEmpty {
            if name.contains(where: { $0 == " " || $0 == "\t" }) {
                throw FlowdockError.validation("external_user_name", "should not contain whitespace")
            }
            extra["external_user_name"] = .string(name)
        }

        // Ids are never reused, also after the cap dropped the oldest: one more than the newest.
        let id = (messages[flow.id]?.values.last?.id ?? 0) + 1
        let threadID = try resolveThread(
            input,
            event: event,
            parent: parent,
            target: target,
            flow: flow,
            principal: principal,
            firstMessage: id,
            text: text,
            now: now
        )
        let given = try input.tags() ?? []
        let user: String
        switch principal {
        case .source, .pushToken: user = "0"  // flow_token posts are "not linked to any user" (§6.11)
        case .user(let uid):
            // An anonymous post is made "as if it was sent from the Push API" [I: user "0" as there].
            user = extra["external_user_name"] == nil ? String(uid) : "0"
            if event == "status", let t = text { users[uid]?.status = t }
        }
        let message = Message(
            id: id,
            flowID: flow.id,
            event: event,
            content: content,
            tags: Tags.build(given: given, text: text, extra: extraTags, author: principal.userID, state: self),
            uuid: uuid,
            user: user,
            sent: now,
            app: ["activity", "discussion", "mail"].contains(event) ? "influx" : "chat",
            attachments: attachments,
            threadID: threadID,
            edited: nil,
            extra: extra
        )
        messages[flow.id, default: OrderedTable()].upsert(message)
        messageIDsByUUID[flow.id, default: [:]][uuid] = id
        dropOldestMessages(in: flow.id)
        posted.append((flow.id, id))
        return message
    }

    /// Stores the system event an edit leaves in the flow (§3.3 side effects, §4.10), listed and filtered
    /// (`event=message-edit,tag-change`) like any message: `message-edit` with `{"message": id,
    /// "updated_content": text}` (a delete's truncation too, with `""`), `tag-change` with `{"message": id,
    /// "add": […], "remove": […]}` (the real 2019 events in jellyfish's stubs). By the editing user, in no thread
    /// [I: the recorded events show no thread]; announced on the change feed like a stored message, so open
    /// streams (Streaming.swift) carry them at once, but kept out of inspection: nobody sent them.
    mutating func recordEditEvent(_ event: String, _ content: JSON, in flowID: String, by uid: Int, now: Int64) {
        let id = (messages[flowID]?.values.last?.id ?? 0) + 1
        let m = Message(
            id: id,
            flowID: flowID,
            event: event,
            content: content,
            tags: [],
            uuid: IDs.random(16),
            user: String(uid),
            sent: now,
            app: "chat",
            attachments: [],
            threadID: nil,
            edited: nil,
            extra: [:]
        )
        messages[flowID, default: OrderedTable()].upsert(m)
        dropOldestMessages(in: flowID)
        posted.append((flowID, id))
    }

    /// Drops the flow's oldest messages beyond `maxMessagesPerFlow` (their retry uuids with them).
    mutating func dropOldestMessages(in flowID: String) {
        guard let count = messages[flowID]?.count, count > maxMessagesPerFlow else { return }
        let excess = count - maxMessagesPerFlow
        for m in messages[flowID]?.values.prefix(excess) ?? [] { messageIDsByUUID[flowID]?[m.uuid] = nil }
        messages[flowID]?.removeFirst(excess)
        evictedMessages += excess
    }

    private func requiredText(_ input: Input) throws -> String {
        guard let value = input["content"], !value.isNull else {
            throw FlowdockError.validation("content", "can't be blank")
        }
        guard let s = input.string("content") else { throw FlowdockError.validation("content", "must be a string") }
        if s.trimmingSpaces().isEmpty { throw FlowdockError.validation("content", "can't be blank") }
        if s.count > Self.maxContentLength {
            throw FlowdockError.validation("content", "is too long (maximum is \(Self.maxContentLength) characters)")
        }
        return s
    }

    func parentTitle(_ m: Message) -> String {
        if let tid = m.threadID, let t = threads[tid], !t.title.isEmpty { return t.title }
        if let title = m.extra["title"]?.stringValue { return title }
        return m.content.stringValue ?? ""
    }

    /// A file from multipart (`-F content=@file.png`) or JSON (`{"data": base64, "content_type", "file_name"}`).
    private mutating func storeUpload(_ input: Input) throws -> JSON {
        if let part = input.files["content"] {
            return storeFile(
                name: part.filename ?? "file",
                type: part.contentType ?? "application/octet-stream",
                data: part.body
            )
        }
        guard let object = input["content"]?.objectValue else {
            throw FlowdockError.validation("content", "can't be blank")
        }
        guard let data = object["data"]?.stringValue, let bytes = Base64.decode(data) else {
            throw FlowdockError.validation("content", "data must be base64")
        }
        let name = object["file_name"]?.stringValue ?? "file"
        return storeFile(
            name: name,
            type: object["content_type"]?.stringValue ?? "application/octet-stream",
            data: bytes
        )
    }

    /// `attachments` of activity/discussion: multipart `attachments[id]` files or a JSON array.
    private mutating func storeAttachments(_ input: Input) throws -> [JSON] {
        var result: [JSON] = []
        for key in input.files.keys.sorted() where key.hasPrefix("attachments") {
            guard let part = input.files[key] else { continue }
            var attachment =
                storeFile(
                    name: part.filename ?? "file",
                    type: part.contentType ?? "application/octet-stream",
                    data: part.body
                ).objectValue ?? JSONObject()
            if let open = key.firstIndex(of: "["), key.hasSuffix("]") {
                let id = String(key[key.index(after: open)..<key.index(before: key.endIndex)])
                if !id.isEmpty { attachment["content_id"] = .string(id) }
            }
            result.append(.object(attachment))
        }
        if let list = input["attachments"]?.arrayValue { result += list }
        return result
    }

    mutating func storeFile(name: String, type: String, data: [UInt8]) -> JSON {
        let file = StoredFile(
            id: nextFileID,
            hash: IDs.hex(32),
            fileName: name,
            contentType: type,
            data: data,
            downloadKey: IDs.hex(16)
        )
        nextFileID += 1
        files[file.id] = file
        return [
            "content_type": .string(type), "file_name": .string(name), "file_size": .int(Int64(data.count)),
            "path": .string(file.path),
            "content_disposition": .string("inline; filename*=UTF-8''" + URLCoding.percentEncode(name)),
        ]
    }
}
