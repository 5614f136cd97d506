// SPDX-License-Identifier: Apache-2.0
import Glibc

/// Byte predicates for the RFC 9110/9112 grammar. Sets are 128-bit masks held in integer literals, so a test
/// is two shifts and an AND with no table load and no lazy global initialisation in the scanning loops.
enum ByteClass {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let sp: UInt8 = 0x20
    static let htab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A

    // tchar (RFC 9110 §5.6.2): "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|"
    // / "~" / DIGIT / ALPHA.
    private static let tcharLow: UInt64 = 0x03FF_6CFA_0000_0000
    private static let tcharHigh: UInt64 = 0x57FF_FFFF_C7FF_FFFE
    // Host (RFC 3986 §3.2.2): reg-name / IP-literal / IPv4 with port: unreserved, sub-delims, "%", ":", "[", "]".
    private static let hostLow: UInt64 = 0x2FFF_7FF2_0000_0000
    private static let hostHigh: UInt64 = 0x47FF_FFFE_AFFF_FFFE

    @inline(__always)
    private static func member(_ b: UInt8, _ low: UInt64, _ high: UInt64) -> Bool {
        if b < 64 { return (low &>> UInt64(b)) & 1 != 0 }
        if b < 128 { return (high &>> UInt64(b &- 64)) & 1 != 0 }
        return false
    }

    /// A token character (method, header name, transfer coding).
    @inline(__always) static func isToken(_ b: UInt8) -> Bool { member(b, tcharLow, tcharHigh) }

    /// A character allowed in a Host value or an absolute-form authority.
    @inline(__always) static func isHost(_ b: UInt8) -> Bool { member(b, hostLow, hostHigh) }

    /// field-vchar / SP / HTAB / obs-text (RFC 9110 §5.5): anything but the controls (NUL, CR, LF…) and DEL.
    @inline(__always) static func isFieldValue(_ b: UInt8) -> Bool { (b >= 0x20 && b != 0x7F) || b == htab }

    /// A request-target character: VCHAR. RFC 3986 characters are a subset; the router validates further.
    @inline(__always) static func isTarget(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7F }

    @inline(__always) static func isOWS(_ b: UInt8) -> Bool { b == sp || b == htab }

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }

    /// The hexadecimal value of `b`, or -1.
    @inline(__always) static func hexValue(_ b: UInt8) -> Int {
        switch b {
        case 0x30...0x39: Int(b &- 0x30)
        case 0x41...0x46: Int(b &- 0x41 &+ 10)
        case 0x61...0x66: Int(b &- 0x61 &+ 10)
        default: -1
        }
    }
}

/// Helpers over a buffer's bytes. They take absolute indices so callers never slice, copy or allocate.
extension UnsafeBufferPointer where Element == UInt8 {
    /// The index of the first LF in `from..<to`, or nil. glibc's memchr is vectorised, which beats a Swift loop
    /// on typical 20–100 byte header lines.
    @inline(__always)
    func indexOfLF(from: Int, to: Int) -> Int? {
        guard from < to, let base = baseAddress else { return nil }
        guard let hit = memchr(base + from, Int32(ByteClass.lf), to - from) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// True when `start..<end` equals `lowercased` ignoring ASCII case (`lowercased` must be lower-case ASCII).
    @inline(__always)
    func equalsIgnoringCase(_ start: Int, _ end: Int, _ lowercased: StaticString) -> Bool {
        guard end - start == lowercased.utf8CodeUnitCount else { return false }
        let p = lowercased.utf8Start
        for i in 0..<(end - start) where ByteClass.lower(self[start + i]) != p[i] { return false }
        return true
    }

    /// The bytes `start..<end` as a String. Header values may carry obs-text (RFC 9110 §5.5); such bytes are
    /// repaired as UTF-8 rather than rejected.
    @inline(__always)
    func string(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: self[start..<end]), as: UTF8.self)
    }

    /// `start..<end` without leading and trailing OWS.
    @inline(__always)
    func trimmingOWS(_ start: Int, _ end: Int) -> (Int, Int) {
        var s = start
        var e = end
        while s < e, ByteClass.isOWS(self[s]) { s += 1 }
        while e > s, ByteClass.isOWS(self[e - 1]) { e -= 1 }
        return (s, e)
    }

    /// Calls `body` with each non-empty element of the comma-separated list in `start..<end` (RFC 9110 §5.6.1),
    /// trimmed of OWS. Stops early when `body` returns false.
    @inline(__always)
    func forEachListElement(_ start: Int, _ end: Int, _ body: (Int, Int) -> Bool) {
        var s = start
        while s < end {
            var e = s
            while e < end, self[e] != 0x2C { e += 1 }
            let (a, b) = trimmingOWS(s, e)
            if a < b, !body(a, b) { return }
            s = e + 1
        }
    }
}
