// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// Which timestamp text each field uses (spec §1): Postgres text for most resources, ISO with `+00:00` for
/// e-mails. The formats themselves are `Timestamp`'s (EmulatorKit).
enum Time {
    static func pg(_ millis: Int64) -> JSON { .string(Timestamp(millis: millis).postgres()) }
    static func pg(_ millis: Int64?) -> JSON { millis.map { pg($0) } ?? .null }
    static func email(_ millis: Int64) -> JSON {
        .string(Timestamp(millis: millis).iso8601(fraction: 6, utcSuffix: "+00:00"))
    }
    static func email(_ millis: Int64?) -> JSON { millis.map { email($0) } ?? .null }
    static func iso(_ millis: Int64) -> JSON { .string(Timestamp(millis: millis).iso8601()) }
}
