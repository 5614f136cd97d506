// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

/// Bad input of every kind gets a 4xx in Flowdock's format, never a 500.
@Suite struct RobustnessTests {
    static let targets: [(HTTPMethod, String)] = [
        (.POST, "/messages"), (.POST, "/comments"), (.POST, "/flows/acme/my-flow/messages"),
        (.POST, "/flows/acme/my-flow/messages/3/comments"), (.POST, "/flows/acme/my-flow/threads/x/messages"),
        (.PUT, "/flows/acme/my-flow/messages/1"), (.PATCH, "/flows/acme/my-flow"), (.POST, "/flows/acme"),
        (.POST, "/flows/acme/my-flow/users"), (.PUT, "/flows/acme/my-flow/users/2"), (.PUT, "/users/1"),
        (.PUT, "/organizations/acme"), (.PUT, "/private/2"), (.POST, "/private/2/messages"),
        (.POST, "/flows/acme/my-flow/sources"), (.PUT, "/flows/acme/my-flow/sources/1"), (.PUT, "/sources"),
        (.POST, "/flows/acme/my-flow/invitations"), (.POST, "/flows/acme/my-flow/invitations/import"),
        (.POST, "/v1/messages/chat/maildouble-push-token-my-flow"),
        (.POST, "/v1/messages/team_inbox/maildouble-push-token-my-flow"),
        (.GET, "/flows/acme/my-flow/messages?limit=x&since_id=%00&tags=,,,&search=%20"),
        (.GET, "/flows/acme/my-flow/threads?limit=-5&until=x"), (.GET, "/flows/find?id="),
        (.GET, "/files/1/x/y"), (.GET, "/private/abc/messages/zz"),
        (.DELETE, "/flows/acme/my-flow/messages/99999999999999999999"),
    ]

    static let bodies: [JSON] = [
        [:], ["event": 5, "content": ["a": 1]], ["event": "message", "content": [1, 2]],
        ["event": "comment", "message": "abc", "content": "x"], ["event": "file", "content": ["data": "%%%"]],
        ["event": "file", "content": "plain"], ["event": "activity", "title": ["x"], "author": "me", "thread": "t"],
        ["event": "message", "content": "x", "tags": 7],
        [
            "event": "message", "content": "x", "thread_id": 5,
            "thread": ["status": "red"],
        ],
        ["name": 1, "open": "maybe", "disabled": [], "access_mode": nil, "id": "x", "email": 3, "list": ",,,"],
        ["flow": 12, "flow_token": ["x"], "uuid": 1.5, "external_user_name": ""],
    ]

    @Test func noServerErrors() throws {
        let c = try Client()
        for (method, target) in Self.targets {
            for body in Self.bodies {
                let r = c.send(method, target, json: body)
                #expect(r.status < 500, "\(method) \(target) \(body.text) → \(r.status)")
                if r.status >= 400 { #expect(r.json["message"]?.stringValue != nil, "\(method) \(target)") }
            }
            let form = c.send(method, target, form: "a[b][=1&[]=2&tags[]=x&thread[status]=&%zz=%")
            #expect(form.status < 500)
        }
    }
}
