// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2021-12-30T00:00:00Z", Int64(1_640_822_400_000)),
        ("2021-12-30T00:00:00.000Z", 1_640_822_400_000),
        ("2021-12-30T01:00:00+01:00", 1_640_822_400_000),
        ("2021-12-30T01:00:00+0100", 1_640_822_400_000),
        ("2021-12-29T19:00:00-05:00", 1_640_822_400_000),
        ("2021-12-30T00:00:00.5Z", 1_640_822_400_500),
        ("2021-12-30 00:00:00.123456+00", 1_640_822_400_123),
        ("2021-12-30", 1_640_822_400_000),
        ("1970-01-01T00:00:00Z", 0),
        ("2024-02-29T12:00:00Z", 1_709_208_000_000),
    ])
    func parsesISO8601Variants(_ text: String, _ millis: Int64) {
        #expect(Timestamp.parseISO8601(text)?.millis == millis)
    }

    @Test(arguments: [
        "", "2021-13-01", "2021-12-30T25:00:00Z", "2021-12-30T00:00:00Q", "yesterday", "2021-12-30T00:00:00Z junk",
    ])
    func rejectsMalformed(_ text: String) {
        #expect(Timestamp.parseISO8601(text) == nil)
    }

    @Test func formatsTheWaysVendorsDo() {
        let t = Timestamp(millis: 1_640_869_391_123)  // 2021-12-30T13:03:11.123Z
        #expect(t.iso8601() == "2021-12-30T13:03:11.123Z")
        #expect(t.iso8601(fraction: 0) == "2021-12-30T13:03:11Z")
        #expect(t.iso8601(utcSuffix: "+00:00") == "2021-12-30T13:03:11.123+00:00")
        #expect(t.postgres() == "2021-12-30 13:03:11.123000+00")
        #expect(t.compact() == "20211230130311")
    }

    @Test func formatsDatesBeforeTheEpoch() {
        #expect(Timestamp(millis: -1000).iso8601(fraction: 0) == "1969-12-31T23:59:59Z")
    }
}
