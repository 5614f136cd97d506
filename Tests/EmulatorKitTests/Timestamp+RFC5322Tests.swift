// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Testing

@Suite struct TimestampRFC5322Tests {
    private func at(_ iso: String) throws -> Timestamp { try #require(Timestamp.parseISO8601(iso)) }

    @Test func formatsUTC() throws {
        #expect(try at("2021-12-30T13:04:08Z").rfc5322() == "Thu, 30 Dec 2021 13:04:08 +0000")
        #expect(try at("1969-12-31T23:59:59.999Z").rfc5322() == "Wed, 31 Dec 1969 23:59:59 +0000")
    }

    @Test func formatsAmsterdamWinterAndSummer() throws {
        #expect(try at("2021-12-30T13:04:08Z").rfc5322Amsterdam() == "Thu, 30 Dec 2021 14:04:08 +0100 (CET)")
        #expect(try at("2024-07-01T10:00:00Z").rfc5322Amsterdam() == "Mon, 01 Jul 2024 12:00:00 +0200 (CEST)")
        // The local date moves on before the UTC one.
        #expect(try at("2023-12-31T23:30:00Z").rfc5322Amsterdam() == "Mon, 01 Jan 2024 00:30:00 +0100 (CET)")
    }

    /// 2024: summer time from Sunday 31 March 01:00 UTC to Sunday 27 October 01:00 UTC.
    @Test(arguments: [
        ("2024-03-31T00:59:59Z", "Sun, 31 Mar 2024 01:59:59 +0100 (CET)"),
        ("2024-03-31T01:00:00Z", "Sun, 31 Mar 2024 03:00:00 +0200 (CEST)"),
        ("2024-10-27T00:59:59Z", "Sun, 27 Oct 2024 02:59:59 +0200 (CEST)"),
        ("2024-10-27T01:00:00Z", "Sun, 27 Oct 2024 02:00:00 +0100 (CET)"),
        ("2025-03-30T01:00:00Z", "Sun, 30 Mar 2025 03:00:00 +0200 (CEST)"),
        ("2026-10-25T00:59:59Z", "Sun, 25 Oct 2026 02:59:59 +0200 (CEST)"),
    ])
    func switchesAtTheEUTransitions(_ iso: String, _ expected: String) throws {
        #expect(try at(iso).rfc5322Amsterdam() == expected)
    }

    @Test func cachedTextFollowsTheSecond() throws {
        let a = try at("2024-03-31T00:59:59.100Z")
        let b = try at("2024-03-31T00:59:59.900Z")
        #expect(a.rfc5322Amsterdam() == b.rfc5322Amsterdam())
        #expect(b.adding(millis: 100).rfc5322Amsterdam() == "Sun, 31 Mar 2024 03:00:00 +0200 (CEST)")
    }
}
