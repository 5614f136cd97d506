// SPDX-License-Identifier: Apache-2.0

/// Writes the Prometheus text exposition format, version 0.0.4 (`text/plain; version=0.0.4`): per family a
/// `# HELP` and a `# TYPE` line, then its samples, `name{label="value",…} value`. Label values escape `\`, `"`
/// and line feeds; HELP text escapes `\` and line feeds (the format's only escapes).
struct PrometheusText {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    enum Kind: String {
        case counter, gauge, histogram
    }

    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(16 * 1024) }

    /// Starts a family: its HELP and TYPE lines. Counter names end in `_total` (the convention parsers expect).
    mutating func family(_ name: String, _ kind: Kind, help: String) {
        append("# HELP \(name) ")
        for c in help.utf8 {
            switch c {
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            default: bytes.append(c)
            }
        }
        append("\n# TYPE \(name) \(kind.rawValue)\n")
    }

    /// One sample line.
    mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Double) {
        sampleName(name, labels)
        append(Self.format(value))
        bytes.append(0x0A)
    }

    mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Int) {
        sampleName(name, labels)
        append(String(value))
        bytes.append(0x0A)
    }

    /// A histogram's series: cumulative `_bucket{le=…}` lines up to `+Inf`, then `_sum` and `_count`.
    /// - Parameters:
    ///   - bounds: the buckets' upper bounds, ascending.
    ///   - counts: observations per bucket, not cumulative, one more than `bounds` (the last is +Inf).
    mutating func histogram(
        _ name: String,
        _ labels: [(String, String)],
        bounds: [Double],
        counts: [Int],
        sum: Double,
        count: Int
    ) {
        var cumulative = 0
        for (i, n) in counts.enumerated() {
            cumulative += n
            let le = i < bounds.count ? Self.format(bounds[i]) : "+Inf"
            sample(name + "_bucket", labels + [("le", le)], cumulative)
        }
        sample(name + "_sum", labels, sum)
        sample(name + "_count", labels, count)
    }

    private mutating func sampleName(_ name: String, _ labels: [(String, String)]) {
        append(name)
        if !labels.isEmpty {
            bytes.append(UInt8(ascii: "{"))
            for (i, (label, value)) in labels.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                append(label)
                append("=\"")
                for c in value.utf8 {
                    switch c {
                    case UInt8(ascii: "\\"): append("\\\\")
                    case UInt8(ascii: "\""): append("\\\"")
                    case 0x0A: append("\\n")
                    default: bytes.append(c)
                    }
                }
                bytes.append(UInt8(ascii: "\""))
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: " "))
    }

    private mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// A float as the format wants it: `+Inf`, `-Inf`, `NaN`, integers without a fraction, else Swift's
    /// shortest round-tripping form (which Go's `ParseFloat` and Python's `float` read).
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
