// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import PostflareAPI

/// `--max-messages` per team: the oldest e-mails are dropped and counted.
@Suite struct EmailCapTests {
    @Test func theOldestEmailsOfATeamAreDroppedBeyondTheCap() throws {
        var options = PostflareAPI.Options(rateLimitPerSecond: 0)
        options.maxEmailsPerTeam = 2
        let h = try Harness(options: options)
        let before = h.api.evictedMessages
        var ids: [String] = []
        for i in 0..<3 {
            let r = h.call(
                .POST,
                "/emails",
                ["from": "a@example.org", "to": "b@example.org", "subject": .string("s\(i)"), "text": "t"]
            )
            #expect(r.status == 200)
            ids.append(r.id ?? "")
        }
        #expect(h.call(.GET, "/emails/\(ids[0])").status == 404)
        #expect(h.call(.GET, "/emails/\(ids[1])").status == 200)
        #expect(h.call(.GET, "/emails/\(ids[2])").status == 200)
        #expect(h.call(.GET, "/emails").json["data"]?.arrayValue?.count == 2)
        #expect(h.api.evictedMessages >= before + 1)
    }
}
