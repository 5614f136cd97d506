// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import MailDoubleTesting
import Testing

@testable import PostflareAPI

@Suite struct RateLimitTests {
    @Test(arguments: TestMode.allCases)
    func headersOnEveryResponseAnd429(_ mode: TestMode) throws {
        try Harness.with(mode, options: .init(rateLimitPerSecond: 2)) { h in
            let a = h.call(.GET, "/domains")
            #expect(a.headers["ratelimit-limit"] == "2")
            #expect(a.headers["ratelimit-remaining"] == "1")
            #expect(a.headers["ratelimit-reset"] == "1")
            #expect(a.headers["ratelimit-policy"] == "2;w=1")
            // Errors carry the headers too, and the limit is per team across its keys.
            let b = h.call(.GET, "/emails/nope", key: fullKey)
            #expect(b.status == 422)
            #expect(b.headers["ratelimit-remaining"] == "0")
            let c = h.call(.POST, "/emails", Harness.email(), key: sendKey)
            expectError(c, 429, "rate_limit_exceeded")
            #expect(c.headers["retry-after"] == "1")
            #expect(c.json["message"] == "Too many requests. You can only make 2 requests per second.")
            h.clock.advance(bySeconds: 1)
            #expect(h.call(.GET, "/domains").status == 200)
        }
    }

    @Test func zeroTurnsItOff() throws {
        let h = try Harness(options: .init(rateLimitPerSecond: 0))
        for _ in 0..<30 { #expect(h.call(.GET, "/domains").status == 200) }
        #expect(h.call(.GET, "/domains").headers["ratelimit-limit"] == nil)
    }

    @Test func defaultIsTenPerSecond() throws {
        let h = try Harness(options: .init())
        for _ in 0..<10 { #expect(h.call(.GET, "/domains").status == 200) }
        expectError(h.call(.GET, "/domains"), 429, "rate_limit_exceeded")
    }
}
