// SPDX-License-Identifier: Apache-2.0

/// RFC 3339 / ISO 8601 text: what JSON APIs send and accept.
extension Timestamp {
    /// `2021-12-30T13:03:11.000Z`; `fraction: 0` drops the fraction; `utcSuffix` may be `+00:00` or `+0000`.
    public func iso8601(fraction: Int = 3, utcSuffix: String = "Z") -> String {
        let c = components
        var s =
            "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T"
            + "\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))"
        if fraction > 0 {
            var frac = pad(c.millisecond, 3)
            while frac.count < fraction { frac += "0" }
            s += "." + frac.prefix(fraction)
        }
        return s + utcSuffix
    }

    /// Parses ISO 8601 date-times: `2021-12-30T00:00:00Z`, with optional fraction, with offsets `Z`, `+0000`,
    /// `+00:00`, `-05:30`, `+00`; a space instead of `T`; or a date alone (`2021-12-30`, midnight UTC).
    public static func parseISO8601(_ text: String) -> Timestamp? {
        let b = Array(text.utf8)
        var i = 0
        func num(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: Character) -> Bool {
            guard i < b.count, b[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = num(4), expect("-"), let month = num(2), expect("-"), let day = num(2) else { return nil }
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        var millis = 0
        var offsetMinutes = 0
        if i < b.count {
            guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == UInt8(ascii: " ") else {
                return nil
            }
            i += 1
            guard let h = num(2), expect(":"), let m = num(2) else { return nil }
            hour = h
            minute = m
            if expect(":") {
                guard let s = num(2) else { return nil }
                second = s
                if expect(".") || expect(",") {
                    var digits = 0
                    var frac = 0
                    while i < b.count, b[i] >= 48, b[i] <= 57 {
                        if digits < 3 { frac = frac * 10 + Int(b[i] - 48) }
                        digits += 1
                        i += 1
                    }
                    guard digits > 0 else { return nil }
                    for _ in digits..<max(digits, 3) { frac *= 10 }
                    millis = frac
                }
            }
            guard hour < 24, minute < 60, second < 61 else { return nil }
            if i < b.count {
                if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
                    i += 1
                } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                    let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                    i += 1
                    guard let oh = num(2) else { return nil }
                    var om = 0
                    if expect(":") {
                        guard let v = num(2) else { return nil }
                        om = v
                    } else if i < b.count {
                        guard let v = num(2) else { return nil }
                        om = v
                    }
                    offsetMinutes = sign * (oh * 60 + om)
                } else {
                    return nil
                }
            }
        }
        guard i == b.count else { return nil }
        let local = Timestamp(
            year: year,
            month: month,
            day: day,
            hour: hour,
            minute: minute,
            second: second,
            millisecond: millis
        )
        return local.adding(millis: -Int64(offsetMinutes) * 60_000)
    }
}
