// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// §3.4 threads: list and show (posting into a thread is a message route). Reading needs a user.
extension FlowdockAPI {
    func registerThreadRoutes(_ routes: inout Routes) {
        routes.get("/flows/{org}/{flow}/threads") { [self] r in
            try withUser(r) { s, input, uid, base in
                let flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
                let since = try Self.time(input, "since")
                let until = try Self.time(input, "until")
                // The page size is undocumented; 30 like messages [I]. `limit` tunes it.
                let limit = min(max(try input.int("limit") ?? 30, 1), 100)
                let includeEmpty = input.string("empty") == "1" || input.string("empty") == "true"
                let all = s.threadList(
                    flowID: flow.id,
                    since: since,
                    until: until,
                    application: input.string("application"),
                    includeEmpty: includeEmpty
                )
                let page = Array(all.prefix(limit))
                var headers = HTTPHeaders()
                // Documented: `Link: <…/threads?until=2014-10-27T14%3A29%3A36.855Z>; rel="next"`.
                if all.count > page.count, let last = page.last {
                    let path = s.flowPath(flow.id) ?? ""
                    let until = URLCoding.percentEncode(Timestamp(millis: last.updatedAt).iso8601())
                    headers.add(name: "Link", value: "<\(base)\(path)/threads?until=\(until)>; rel=\"next\"")
                }
                return .json(.array(page.map { s.threadJSON($0) }), headers: headers)
            }
        }
        routes.get("/flows/{org}/{flow}/threads/{thread}") { [self] r in
            try withUser(r) { s, _, uid, _ in
                let flow = try s.flow(r.parameter("org"), r.parameter("flow"), for: .user(uid))
                guard let thread = s.threads[r.parameter("thread")], thread.flowID == flow.id else {
                    throw FlowdockError.notFound("Thread not found")
                }
                return .json(s.threadJSON(thread))
            }
        }
    }

    /// An ISO 8601 parameter as milliseconds; a validation error when it does not parse.
    static func time(_ input: Input, _ name: String) throws -> Int64? {
        guard let text = input.string(name), !text.isEmpty else { return nil }
        guard let t = Timestamp.parseISO8601(text) else {
            throw FlowdockError.validation(name, "is not a valid ISO 8601 time")
        }
        return t.millis
    }
}
