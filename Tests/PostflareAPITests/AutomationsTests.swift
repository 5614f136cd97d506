// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import PostflareAPI

@Suite struct AutomationsTests {
    static let welcomeFlow: JSON = [
        "name": "Welcome", "status": "enabled",
        "steps": [
            ["key": "start", "type": "trigger", "config": ["event_name": "user.signed_up"]],
            ["key": "wait", "type": "delay", "config": ["duration": "1 hour"]],
            [
                "key": "check", "type": "condition",
                "config": ["type": "rule", "field": "first_name", "operator": "exists"],
            ],
            [
                "key": "mail", "type": "send_email",
                "config": ["template": ["id": "welcome", "variables": ["NAME": "friend"]]],
            ],
            ["key": "tag", "type": "add_to_segment", "config": ["segment_id": .string(segmentId)]],
        ],
        "connections": [
            ["from": "start", "to": "wait"], ["from": "wait", "to": "check"],
            ["from": "check", "to": "mail", "type": "condition_met"],
            ["from": "check", "to": "tag", "type": "condition_not_met"],
        ],
    ]

    @Test func eventStartsARunThatFollowsTheClock() throws {
        let h = try Harness()
        let id = try #require(h.call(.POST, "/automations", Self.welcomeFlow).id)
        #expect(h.call(.POST, "/events", ["name": "user.signed_up"]).status == 201)
        #expect(
            h.call(
                .POST,
                "/events/send",
                ["event": "user.signed_up", "contact_id": "e169aa45-1ecf-4183-9955-b1499d5701d3"]
            ).status == 202
        )
        var runs = h.call(.GET, "/automations/\(id)/runs")
        let runId = try #require(runs.json["data"]?[0]?["id"]?.stringValue)
        #expect(runs.json["data"]?[0]?["status"] == "running")
        #expect(h.call(.GET, "/emails").json["data"] == [])
        h.clock.advance(bySeconds: 3600)
        runs = h.call(.GET, "/automations/\(id)/runs")
        #expect(runs.json["data"]?[0]?["status"] == "completed")
        let run = h.call(.GET, "/automations/\(id)/runs/\(runId)")
        #expect(
            run.json["steps"]?.arrayValue?.map { $0["key"]?.stringValue ?? "" } == ["start", "wait", "check", "mail"]
        )
        let emails = h.call(.GET, "/emails").json["data"]?.arrayValue ?? []
        #expect(emails.count == 1)
        #expect(emails.first?["subject"] == "Welcome, friend!")
    }

    @Test func crudDuplicateStop() throws {
        let h = try Harness()
        let id = try #require(h.call(.POST, "/automations", Self.welcomeFlow).id)
        #expect(h.call(.GET, "/automations/\(id)").json["steps"]?.arrayValue?.count == 5)
        let dup = h.call(.POST, "/automations/\(id)/duplicate")
        #expect(dup.status == 201)
        #expect(h.call(.GET, "/automations?status=disabled").json["data"]?.arrayValue?.count == 1)
        #expect(h.call(.PATCH, "/automations/\(id)", ["name": "Hello"]).status == 200)
        #expect(h.call(.POST, "/automations/\(id)/stop").json["status"] == "disabled")
        #expect(h.call(.DELETE, "/automations/\(id)").json["deleted"] == true)
        expectError(h.call(.GET, "/automations/\(id)"), 404, "not_found")
    }

    @Test func validation() throws {
        let h = try Harness()
        expectError(h.call(.POST, "/automations", ["name": "x", "connections": []]), 422, "missing_required_field")
        expectError(
            h.call(
                .POST,
                "/automations",
                ["name": "x", "steps": [["key": "a", "type": "delay", "config": [:]]], "connections": []]
            ),
            422,
            "validation_error"
        )
        expectError(
            h.call(
                .POST,
                "/automations",
                [
                    "name": "x", "steps": [["key": "a", "type": "trigger", "config": ["event_name": "e"]]],
                    "connections": [["from": "a", "to": "zz"]],
                ]
            ),
            422,
            "validation_error"
        )
    }
}
