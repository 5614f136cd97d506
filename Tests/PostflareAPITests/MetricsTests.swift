// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import PostflareAPI

@Suite struct MetricsTests {
    @Test func countsFollowTheEmailsLife() throws {
        let h = try Harness()
        _ = h.call(.POST, "/emails", Harness.email())
        _ = h.call(.POST, "/emails", Harness.email(to: "bounced@resend.dev"))
        h.clock.advance(bySeconds: 10)
        let r = h.call(.GET, "/emails/metrics?metrics=sent,delivered,bounced,delivery_rate&dimensions=period")
        #expect(r.status == 200)
        #expect(r.json["object"] == "metrics")
        #expect(r.json["totals"]?["sent"] == 2)
        #expect(r.json["totals"]?["delivered"] == 1)
        #expect(r.json["totals"]?["bounced"] == 1)
        #expect(r.json["totals"]?["delivery_rate"]?.doubleValue == 0.5)
        #expect(r.json["data"]?.arrayValue?.count == 1)
        expectError(h.call(.GET, "/emails/metrics?metrics=nope"), 422, "validation_error")
        expectError(h.call(.GET, "/emails/metrics?granularity=yearly"), 422, "validation_error")
    }
}
