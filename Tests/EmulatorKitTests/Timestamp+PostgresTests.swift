// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Testing

@Suite struct TimestampPostgresTests {
    @Test func formatsMicrosecondTextInUTC() {
        #expect(Timestamp(millis: 1_680_560_022_674).postgres() == "2023-04-03 22:13:42.674000+00")
        #expect(Timestamp(millis: 0).postgres() == "1970-01-01 00:00:00.000000+00")
        #expect(Timestamp(millis: -1).postgres() == "1969-12-31 23:59:59.999000+00")
    }

    @Test func roundTripsThroughTheParser() {
        for millis: Int64 in [0, 1, 951_782_400_007, 1_767_268_800_123, 4_102_444_799_999] {
            let t = Timestamp(millis: millis)
            #expect(Timestamp.parseISO8601(t.postgres()) == t)
        }
    }
}
