// SPDX-License-Identifier: Apache-2.0

/// Compact digit forms in UTC: `yyyyMMddHHmmss` (Flowmailer message ids, Postflare Message-IDs) and
/// `yyyyMMddHHmmssSSS` (Flowmailer page references).
extension Timestamp {
    /// `yyyyMMddHHmmss` in UTC.
    public func compact() -> String {
        let c = components
        return "\(pad(c.year, 4))\(pad(c.month, 2))\(pad(c.day, 2))\(pad(c.hour, 2))\(pad(c.minute, 2))"
            + pad(c.second, 2)
    }

    /// `yyyyMMddHHmmssSSS` in UTC.
    public func compactMillis() -> String {
        compact() + pad(components.millisecond, 3)
    }

    /// Writes the 17 digits of `compactMillis()` into `out` at `start`, without building a string, and
    /// returns false (writing nothing) for a year outside 0…9999, which has no four-digit form.
    public func writeCompactMillis(into out: UnsafeMutableBufferPointer<UInt8>, at start: Int) -> Bool {
        let c = components
        guard (0...9999).contains(c.year), out.count - start >= 17 else { return false }
        var n = start
        func digits(_ value: Int, _ width: Int) {
            var v = value
            for k in stride(from: n + width - 1, through: n, by: -1) {
                out[k] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
            n += width
        }
        digits(c.year, 4)
        digits(c.month, 2)
        digits(c.day, 2)
        digits(c.hour, 2)
        digits(c.minute, 2)
        digits(c.second, 2)
        digits(c.millisecond, 3)
        return true
    }

    /// Parses `yyyyMMddHHmmss` or `yyyyMMddHHmmssSSS` (UTC), with the field ranges of `parseISO8601`.
    public init?(compact digits: some Collection<UInt8>) {
        guard digits.count == 14 || digits.count == 17 else { return nil }
        var fields: [Int] = []
        fields.reserveCapacity(7)
        var i = digits.startIndex
        for width in [4, 2, 2, 2, 2, 2, 3] where fields.count < (digits.count == 17 ? 7 : 6) {
            var v = 0
            for _ in 0..<width {
                let c = digits[i]
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                v = v * 10 + Int(c - UInt8(ascii: "0"))
                i = digits.index(after: i)
            }
            fields.append(v)
        }
        guard (1...12).contains(fields[1]), (1...31).contains(fields[2]), fields[3] < 24, fields[4] < 60,
            fields[5] < 61
        else { return nil }
        self.init(
            year: fields[0],
            month: fields[1],
            day: fields[2],
            hour: fields[3],
            minute: fields[4],
            second: fields[5],
            millisecond: fields.count == 7 ? fields[6] : 0
        )
    }
}
