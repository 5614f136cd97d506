// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// Flow rules, event-flow rules, flow templates, recipient filters and recipient info (spec §5.2 #8, #9, #15–20, #27, #28, #42).
extension FlowmailerAPI {
    func addFlowRoutes(to router: inout Router) {
        addRuleRoutes(owner: "flows", ownerWhat: "Flow", rules: "flow_rules", idField: "flowId", to: &router)
        addRuleRoutes(
            owner: "event_flows",
            ownerWhat: "Event flow",
            rules: "event_flow_rules",
            idField: "eventFlowId",
            to: &router
        )
        router.get("/{account_id}/flow_rules") { [self] request in
            Self.json(
                .array(try ruleItems(request, owner: "flows", rules: "flow_rules", idField: "flowId", hierarchy: false))
            )
        }
        router.get("/{account_id}/event_flow_rules") { [self] request in
            Self.json(
                .array(
                    try ruleItems(
                        request,
                        owner: "event_flows",
                        rules: "event_flow_rules",
                        idField: "eventFlowId",
                        hierarchy: false
                    )
                )
            )
        }
        router.get("/{account_id}/event_flow_rules/hierarchy") { [self] request in
            Self.json(
                .array(
                    try ruleItems(
                        request,
                        owner: "event_flows",
                        rules: "event_flow_rules",
                        idField: "eventFlowId",
                        hierarchy: true
                    )
                )
            )
        }
        router.get("/{account_id}/flow_templates") { _ in
            // One non-editable base template; every fixture flow points at it (`templateId` "1").
            Self.json([
                ["id": "1", "description": "Default flow template", "editable": false, "steps": [], "templateId": nil]
            ])
        }
        router.get("/{account_id}/filters") { [self] request in
            let now = clock.now()
            let rangeRequest = try RangeRequest.parse(request.headers["Range"])
            let range = try QueryParams.dateRange(request, "daterange")
            let descending = try QueryParams.descending(request, default: true)
            var filters = try store.read(Self.account(request)) { a in Self.filters(a, at: now) }
            if let range { filters = filters.filter { range.contains($0.date.millis) } }
            if descending { filters.reverse() }
            let page = Paginator.page(filters, range: rangeRequest, field: UInt8(ascii: "D"), descending: descending) {
                ($0.date.millis, $0.id)
            }
            return Self.json(.array(page.rows.map(\.json)), status: .partialContent, headers: page.headers)
        }
        router.delete("/{account_id}/filters/{filter_id}") { [self] request in
            let id = request.parameter("filter_id")
            let now = clock.now()
            try store.write(Self.account(request)) { a throws(HTTPError) in
                guard Self.filters(a, at: now).contains(where: { $0.id == id }) else {
                    throw FlowmailerError.notFound("Filter")
                }
                a.deletedFilters.insert(id)
            }
            return Response(status: .ok)
        }
        router.get("/{account_id}/recipient/{recipient}") { [self] request in
            let now = clock.now()
            let recipient = request.parameter("recipient").lowercased()
            let range = try QueryParams.dateRange(request, "daterange")
            let (filters, messages) = try store.read(Self.account(request)) { a in
                (
                    Self.filters(a, at: now).filter { $0.address.lowercased() == recipient },
                    a.messages.values.filter { $0.recipientAddress.lowercased() == recipient }
                )
            }
            var o = JSONObject([
                ("address", .string(request.parameter("recipient"))), ("filters", .array(filters.map(\.json))),
            ])
            // "Message statistics are only included if a date range is specified." (getRecipient docblock)
            if let range {
                o["messageSummary"] = Stats.summary(messages.filter { range.contains($0.submitted.millis) }, at: now)
            }
            return Self.json(.object(o))
        }
    }

    private func addRuleRoutes(
        owner: String,
        ownerWhat: String,
        rules: String,
        idField: String,
        to router: inout Router
    ) {
        let path = "/{account_id}/\(owner)/{id}/rule"
        router.get(path) { [self] request in
            let id = request.parameter("id")
            let rule = try store.read(Self.account(request)) { a throws(HTTPError) in
                guard a.table(owner)[id] != nil else { throw FlowmailerError.notFound(ownerWhat) }
                return a.table(rules)[id] ?? JSONObject([(idField, .string(id))])
            }
            return Self.json(.object(rule))
        }
        router.put(path) { [self] request in
            let id = request.parameter("id")
            var body = try Self.objectBody(request)
            body[idField] = .string(id)
            try store.write(Self.account(request)) { a throws(HTTPError) in
                guard a.table(owner)[id] != nil else { throw FlowmailerError.notFound(ownerWhat) }
                var table = a.table(rules)
                table.put(body, id: id)
                a.tables[rules] = table
            }
            return Response(status: .ok)
        }
    }

    /// `FlowRuleItem` / `FlowRuleHierarchyItem` lists built from the stored simple rules.
    private func ruleItems(
        _ request: Request,
        owner: String,
        rules: String,
        idField: String,
        hierarchy: Bool
    ) throws(HTTPError) -> [JSON] {
        try store.read(Self.account(request)) { a in
            a.table(owner).all.map { flow in
                let id = flow["id"]?.stringValue ?? ""
                let rule = a.table(rules)[id] ?? JSONObject()
                var conditions: [JSON] = []
                for key in [
                    "flowSelector", "sender", "sourceId", "eventType", "messageFlowId", "linkName", "linkTarget",
                ] {
                    if let v = rule[key]?.stringValue {
                        conditions.append([
                            "type": .string(key), "matchType": "EQUALS", "name": nil, "expression": nil,
                            "value": .string(v),
                        ])
                    }
                }
                var o = JSONObject([
                    ("conditions", .array(conditions)),
                    ("flow", ["id": .string(id), "description": flow["description"] ?? .null]),
                ])
                if hierarchy {
                    o["nodes"] = []
                    o["parentId"] = flow["parentId"] ?? .null
                }
                return .object(o)
            }
        }
    }

    /// A recipient filter (`Filter`), derived from visible HARDBOUNCE / COMPLAINT events: Flowmailer adds those
    /// addresses to the Recipient Filter (help centre, spec §7.3). Deleting one hides it for good.
    struct RecipientFilter {
        var id: String
        var accountId: String
        var address: String
        var date: Timestamp
        var messageType: String
        var reason: String
        var event: MessageEvent
        var messageId: String

        var json: JSON {
            [
                "accountId": .string(accountId), "address": .string(address), "date": .string(date.iso8601()),
                // Filters expire; 90 days is a guess (inferred).
                "expiresOn": .string(date.adding(seconds: 90 * 86_400).iso8601()), "id": .string(id),
                "messageReturn": event.json(messageId: messageId), "messageType": .string(messageType),
                "reason": .string(reason),
            ]
        }
    }

    static func filters(_ a: AccountState, at now: Timestamp) -> [RecipientFilter] {
        var out: [RecipientFilter] = []
        for m in a.filterCandidates.compactMap({ a.messages[$0] }) {
            for e in m.visibleEvents(at: now) where e.type == "HARDBOUNCE" || e.type == "COMPLAINT" {
                let id = e.id ?? (m.id + e.type)
                if a.deletedFilters.contains(id) { continue }
                out.append(
                    RecipientFilter(
                        id: id,
                        accountId: a.id,
                        address: m.recipientAddress,
                        date: e.received,
                        messageType: m.messageType,
                        reason: e.type == "HARDBOUNCE" ? "hardbounce" : "complaint",
                        event: e,
                        messageId: m.id
                    )
                )
            }
        }
        return out.sorted { ($0.date.millis, $0.id) < ($1.date.millis, $1.id) }
    }
}
