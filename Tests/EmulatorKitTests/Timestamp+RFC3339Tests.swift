// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Testing

@Suite struct TimestampRFC3339Tests {
    @Test func roundTripsEveryFractionAndSuffix() {
        for millis: Int64 in [0, -1, 951_782_400_007, 1_640_869_391_123, 253_402_300_799_999] {
            let t = Timestamp(millis: millis)
            #expect(Timestamp.parseISO8601(t.iso8601()) == t)
            #expect(Timestamp.parseISO8601(t.iso8601(fraction: 6, utcSuffix: "+00:00")) == t)
            #expect(Timestamp.parseISO8601(t.iso8601(fraction: 0))?.millis == t.seconds * 1000)
        }
    }

    @Test func pads6DigitFractions() {
        #expect(Timestamp(millis: 5).iso8601(fraction: 6, utcSuffix: "+00:00") == "1970-01-01T00:00:00.005000+00:00")
    }

    @Test func appliesOffsetsAcrossADayBoundary() {
        #expect(Timestamp.parseISO8601("2024-01-01T00:30:00+01:00")?.iso8601() == "2023-12-31T23:30:00.000Z")
        #expect(Timestamp.parseISO8601("2023-12-31T23:30:00-01:00")?.iso8601() == "2024-01-01T00:30:00.000Z")
    }
}
