// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// `GET /broadcasts/{id}/recipients` and `/clicked-links` (spec §2.9): read from the broadcast's e-mails on
/// the emulator clock. Rows have opaque offset cursors (`b2Zmc2V0OjA` = base64 `offset:0`), as the real API.
extension PostflareAPI {
    static let recipientTypes = [
        "sent", "delivered", "opened", "clicked", "bounced", "complained", "unsubscribed", "suppressed",
    ]

    struct CursorRow: Listed {
        var id: String
        var seq: Int
        var json: JSON
    }

    static let broadcastStatsRoutes: [PostflareRoute] = [
        (.GET, "/broadcasts/{id}/recipients", PostflareAPI.listBroadcastRecipients),
        (.GET, "/broadcasts/{id}/clicked-links", PostflareAPI.listBroadcastClickedLinks),
        (.GET, "/oauth/grants", PostflareAPI.listOAuthGrants),
        (.DELETE, "/oauth/grants/{id}", PostflareAPI.deleteOAuthGrant),
    ]

    func listBroadcastRecipients(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        guard let type = req.query("type") else {
            throw PostflareError(422, "missing_required_field", "Missing `type` field.")
        }
        guard Self.recipientTypes.contains(type) else {
            throw PostflareError.validation(
                "The `type` parameter must be one of: " + Self.recipientTypes.joined(separator: ", ") + "."
            )
        }
        let emailFilter = req.query("email")?.lowercased()
        let now = store.now
        return ok(
            try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
                guard let b = team.broadcasts[id] else { throw .notFound("Broadcast") }
                var rows: [JSON] = []
                for emailId in b.emailIds {
                    guard let e = team.emails[emailId], let address = e.to.first else { continue }
                    let event = EmailLife.lastEvent(e, now: now)
                    let matches: Bool
                    switch type {
                    case "sent": matches = ["sent", "delivered", "bounced", "complained"].contains(event)
                    case "delivered": matches = event == "delivered" || event == "complained"
                    default: matches = event == type
                    }
                    guard matches, emailFilter == nil || address.lowercased() == emailFilter else { continue }
                    var o: JSONObject = [
                        "contact_id": .string(team.contact(idOrEmail: address)?.id), "email": .string(address),
                    ]
                    if type == "bounced" { o["bounce_type"] = "permanent" }
                    rows.append(.object(o))
                }
                return try Self.cursorPage(rows, req)
            }
        )
    }

    func listBroadcastClickedLinks(_ req: Request, _ p: Principal) throws -> Response {
        let id = try uuidParameter(req, "id")
        try store.withTeam(p.teamId) { team, _ throws(PostflareError) in
            guard team.broadcasts[id] != nil else { throw .notFound("Broadcast") }
        }
        // No click tracking in the emulator: the list is always empty.
        return ok(try Self.cursorPage([], req))
    }

    func listOAuthGrants(_ req: Request, _ p: Principal) throws -> Response {
        // The emulator issues no OAuth grants.
        ok(try Self.cursorPage([], req))
    }

    func deleteOAuthGrant(_ req: Request, _ p: Principal) throws -> Response {
        _ = try uuidParameter(req, "id")
        throw PostflareError.notFound("OAuth grant")
    }

    /// Pages `rows` in order, giving each an `offset:N` cursor as its `id`.
    static func cursorPage(_ rows: [JSON], _ req: Request) throws(PostflareError) -> JSON {
        let items = rows.enumerated().map { i, row in
            var o = row.objectValue ?? JSONObject()
            let cursor = Base64.encode(Array("offset:\(i)".utf8)).filter { $0 != "=" }
            var withId = JSONObject([("id", .string(cursor))])
            for (k, v) in o { withId[k] = v }
            o = withId
            return CursorRow(id: cursor, seq: rows.count - i, json: .object(o))
        }
        return try Pagination.list(items, req, defaultLimit: nil) { $0.json }
    }
}
