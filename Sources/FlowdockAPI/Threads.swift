// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

extension State {
    static let statusColors: Set<String> = [
        "red", "green", "yellow", "cyan", "orange", "grey", "black", "lime", "purple", "blue",
    ]

    /// The thread a new message belongs to (§3.4, §4.5): the parent's for a comment; the URL's, `thread_id`'s
    /// or `external_thread_id`'s; otherwise a new one (every top-level chat message starts a thread, as in
    /// the real 2019 data). A posted `thread` object updates the thread: "there is no separate way to
    /// update a thread". Status messages stay outside threads [I].
    mutating func resolveThread(
        _ input: Input,
        event: String,
        parent: Message?,
        target: PostTarget,
        flow: Flow,
        principal: Principal,
        firstMessage: Int,
        text: String?,
        now: Int64
    ) throws -> String? {
        var threadID: String?
        var externalID: String?
        let sourceID: Int? = if case .source(let sid) = principal { sid } else { nil }
        if let parent {
            threadID = parent.threadID
        } else if let t = target.urlThread {
            guard threads[t]?.flowID == flow.id else { throw FlowdockError.notFound("Thread not found") }
            threadID = t
        } else if let t = input.string("thread_id"), !t.isEmpty {
            guard threads[t]?.flowID == flow.id else {
                throw FlowdockError.validation("thread_id", "is not a valid thread")
            }
            threadID = t
        } else if let ext = input.string("external_thread_id"), !ext.isEmpty {
            externalID = ext
            threadID = threadOrder.first {
                guard let t = threads[$0] else { return false }
                return t.flowID == flow.id && t.externalThreadID == ext && t.sourceID == sourceID
            }
        }
        let update = input["thread"]?.objectValue
        if threadID == nil && event == "status" && update == nil { return nil }
        let isInbox = event == "activity" || event == "discussion"
        if threadID == nil {
            if isInbox && update == nil && externalID == nil {
                throw FlowdockError.validation("thread", "can't be blank")
            }
            let title =
                update?["title"]?.stringValue
                ?? (isInbox
                    ? nil
                    : text ?? input["content"]?["file_name"]?.stringValue
                        ?? input.files["content"]?.filename) ?? ""
            if isInbox && title.isEmpty { throw FlowdockError.validation("thread", "title can't be blank") }
            var source: JSON = .null
            if let sid = sourceID, let s = sources[sid] {
                // Documented thread source: {id, icon, application} (docs/threads.md).
                source = [
                    "id": .int(Int64(s.id)), "icon": s.application["icon_url"] ?? .null, "application": s.application,
                ]
            }
            let id = IDs.random(27, alphabet: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
            threads[id] = FlowThread(
                id: id,
                flowID: flow.id,
                title: title,
                body: "",
                externalURL: .null,
                status: .null,
                actions: [],
                fields: [],
                source: source,
                externalThreadID: externalID,
                sourceID: sourceID,
                initialMessage: firstMessage,
                activities: 0,
                internalComments: 0,
                externalComments: 0,
                createdAt: now,
                updatedAt: now
            )
            threadOrder.append(id)
            threadID = id
        }
        guard let tid = threadID, var thread = threads[tid] else { return threadID }
        if let update { try apply(update, to: &thread) }
        switch event {
        case "activity": thread.activities += 1
        case "comment": thread.internalComments += 1
        case "discussion": thread.externalComments += 1
        default: break
        }
        thread.updatedAt = now
        threads[tid] = thread
        return tid
    }

    private func apply(_ update: JSONObject, to thread: inout FlowThread) throws {
        if let title = update["title"]?.stringValue { thread.title = title }
        if let body = update["body"]?.stringValue { thread.body = body }
        if let url = update["external_url"] { thread.externalURL = url }
        if let status = update["status"] {
            if let color = status["color"]?.stringValue, !Self.statusColors.contains(color) {
                throw FlowdockError.validation("thread", "status color is not included in the list")
            }
            thread.status = status
        }
        if let actions = update["actions"] { thread.actions = actions }
        if let fields = update["fields"] { thread.fields = fields }
    }

    /// Threads of a flow for `GET .../threads` (§3.4), newest update first. Without `empty=1` only threads
    /// with a reply or inbox activity are listed [I: the doc does not define "empty"].
    func threadList(
        flowID: String,
        since: Int64?,
        until: Int64?,
        application: String?,
        includeEmpty: Bool
    ) -> [FlowThread] {
        let list = messages[flowID] ?? OrderedTable()
        var counts: [String: Int] = [:]
        for m in list.values where !m.removed { if let t = m.threadID { counts[t, default: 0] += 1 } }
        return threadOrder.compactMap { threads[$0] }.filter { t in
            guard t.flowID == flowID else { return false }
            if let since, t.updatedAt <= since { return false }
            if let until, t.updatedAt >= until { return false }
            if !includeEmpty && (counts[t.id] ?? 0) < 2 && t.activities == 0 { return false }
            if let application {
                let first = list[t.initialMessage]
                let app = first?.app.stringValue ?? ""
                switch application {
                case "chat": return app == "chat"
                case "inbox", "ìnbox", "influx": return app == "influx"  // the doc spells it "ìnbox"
                default:
                    return t.sourceID.flatMap { sources[$0] }.map { s in
                        s.application["id"].map { $0.stringValue ?? $0.intValue.map(String.init) } == application
                    } ?? false
                }
            }
            return true
        }.sorted { $0.updatedAt > $1.updatedAt }
    }
}
