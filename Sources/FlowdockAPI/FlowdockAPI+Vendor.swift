// SPDX-License-Identifier: Apache-2.0
public import EmulatorKit
public import HTTPCore
import Routing

/// The vendor contract: organizations are the tenants, flow messages are what inspection shows. A message's
/// inspection id is its flow and number (`acme:my-flow:5`), since Flowdock numbers messages per flow.
extension FlowdockAPI: Vendor {
    public var name: String { Self.vendorName }

    public var evictedMessages: Int { (try? store.withState { $0.evictedMessages }) ?? 0 }

    public var tenants: [String] {
        (try? store.withState { s in s.organizationOrder.compactMap { s.organizations[$0]?.parameterizedName } }) ?? []
    }

    /// Puts the organization's flows (with their messages, threads and sources) back as the fixtures made
    /// them, or as `provisionTenant(_:)` made them for a provisioned organization. Users and organization
    /// membership are shared across organizations and stay as they are.
    public func reset(tenant: String) -> Bool {
        let seed = provisioned.entry(tenant: tenant)?.seed ?? self.seed
        // The flows' old messages, uuid indexes and threads: freed off the request path, outside the lock.
        var garbage = State.Garbage()
        defer { garbage.release() }
        let known =
            (try? store.withState { s -> Bool in
                let org = s.organizations.values.first { $0.parameterizedName == tenant }
                let seedOrg = seed.organizations.values.first { $0.parameterizedName == tenant }
                guard let orgID = org?.id ?? seedOrg?.id else { return false }
                let current = Set(s.flows.values.filter { $0.organizationID == orgID }.map(\.id))
                let fresh = Set(seed.flows.values.filter { $0.organizationID == orgID }.map(\.id))
                for flowID in current.union(fresh) {
                    s.flows[flowID] = seed.flows[flowID]
                    s.takeMessages(of: flowID, into: &garbage)
                    s.messages[flowID] = seed.messages[flowID]
                    s.messageIDsByUUID[flowID] = seed.messageIDsByUUID[flowID]
                }
                s.flowOrder = s.flowOrder.filter { s.flows[$0] != nil }
                for flowID in fresh where !s.flowOrder.contains(flowID) { s.flowOrder.append(flowID) }
                let affected = current.union(fresh)
                s.takeThreads(of: affected, into: &garbage)
                for (id, thread) in seed.threads where affected.contains(thread.flowID) { s.threads[id] = thread }
                for id in seed.threadOrder where s.threads[id] != nil && !s.threadOrder.contains(id) {
                    s.threadOrder.append(id)
                }
                for (id, source) in s.sources where affected.contains(source.flowID) {
                    s.sources[id] = seed.sources[id]
                }
                for (id, source) in seed.sources where affected.contains(source.flowID) { s.sources[id] = source }
                return true
            }) ?? false
        if known { store.changes.append(.reset, vendor: Self.vendorName, tenant: tenant, id: "") }
        return known
    }

    /// Forgets the messages (comments among them) of the organizations' flows and the threads they formed;
    /// a flow's message numbers then start again at 1, as after a reset of a flow without fixture messages.
    /// Flows, users, sources and private conversations stay.
    public func forgetMessages(tenant: String?) -> Int {
        var garbage = State.Garbage()
        defer { garbage.release() }
        return
            (try? store.withState { s -> Int in
                var deleted = 0
                var flows = Set<String>()
                for flowID in s.flowOrder where tenant == nil || s.tenant(ofFlow: flowID) == tenant {
                    deleted += s.messages[flowID]?.values.reduce(0) { $0 + ($1.removed || $1.isEditEvent ? 0 : 1) } ?? 0
                    s.takeMessages(of: flowID, into: &garbage)
                    flows.insert(flowID)
                }
                s.takeThreads(of: flows, into: &garbage)
                return deleted
            }) ?? 0
    }

    /// The organization (parameterized name) a request acts in, first match wins: the one in the path
    /// (`/flows/{org}/…`, `/organizations/{org}/…`, also under `/v1`) when it exists; the flow of the Push API
    /// token in the path (the first of several); the first organization of the user the credentials name
    /// (a post to `/messages` naming its flow in the body counts for that organization too: the body is not
    /// read for users); the flow of a `flow_token` (query, else the parsed body, as `Access.principal`).
    public func tenant(of request: Request) -> String? {
        var path = request.pathSegments[...]
        if path.first == "v1" { path = path.dropFirst() }
        let segments = Array(path)
        let parsedToken: () -> String? = {
            guard request.query("flow_token") == nil, request.method != .GET, !request.body.isEmpty else {
                return nil
            }
            return (try? Body.parse(request))?.string("flow_token")
        }
        return try? store.withState { s -> String? in
            if segments.count >= 2, segments[0] == "flows" || segments[0] == "organizations" {
                // `/flows/all`, `/flows/find`, `/organizations/find` are routes, not organizations.
                let literal = segments.count == 2 && (segments[1] == "all" || segments[1] == "find")
                if !literal, let org = s.organization(named: segments[1]) { return org.parameterizedName }
            }
            if segments.count >= 3, segments[0] == "messages", segments[1] == "chat" || segments[1] == "team_inbox" {
                let token = segments[2].prefix { $0 != "," }
                if let flow = s.flows.values.first(where: { $0.apiToken == token }) {
                    return s.tenant(ofFlow: flow.id)
                }
            }
            if let uid = s.userID(of: request) { return s.organizations(of: uid).first?.parameterizedName }
            if let token = request.query("flow_token") ?? parsedToken(), let source = s.source(withToken: token) {
                return s.tenant(ofFlow: source.flowID)
            }
            return nil
        } ?? nil
    }

    public func inspectMessages(tenant: String?) -> [InspectedMessage] {
        let all =
            (try? store.withState { s -> [InspectedMessage] in
                var out: [InspectedMessage] = []
                for flowID in s.flowOrder {
                    let org = s.tenant(ofFlow: flowID)
                    guard tenant == nil || org == tenant else { continue }
                    for m in s.messages[flowID]?.values ?? [] where !m.removed && !m.isEditEvent {
                        out.append(Self.inspected(m, s))
                    }
                }
                return out
            }) ?? []
        return all.sorted { $0.created.millis < $1.created.millis }
    }

    public func newestMessages(
        tenant: String?,
        limit: Int,
        where include: (InspectedMessage) -> Bool
    ) -> [InspectedMessage] {
        let lists =
            (try? store.withState { s -> [[InspectedMessage]] in
                var lists: [[InspectedMessage]] = []
                for flowID in s.flowOrder {
                    guard tenant == nil || s.tenant(ofFlow: flowID) == tenant else { continue }
                    var out: [InspectedMessage] = []
                    for m in (s.messages[flowID]?.values ?? []).reversed() where out.count < limit {
                        guard !m.removed && !m.isEditEvent else { continue }
                        let inspected = Self.inspected(m, s)
                        if include(inspected) { out.append(inspected) }
                    }
                    lists.append(out)
                }
                return lists
            }) ?? []
        return InspectedMessage.mergedNewest(lists, limit: limit)
    }

    /// One list per flow (a flow's messages are one table, ascending by id), walked under the lock. A chat
    /// message has no recipient: `to` is the flow's id, so it picks the list, and `q` is tested on the stored
    /// title and content without building the message (a scan is inherent there, as in the real search).
    public func oldestMessages(
        tenant: String?,
        filter: MessageFilter,
        resume: MessageResume?,
        limit: Int,
        where include: (InspectedMessage) -> Bool
    ) -> [MessageRun] {
        let runs = try? store.withState { s -> [MessageRun] in
            var runs: [MessageRun] = []
            for flowID in s.flowOrder {
                guard tenant == nil || s.tenant(ofFlow: flowID) == tenant, filter.passes(recipients: [flowID]),
                    let table = s.messages[flowID]
                else { continue }
                let messages = table.walkMessages(
                    list: flowID,
                    filter: filter,
                    resume: resume,
                    limit: limit,
                    position: { id in Self.parseInspectionID(id).flatMap { table.position(of: $0.number) } },
                    key: { (Self.inspectionID(flow: $0.flowID, id: $0.id), Timestamp(millis: $0.sent)) },
                    passes: { m in
                        guard !m.removed && !m.isEditEvent else { return false }
                        return filter.passes(
                            subject: .some(m.extra["title"]?.stringValue),
                            text: .some(m.content.stringValue ?? m.extra["body"]?.stringValue)
                        )
                    },
                    build: { Self.inspected($0, s) },
                    where: include
                )
                runs.append(MessageRun(list: flowID, messages: messages))
            }
            return runs
        }
        return runs ?? []
    }

    public func inspectMessage(id: String) -> InspectedMessage? {
        guard let (flowID, number) = Self.parseInspectionID(id) else { return nil }
        return try? store.withState { s -> InspectedMessage? in
            guard let m = s.messages[flowID]?[number] else { return nil }
            return m.removed || m.isEditEvent ? nil : Self.inspected(m, s)
        }
    }

    public func snapshot() -> VendorSnapshot {
        VendorSnapshot(vendor: Self.vendorName, state: (try? store.withState { $0 }) ?? State())
    }

    public func restore(_ snapshot: VendorSnapshot) throws(VendorError) {
        let state = try snapshot.state(as: State.self, for: Self.vendorName)
        store.replace(with: state)
        provisioned.retain { state.organization(named: $0) != nil }
    }

    /// `inspectionID(flow:id:)` read back: `org:flow:n` for a flow whose id is `org/flow`, `flow-id:n` for one
    /// whose id has no slash (the fixtures' UUID flows).
    static func parseInspectionID(_ id: String) -> (flowID: String, number: Int)? {
        let parts = id.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let number = Int(parts[parts.count - 1]) else { return nil }
        return (parts.count == 3 ? parts[0] + "/" + parts[1] : String(parts[0]), number)
    }

    /// A message's files, in order: its `attachments` (a `file` message's upload is its one attachment; an
    /// activity or discussion may have several). Each is the object the API shows (`file_name`,
    /// `content_type`, `file_size`, `path` = `/files/<id>/<hash>/<name>` for what the emulator stored).
    static func fileAttachments(_ m: Message) -> [JSONObject] { m.attachments.compactMap(\.objectValue) }

    /// The bytes of a file the emulator stored (an upload or an attachment with a `/files/<id>/…` path); nil
    /// for an attachment given as JSON by reference, whose bytes the emulator never had.
    public func attachmentContent(messageID: String, index: Int) -> AttachmentContent? {
        guard let (flowID, number) = Self.parseInspectionID(messageID) else { return nil }
        return try? store.withState { s -> AttachmentContent? in
            guard let m = s.messages[flowID]?[number], !m.removed else { return nil }
            let files = Self.fileAttachments(m)
            guard files.indices.contains(index), let path = files[index]["path"]?.stringValue else { return nil }
            let parts = path.split(separator: "/")
            guard parts.count >= 2, parts[0] == "files", let id = Int(parts[1]), let file = s.files[id] else {
                return nil
            }
            return (file.fileName, file.contentType, file.data)
        }
    }

    /// `acme/my-flow` and 5 → `acme:my-flow:5`; a private conversation's id and 5 → `id:5`.
    static func inspectionID(flow flowID: String, id: Int) -> String {
        String(flowID.map { $0 == "/" ? ":" : $0 }) + ":" + String(id)
    }

    static func inspected(_ m: Message, _ s: State) -> InspectedMessage {
        var out = InspectedMessage(
            vendor: vendorName,
            tenant: s.tenant(ofFlow: m.flowID),
            id: inspectionID(flow: m.flowID, id: m.id),
            created: Timestamp(millis: m.sent),
            vendorPath: (s.flowPath(m.flowID) ?? "") + "/messages/\(m.id)"
        )
        if let id = Int(m.user), let user = s.users[id] { out.from = user.email } else { out.from = m.user }
        out.to = [m.flowID]
        out.subject = m.extra["title"]?.stringValue
        out.text = m.content.stringValue ?? m.extra["body"]?.stringValue
        out.status = m.event
        out.attachments = fileAttachments(m).map { a in
            InspectedMessage.Attachment(
                name: a["file_name"]?.stringValue ?? "",
                contentType: a["content_type"]?.stringValue ?? "",
                size: Int(a["file_size"]?.intValue ?? 0)
            )
        }
        out.events = [InspectedMessage.Event(type: m.event, at: Timestamp(millis: m.sent))]
        if let edited = m.edited {
            out.events.append(InspectedMessage.Event(type: "message-edit", at: Timestamp(millis: edited)))
        }
        return out
    }
}
