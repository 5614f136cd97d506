// SPDX-License-Identifier: Apache-2.0

extension Timestamp {
    /// Postgres `timestamptz` text as Resend returns it: `2023-04-03 22:13:42.674981+00`.
    public func postgres() -> String {
        let c = components
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2)) "
            + "\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)).\(pad(c.millisecond, 3))000+00"
    }
}
