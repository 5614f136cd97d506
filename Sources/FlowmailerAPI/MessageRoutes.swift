// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// Single-message routes: submit, get, resend, resume, simulate, archives, held messages.
extension FlowmailerAPI {
    func addMessageRoutes(to router: inout Router) {
        router.post("/{account_id}/messages/submit") { [self] in try submit($0) }
        router.post("/{account_id}/messages/simulate") { [self] in try simulate($0) }
        router.get("/{account_id}/messages/{message_id}") { [self] request in
            let now = clock.now()
            let m = try message(request)
            // getMessage only has `addtags`; the single view carries the full detail (events, headers, links), inferred.
            let flags = MessageFlags(
                events: true,
                headers: true,
                onlineLink: true,
                tags: try QueryParams.bool(request, "addtags")
            )
            var response = Response(status: .ok, body: m.jsonBytes(at: now, flags: flags))
            response.headers.add(name: "Content-Type", value: FlowmailerError.contentType)
            return response
        }
        router.post("/{account_id}/messages/{message_id}/resend") { [self] in try resend($0) }
        router.post("/{account_id}/messages/{message_id}/resume") { [self] in try resume($0) }
        router.get("/{account_id}/messages/{message_id}/archive") { [self] request in
            let m = try message(request)
            let addAttachments = try QueryParams.bool(request, "addattachments")
            let addData = try QueryParams.bool(request, "adddata")
            guard m.isProcessed(at: clock.now()) else { return Self.json([]) }
            return Self.json([
                MessageArchiveJSON.archive(m, flowStep: "40001", attachments: addAttachments, data: addData)
            ])
        }
        router.get("/{account_id}/messages/{message_id}/error_archive") { [self] request in
            let m = try message(request)
            guard m.status(at: clock.now()) == "ERROR" else { throw FlowmailerError.notFound("Error archive") }
            return Self.json(
                MessageArchiveJSON.archive(
                    m,
                    flowStep: nil,
                    attachments: try QueryParams.bool(request, "addattachments"),
                    data: try QueryParams.bool(request, "adddata")
                )
            )
        }
        router.get("/{account_id}/messages/{message_id}/archive/{flow_step_id}/attachment/{content_id}") {
            [self] request in
            let m = try message(request)
            let wanted = request.parameter("content_id")
            for (i, a) in m.attachments.enumerated() where MessageArchiveJSON.contentId(a, index: i) == wanted {
                return Self.json(MessageArchiveJSON.attachment(a, index: i, content: true))
            }
            throw FlowmailerError.notFound("Attachment")
        }
    }

    func message(_ request: Request) throws(HTTPError) -> StoredMessage {
        let id = request.parameter("message_id")
        return try store.read(Self.account(request)) { a throws(HTTPError) in
            guard let m = a.message(id) else { throw FlowmailerError.notFound("Message") }
            return m
        }
    }

    /// `POST /{account_id}/messages/submit` → 201, empty body, `Location` (spec §2.5). The message is stored
    /// before the answer is built, so a 201 is never followed by a lost message (REST guidelines).
    func submit(_ request: Request) throws(HTTPError) -> Response {
        let account = Self.account(request)
        let submit = try SubmitValidator.validate(body: request.body)
        let sourceId = request.identity(as: Principal.self)?.sourceId ?? ""
        let now = clock.now()
        let recipient = submit.recipientAddress.lowercased()
        let (source, flow, filtered) = try store.read(account) { a in
            (
                Self.source(a, sourceId), Self.selectFlow(a, submit),
                Self.filters(a, at: now).contains { $0.address.lowercased() == recipient }
            )
        }
        // The message is built outside the lock; only the append (which fixes its insert time) is inside.
        var message: StoredMessage? = MessageLife.make(
            submit,
            .init(
                account: account,
                source: source,
                flow: flow,
                now: now,
                remoteIP: Self.remoteIP(request),
                webBase: Self.webBase(request),
                filtered: filtered
            )
        )
        // Handed over, not shared, so that `insert` can adjust it without copying the record.
        let stored = try store.write(account) { a in a.insert(message.take()!) }
        announce(stored, account: account)
        return Self.created(request, path: "/\(account)/messages/\(stored.id)")
    }

    /// A message was stored (submitted or resent): on the change feed, and its events queued for the
    /// webhooks (and `eventAdded`) when the emulator clock reaches them.
    private func announce(_ stored: StoredMessage, account: String) {
        changes.append(.messageStored, vendor: Self.vendorName, tenant: account, id: stored.id)
        schedule(stored.eventTimeline, of: stored.id, account: account)
    }

    private func schedule(_ events: [MessageEvent], of id: String, account: String) {
        dueEvents.schedule(events.map { .init(at: $0.inserted.millis, tenant: account, id: id, type: $0.type) })
    }

    func simulate(_ request: Request) throws(HTTPError) -> Response {
        let account = Self.account(request)
        let submit = try SubmitValidator.validate(body: request.body)
        let flow = try store.read(account) { a in Self.selectFlow(a, submit) }
        let result: JSON = [
            "attachments": .array(
                submit.attachments.enumerated().map { MessageArchiveJSON.attachment($1, index: $0, content: false) }
            ),
            "data": submit.data ?? [:], "flow": flow.json, "html": .string(submit.html),
            "messageType": .string(submit.messageType), "subject": .string(submit.subject),
            "text": .string(submit.text),
        ]
        return Self.json(result)
    }

    /// Resend: a new message with the same content, optionally to another recipient (ResendMessage).
    func resend(_ request: Request) throws(HTTPError) -> Response {
        let account = Self.account(request)
        let body = request.body.isEmpty ? JSONObject() : try Self.objectBody(request)
        let original = try message(request)
        var submit = SubmitRequest(
            messageType: original.messageType,
            senderAddress: original.senderAddress,
            recipientAddress: body["recipientAddress"]?.stringValue ?? original.recipientAddress
        )
        if original.messageType == "EMAIL", !AddressSyntax.isEmail(submit.recipientAddress) {
            throw FlowmailerError.badRequest(
                code: "address.invalid",
                "Invalid email address: \(submit.recipientAddress)",
                field: "recipientAddress",
                rejected: .string(submit.recipientAddress)
            )
        }
        submit.subject = original.subject
        submit.text = original.text
        submit.html = original.html
        submit.headerFromAddress = original.fromAddress?.address
        submit.headerFromName = original.fromAddress?.name
        submit.tags = original.tags
        submit.attachments = original.attachments
        submit.data = original.data
        let stored = try store.write(account) { a in
            a.insert(
                MessageLife.make(
                    submit,
                    .init(
                        account: account,
                        source: original.source,
                        flow: original.flow,
                        now: clock.now(),
                        remoteIP: Self.remoteIP(request),
                        webBase: Self.webBase(request)
                    )
                )
            )
        }
        // The copy is a new message: it lives the same life as a submitted one (feed, webhooks).
        announce(stored, account: account)
        return Self.created(request, path: "/\(account)/messages/\(stored.id)")
    }

    /// Resume a held (ERROR) message: it is processed and delivered from now on (PowerShell `Resume-Message`).
    func resume(_ request: Request) throws(HTTPError) -> Response {
        let id = request.parameter("message_id")
        let account = Self.account(request)
        let now = clock.now()
        let added = try store.write(account) { a throws(HTTPError) -> [MessageEvent] in
            guard var m = a.messages[MessageKey(id)] else { throw FlowmailerError.notFound("Message") }
            guard m.status(at: now) == "ERROR", !a.resumed.contains(id) else {
                throw FlowmailerError.badRequest(code: "message.notheld", "Message \(id) is not held")
            }
            m.fixedStatus = nil
            m.cache = RenderCache()
            let done = now.adding(millis: MessageLife.processedDelay)
            let delivered = now.adding(millis: MessageLife.deliveredDelay)
            let added = [
                MessageEvent(
                    id: IDs.uuid(),
                    type: "DELIVERED",
                    received: delivered,
                    inserted: delivered,
                    snippet: "smtp;250 Ok",
                    mta: "[127.0.0.1] (127.0.0.1)",
                    sourceMta: "mta.flowmailer.local"
                ),
                MessageEvent(id: nil, type: "PROCESSED", received: done, inserted: done),
                MessageEvent(id: IDs.uuid(), type: "RESUMED", received: now, inserted: now),
            ]
            m.events.insert(contentsOf: added, at: 0)
            m.backendDone = done
            m.processedAt = done
            if m.messageType == "EMAIL" { m.messageIdHeader = "<\(m.id)@return.flowmailer.local>" }
            a.messages[MessageKey(id)] = m
            a.resumed.insert(id)
            return added
        }
        // RESUMED, PROCESSED and DELIVERED reach the webhooks like a submitted message's events.
        schedule(added, of: id, account: account)
        return Response(status: .ok)
    }

    static func source(_ a: AccountState, _ id: String) -> ObjectRef {
        let sources = a.table("sources")
        if let s = sources[id] ?? sources.first {
            return ObjectRef(id: s["id"]?.stringValue ?? id, description: s["description"]?.stringValue ?? "")
        }
        return ObjectRef(id: id.isEmpty ? "0" : id, description: "API")
    }

    /// Flow selection: the first flow rule whose conditions (flowSelector, sender, source) all hold; the
    /// selector comes from `flowSelector` or, failing that, an `X-Flow` header (as in the official example).
    static func selectFlow(_ a: AccountState, _ r: SubmitRequest) -> ObjectRef {
        let selector = r.flowSelector ?? r.headers.first { $0.name.lowercased() == "x-flow" }?.value
        let flows = a.table("flows")
        let rules = a.table("flow_rules")
        for ruleId in rules.ids {  // every submit runs this: walk the ids rather than build `all`
            guard let rule = rules[ruleId], let flowId = rule["flowId"]?.stringValue, let flow = flows[flowId] else {
                continue
            }
            let wanted = rule["flowSelector"]?.stringValue
            let sender = rule["sender"]?.stringValue
            guard wanted != nil || sender != nil else { continue }
            if let wanted, wanted != selector { continue }
            if let sender, sender != r.senderAddress { continue }
            return ObjectRef(id: flowId, description: flow["description"]?.stringValue ?? "")
        }
        if let id = a.defaultFlowId ?? flows.ids.first, let flow = flows[id] {
            return ObjectRef(id: id, description: flow["description"]?.stringValue ?? "")
        }
        return ObjectRef(id: "0", description: "Default flow")
    }

    /// The base URL the web links of a message submitted by `request` use: where the client reached the
    /// emulator (its `Host`), nil when the request names none (the links then keep web.flowmailer.net's shape).
    static func webBase(_ request: Request) -> String? {
        let base = request.externalBaseURL(default: "")
        return base.isEmpty ? nil : base
    }

    static func remoteIP(_ request: Request) -> String {
        let address = request.remoteAddress
        if address.isEmpty { return "127.0.0.1" }
        if address.hasPrefix("["), let end = address.firstIndex(of: "]") {
            return String(address[address.index(after: address.startIndex)..<end])
        }
        // `host:port`; the host alone. Searched in the UTF-8 view (per submit): `String.firstIndex(of:)` walks
        // grapheme clusters.
        return String(address[..<(address.utf8.firstIndex(of: UInt8(ascii: ":")) ?? address.endIndex)])
    }
}

/// `MessageArchive` and `Attachment` wire shapes.
enum MessageArchiveJSON {
    static func archive(_ m: StoredMessage, flowStep: String?, attachments: Bool, data: Bool) -> JSON {
        var o = JSONObject([
            ("flowStepId", .string(flowStep)), ("messageType", .string(m.messageType)), ("onlineVersion", .bool(true)),
            ("subject", .string(m.subject)), ("text", .string(m.text)), ("html", .string(m.html)),
        ])
        if attachments {
            o["attachments"] = .array(m.attachments.enumerated().map { attachment($1, index: $0, content: false) })
        }
        if data { o["data"] = m.data ?? [:] }
        if m.messageType == "EMAIL" {
            o["onlineLink"] = .string(m.onlineLink)
            o["messageDetailsLink"] = .string(m.messageDetailsLink)
        }
        return .object(o)
    }

    static func contentId(_ a: JSON, index: Int) -> String { a["contentId"]?.stringValue ?? "attachment\(index + 1)" }

    static func attachment(_ a: JSON, index: Int, content: Bool) -> JSON {
        var o = JSONObject([
            ("contentId", .string(contentId(a, index: index))), ("contentType", a["contentType"] ?? .null),
            ("disposition", a["disposition"] ?? "attachment"), ("filename", a["filename"] ?? .null),
        ])
        if content { o["content"] = a["content"] ?? "" }
        return .object(o)
    }
}
