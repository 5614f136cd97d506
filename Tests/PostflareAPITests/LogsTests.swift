// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@testable import PostflareAPI

@Suite struct LogsTests {
    @Test func requestsAreLogged() throws {
        let h = try Harness()
        _ = h.call(.POST, "/emails", Harness.email(), headers: [("User-Agent", "resend-python:2.39.0")])
        _ = h.call(.GET, "/emails/nope")
        let list = h.call(.GET, "/logs")
        #expect(list.json["data"]?.arrayValue?.count == 2)
        #expect(list.json["data"]?[0]?["response_status"] == 422)
        let id = try #require(list.json["data"]?[1]?["id"]?.stringValue)
        let log = h.call(.GET, "/logs/\(id)")
        #expect(log.json["object"] == "log")
        #expect(log.json["method"] == "POST")
        #expect(log.json["endpoint"] == "/emails")
        #expect(log.json["user_agent"] == "resend-python:2.39.0")
        #expect(log.json["request_body"]?["subject"] == "Hello")
        #expect(log.json["response_body"]?["id"] != nil)
        expectError(h.call(.GET, "/logs/\(segmentId)"), 404, "not_found")
        expectError(h.call(.GET, "/logs/x"), 422, "invalid_parameter")
    }
}
