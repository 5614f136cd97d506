// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// One API request as `GET /logs` shows it. Bodies stay raw bytes and are parsed only when read.
struct LogRecord: Sendable, Listed, Codable {
    var id: String
    var createdAt: Int64
    var endpoint: String
    var method: String
    var status: Int
    var userAgent: String?
    var requestBody: [UInt8]
    var responseBody: [UInt8]
    var seq: Int
}

/// Records every authenticated request of a team (except reads of the log itself) for `/logs`
/// (spec §2.12). Only the newest `capacity` entries (an eighth more between trims) are kept, so that a
/// benchmark cannot exhaust memory.
struct LogMiddleware: Middleware {
    static let capacity = 1_000
    static let loggedMethods: Set<String> = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
    let api: PostflareAPI

    func handle(_ request: Request, next: (Request) -> Response) throws -> Response {
        let response = next(request)
        // The log lists API calls; its `method` is one of the contract's six verbs (`LogSummary.method`), so a
        // request with another method (QUERY, TRACE, …, always 405) is answered but not recorded.
        guard let p = AuthMiddleware.principal(of: request), !(request.routePrefix ?? "").hasPrefix("/logs"),
            Self.loggedMethods.contains(request.method.rawValue)
        else {
            return response
        }
        let now = api.store.now
        let id = IDs.uuid()
        let userAgent = request.headers["User-Agent"]
        // Appended in place (`withState`, not `withTeam`): bookkeeping needs neither the team checked out
        // of the table nor its due automations run, and that cost a move of the whole team per request.
        try? api.store.withState { state throws(PostflareError) in
            let log = LogRecord(
                id: id,
                createdAt: now,
                endpoint: request.rawPath,
                method: request.method.rawValue,
                status: response.status.code,
                userAgent: userAgent,
                requestBody: request.body,
                responseBody: response.body,
                seq: state.nextSeq()
            )
            // Through `values[index]`, which edits the team where it is stored; `teams[id]?.…` moved the
            // whole team into a temporary (and allocated a coroutine frame that large) on each access.
            guard let index = state.teams.index(forKey: p.teamId) else { return }
            Self.append(log, to: &state.teams.values[index])  // one in-place access; a read copied the team
        }
        return response
    }
}

extension LogMiddleware {
    static func append(_ log: LogRecord, to team: inout Team) {
        team.logs.upsert(log)
        // Trimmed in batches of an eighth: one eviction per request cost more than the request's own log.
        if team.logs.count > capacity + capacity / 8 { team.logs.removeFirst(team.logs.count - capacity) }
    }
}

extension PostflareAPI {
    static let logRoutes: [PostflareRoute] =
        logs.routes(.list, .get)

    static func logJSON(_ l: LogRecord, detail: Bool) -> JSON {
        var o: JSONObject = detail ? ["object": "log"] : [:]
        o["id"] = .string(l.id)
        o["created_at"] = Time.pg(l.createdAt)
        o["endpoint"] = .string(l.endpoint)
        o["method"] = .string(l.method)
        o["response_status"] = .int(l.status)
        o["user_agent"] = .string(l.userAgent)
        if detail {
            // The spec types both bodies as object-or-null; arrays (batch) and non-JSON become null.
            o["request_body"] = (try? JSON.parse(l.requestBody)).flatMap { $0.objectValue.map(JSON.object) } ?? .null
            o["response_body"] = (try? JSON.parse(l.responseBody)).flatMap { $0.objectValue.map(JSON.object) } ?? .null
        }
        return .object(o)
    }
}
