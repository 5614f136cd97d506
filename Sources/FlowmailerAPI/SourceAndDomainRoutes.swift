// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// Source credentials (`/sources/{id}/users`, spec §5.2 #60–64) and the sender-domain extras (#48, #49, #51).
extension FlowmailerAPI {
    func addSourceUserRoutes(to router: inout Router) {
        let users = "/{account_id}/sources/{source_id}/users"
        router.get(users) { [self] request in
            let source = request.parameter("source_id")
            try requireResource(request, table: "sources", id: source, what: "Source")
            let list = try store.read(Self.account(request)) { a in
                a.table("api_credentials").all.filter { $0["sourceId"]?.stringValue == source }
            }
            return Self.json(.array(list.map { Self.present($0, .credentials) }))
        }
        router.post(users) { [self] request in
            let source = request.parameter("source_id")
            try requireResource(request, table: "sources", id: source, what: "Source")
            var body = try Self.objectBody(request)
            try Self.validateSourceCredentials(body)
            try Self.prepareCredentials(&body)
            body["sourceId"] = .string(source)
            let object = try store.write(Self.account(request)) { a in
                let id = a.makeId()
                var table = a.table("api_credentials")
                let object = Self.withId(id, body)
                table.put(object, id: id)
                a.tables["api_credentials"] = table
                return object
            }
            return Self.json(.object(object))
        }
        router.get(users + "/{user_id}") { [self] request in
            Self.json(Self.present(try sourceUser(request), .credentials))
        }
        router.put(users + "/{user_id}") { [self] request in
            _ = try sourceUser(request)
            let body = try Self.objectBody(request)
            try Self.validateSourceCredentials(body)
            let id = request.parameter("user_id")
            let object = try store.write(Self.account(request)) { a in
                var table = a.table("api_credentials")
                var merged = Self.withId(id, body)
                for (k, v) in table[id] ?? JSONObject() where !merged.contains(k) { merged[k] = v }
                table.put(merged, id: id)
                a.tables["api_credentials"] = table
                return merged
            }
            return Self.json(Self.present(object, .credentials))
        }
        router.delete(users + "/{user_id}") { [self] request in
            _ = try sourceUser(request)
            let id = request.parameter("user_id")
            try store.write(Self.account(request)) { a in
                var table = a.table("api_credentials")
                table.remove(id)
                a.tables["api_credentials"] = table
            }
            return Response(status: .ok)
        }
    }

    func sourceUser(_ request: Request) throws(HTTPError) -> JSONObject {
        let source = request.parameter("source_id")
        let id = request.parameter("user_id")
        return try store.read(Self.account(request)) { a throws(HTTPError) in
            guard let c = a.table("api_credentials")[id], c["sourceId"]?.stringValue == source else {
                throw FlowmailerError.notFound("Credentials")
            }
            return c
        }
    }

    /// `Credentials.protocol` is required (spec §6).
    static func validateSourceCredentials(_ body: JSONObject) throws(HTTPError) {
        let protocols: Set<String> = ["SMTP", "SMTP_RCPT", "SMTP_HEADER", "SMTP_IPONLY", "SMPP"]
        guard let p = body["protocol"]?.stringValue else {
            throw FlowmailerError.badRequest([notNull("protocol", "restCredentials")])
        }
        if !protocols.contains(p) {
            throw FlowmailerError.badRequest(
                code: "typeMismatch",
                "protocol must be one of \(protocols.sorted().joined(separator: ", "))",
                field: "protocol",
                rejected: .string(p)
            )
        }
    }

    func addSenderDomainExtras(to router: inout Router) {
        router.get("/{account_id}/sender_domains/by_domain/{domain}") { [self] request in
            let domain = request.parameter("domain").lowercased()
            let validate = try QueryParams.bool(request, "validate")
            let found = try store.read(Self.account(request)) { a in
                a.table("sender_domains").all.first { $0["senderDomain"]?.stringValue?.lowercased() == domain }
            }
            guard let found else { throw FlowmailerError.notFound("Sender domain") }
            return Self.json(Self.withDNS(found, validated: validate))
        }
        router.post("/{account_id}/sender_domains/validate") { request in
            let body = try Self.objectBody(request)
            try Self.validate(body, .senderDomains)
            return Self.json(Self.withDNS(body, validated: true))
        }
    }

    /// Fills `dnsRecords` for a sender domain. The emulator cannot look DNS up: validated records report `OK`.
    static func withDNS(_ domain: JSONObject, validated: Bool) -> JSON {
        let name = domain["senderDomain"]?.stringValue ?? ""
        let returnPath = domain["returnPathDomain"]?.stringValue ?? "flowmailer.\(name)"
        let web = domain["webDomain"]?.stringValue ?? "link.\(name)"
        func record(_ recordName: String, _ type: String, _ value: String) -> JSON {
            var o = JSONObject([("name", .string(recordName)), ("type", .string(type)), ("value", .string(value))])
            if validated {
                o["status"] = "OK"
                o["errorMessages"] = []
                o["warningMessages"] = []
            }
            return .object(o)
        }
        var o = domain
        o["dnsRecords"] = [
            record(name, "TXT", "v=spf1 include:spf.flowmailer.net ~all"),
            record("fm1._domainkey.\(name)", "CNAME", "fm1.\(name).dkim.flowmailer.net"),
            record(returnPath, "CNAME", "return.flowmailer.net"),
            record(web, "CNAME", "web.flowmailer.net"),
        ]
        if validated { o["warnings"] = [] }
        return .object(o)
    }
}
