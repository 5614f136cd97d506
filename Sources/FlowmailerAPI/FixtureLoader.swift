// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// Builds accounts from `fixtures/flowmailer.json`:
/// `{"accounts":[{"id","description","defaultFlowId","roles":[…],"credentials":[…],"sources":[…],
///   "flows":[{…,"rule":{…}}],"templates":[…],"sender_domains":[…],"event_flows":[…],"messages":[<wire Message>…]}]}`.
/// Messages are written exactly as the API returns them (the seed's example objects).
enum FixtureLoader {
    static func accounts(from fixtures: JSON?) throws -> [AccountState] {
        guard let fixtures else { return [] }
        guard let list = fixtures["accounts"]?.arrayValue else {
            throw fail("", "no accounts array")
        }
        return try list.enumerated().map { try account($1, path: "accounts[\($0)]") }
    }

    private static func fail(_ path: String, _ message: String) -> FixtureError {
        FixtureError(vendor: "flowmailer", path: path, message)
    }

    private static func account(_ json: JSON, path: String) throws -> AccountState {
        guard let id = json["id"]?.stringValue, !id.isEmpty else {
            throw fail(path, "account without id")
        }
        var a = AccountState(id: id, description: json["description"]?.stringValue ?? "Account \(id)")
        a.defaultFlowId = json["defaultFlowId"]?.stringValue
        let tables: [(key: String, table: String)] = [
            ("roles", "roles"), ("credentials", "api_credentials"), ("sources", "sources"), ("flows", "flows"),
            ("templates", "templates"), ("sender_domains", "sender_domains"), ("event_flows", "event_flows"),
            ("users", "users"),
        ]
        for (key, tableName) in tables {
            var table = ResourceTable()
            for (n, item) in (json[key]?.arrayValue ?? []).enumerated() {
                guard var object = item.objectValue else {
                    throw fail("\(path).\(key)[\(n)]", "\(key) item is not an object")
                }
                let itemId = object["id"]?.stringValue ?? a.makeId()
                if let n = Int(itemId), n >= a.nextId { a.nextId = n }
                if tableName == "flows", let rule = object["rule"] {
                    // Flow rules live beside the flow (GET/PUT /flows/{id}/rule).
                    var rules = a.table("flow_rules")
                    var r = rule.objectValue ?? JSONObject()
                    r["flowId"] = .string(itemId)
                    rules.put(r, id: itemId)
                    a.tables["flow_rules"] = rules
                    object["rule"] = nil
                }
                table.put(object, id: itemId)
            }
            a.tables[tableName] = table
        }
        // Webhooks (SendPro configures them in its web UI): checked like `POST /_emulator/webhooks` bodies.
        var hooks = ResourceTable()
        for (n, item) in (json["webhooks"]?.arrayValue ?? []).enumerated() {
            guard let object = item.objectValue else {
                throw fail("\(path).webhooks[\(n)]", "webhook is not an object")
            }
            let hookId = object["id"]?.stringValue ?? "\(id)-webhook-\(n + 1)"
            switch FlowmailerAPI.webhook(from: object, id: hookId) {
            case .success(let hook): hooks.put(hook, id: hookId)
            case .failure(let error): throw fail("\(path).webhooks[\(n)]", error.description)
            }
        }
        if !hooks.ids.isEmpty { a.tables[FlowmailerAPI.webhookTable] = hooks }
        // Stored order must be insert order (keyset paging relies on it), whatever the file's order.
        let messages = try (json["messages"]?.arrayValue ?? []).enumerated().map { n, m in
            do throws(FixtureError) {
                return try message(m)
            } catch {
                throw fail("\(path).messages[\(n)]", error.message)
            }
        }
        for m in messages.sorted(by: { ($0.inserted.millis, $0.id) < ($1.inserted.millis, $1.id) }) { _ = a.insert(m) }
        return a
    }

    /// Parses a wire `Message` object into a stored message with its complete history.
    static func message(_ j: JSON) throws(FixtureError) -> StoredMessage {
        func ts(_ key: String, in o: JSON = j) -> Timestamp? { o[key]?.stringValue.flatMap(Timestamp.parseISO8601) }
        func str(_ key: String) -> String? { j[key]?.stringValue }
        func ref(_ key: String) -> ObjectRef {
            ObjectRef(id: j[key]?["id"]?.stringValue ?? "", description: j[key]?["description"]?.stringValue ?? "")
        }
        func headers(_ key: String) -> [(name: String, value: String)]? {
            j[key]?.arrayValue?.map { (name: $0["name"]?.stringValue ?? "", value: $0["value"]?.stringValue ?? "") }
        }
        guard let id = str("id"), let submitted = ts("submitted") else {
            throw fail("", "message without id or submitted")
        }
        let events: [MessageEvent] = (j["events"]?.arrayValue ?? []).map { e in
            MessageEvent(
                id: e["id"]?.stringValue,
                type: e["type"]?.stringValue ?? "CUSTOM",
                received: ts("received", in: e) ?? submitted,
                inserted: ts("inserted", in: e) ?? submitted,
                snippet: e["snippet"]?.stringValue,
                mta: e["mta"]?.stringValue,
                data: e["data"]?.stringValue,
                sourceMta: e["sourceMta"]?.stringValue,
                subType: e["subType"]?.stringValue,
                extraData: e["extraData"],
                linkTarget: e["linkTarget"]?.stringValue
            )
        }
        // The paging key of the official example is the SUBMITTED event's insert time (spec §3.2).
        let inserted = ts("inserted") ?? events.first { $0.type == "SUBMITTED" }?.inserted ?? submitted
        let backendDone = ts("backendDone")
        let from = j["fromAddress"].flatMap { f -> Address? in
            f["address"]?.stringValue.map { Address(name: f["name"]?.stringValue, address: $0) }
        }
        return StoredMessage(
            MessageRecord(
                id: id,
                submitted: submitted,
                inserted: inserted,
                transactionId: str("transactionId") ?? IDs.hex(32),
                messageType: str("messageType") ?? "EMAIL",
                source: ref("source"),
                flow: ref("flow"),
                senderAddress: str("senderAddress") ?? "",
                recipientAddress: str("recipientAddress") ?? "",
                subject: str("subject"),
                from: str("from"),
                fromAddress: from,
                toAddressList: (j["toAddressList"]?.arrayValue ?? []).compactMap { t in
                    t["address"]?.stringValue.map { Address(name: t["name"]?.stringValue, address: $0) }
                },
                headersIn: headers("headersIn") ?? [],
                tags: (j["tags"]?.arrayValue ?? []).compactMap(\.stringValue),
                backendStart: ts("backendStart"),
                backendDone: backendDone,
                // A fixture message is processed iff it has a backendDone (the example's ERROR message has none).
                processedAt: backendDone.map { _ in Timestamp(millis: 0) },
                messageIdHeader: str("messageIdHeader"),
                headersOut: headers("headersOut"),
                onlineLink: str("onlineLink"),
                messageDetailsLink: str("messageDetailsLink"),
                events: events,
                fixedStatus: str("status"),
                text: str("text"),
                html: str("html"),
                data: j["data"],
                attachments: j["attachments"]?.arrayValue ?? [],
                flowSelector: str("flowSelector")
            )
        )
    }
}
