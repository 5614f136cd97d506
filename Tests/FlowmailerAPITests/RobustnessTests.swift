// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import FlowmailerAPI

/// Bad input never yields a 500 (or a trap): every route gets garbage bodies, odd ranges and odd parameters.
@Suite struct RobustnessTests {
    static let paths = [
        "/545/messages", "/545/messages/submit", "/545/messages/simulate", "/545/messages/x", "/545/messages/x/archive",
        "/545/messages/x/resend", "/545/messages/x/resume", "/545/messages/x/error_archive",
        "/545/messages/x/archive/1/attachment/2", "/545/message_events", "/545/message_hold", "/545/message_hold/x",
        "/545/undeliveredmessages", "/545/recipient/a@b.c", "/545/recipient/a@b.c/messages",
        "/545/sender/a@b.c/messages",
        "/545/tag/t/messages", "/545/flows", "/545/flows/16801", "/545/flows/16801/rule", "/545/flows/16801/messages",
        "/545/flows/16801/stats", "/545/sources", "/545/sources/6953", "/545/sources/6953/messages",
        "/545/sources/6953/stats",
        "/545/sources/6953/users", "/545/sources/6953/users/7001", "/545/templates", "/545/templates/48681",
        "/545/sender_domains", "/545/sender_domains/1", "/545/sender_domains/validate",
        "/545/sender_domains/by_domain/x.com",
        "/545/event_flows", "/545/event_flows/1", "/545/event_flows/1/rule", "/545/event_flow_rules",
        "/545/event_flow_rules/hierarchy", "/545/flow_rules", "/545/flow_templates", "/545/filters", "/545/filters/1",
        "/545/api_credentials", "/545/api_credentials/7002", "/545/roles", "/545/users", "/545/messagestats",
    ]
    static let bodies = [
        "", "{", "[]", "null", "{\"description\":5,\"templateId\":[],\"roles\":{}}", "\u{0}\u{1}\u{ff}",
    ]
    static let matrix = [
        "", ";daterange=garbage", ";daterange=2021-12-31T00:00:00Z,2021-12-30T00:00:00Z",
        ";daterange=0000-01-01T00:00:00Z,9999-12-31T23:59:59Z;interval=1", ";interval=9223372036854775807;flow_ids=,,",
    ]
    static let queries = ["", "?addevents=maybe", "?sortorder=UP&sortfield=X", "?statistics=2&validate=x"]
    static let ranges = [
        "items=:1", "items=abc:5", "items=0-9223372036854775807", "items=9223372036854775806-9223372036854775807", "x",
    ]

    @Test func noServerErrors() throws {
        let h = try Harness()
        let token = try h.token()
        var count = 0
        for path in Self.paths {
            for method in [HTTPMethod.GET, .POST, .PUT, .DELETE] {
                for (i, body) in Self.bodies.enumerated() {
                    let m = Self.matrix[(i + count) % Self.matrix.count]
                    let q = Self.queries[(i + count) % Self.queries.count]
                    let range = Self.ranges[(i + count) % Self.ranges.count]
                    let r = h.api(
                        method,
                        path + m + q,
                        token: token,
                        headers: [("Range", range)],
                        body: body.isEmpty ? nil : body
                    )
                    #expect(r.status.code < 500, "\(method) \(path)\(m)\(q) \(body)")
                    #expect(r.body.isEmpty || (try? JSON.parse(r.body)) != nil, "\(method) \(path) body is not JSON")
                    count += 1
                }
            }
        }
        #expect(count == Self.paths.count * 4 * Self.bodies.count)
    }

    /// The account the auth middleware checks comes from the router's match: empty segments skipped, matrix
    /// parameters dropped, escapes decoded — and, for a path no route matches, from the longest prefix.
    @Test func accountOfTheRouteOrItsPrefix() throws {
        let h = try Harness()
        let token = try h.token()
        let body = #"{"messageType":"EMAIL","senderAddress":"a@example.com","recipientAddress":"b@example.com"}"#
        #expect(h.api(.POST, "//545;x=1/messages//%73ubmit?q=1", token: token, body: body).status == .created)
        #expect(h.api(.POST, "//546;x=1/messages//%73ubmit?q=1", token: token, body: body).status == .forbidden)
        #expect(h.api(.GET, "/546/no/such/route", token: token).status == .forbidden)
        #expect(h.api(.GET, "/545/no/such/route", token: token).status == .notFound)
        #expect(h.send(.GET, "/545/no/such/route").status == .unauthorized)
    }
}
