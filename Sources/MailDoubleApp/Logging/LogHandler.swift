// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Glibc
import HTTPCore
public import Logging

/// `--log-format`: `text` (one human line per record) or `json` (one JSON object per line, for a collector).
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

/// Where log lines go: standard error, or (tests) anything that takes bytes. One `write` per line, so lines
/// from several threads never interleave.
public final class LogSink: Sendable {
    private let writeLine: @Sendable ([UInt8]) -> Void

    public init(_ writeLine: @escaping @Sendable ([UInt8]) -> Void) { self.writeLine = writeLine }

    func write(_ line: [UInt8]) { writeLine(line) }

    public static let standardError = LogSink { line in
        line.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

/// swift-log's `LogHandler` for MailDouble: text or JSON lines with the real (wall-clock) time, the level,
/// the message and the record's metadata.
///
/// - text: `2026-12-02T19:31:26.123Z info GET /emails → 200 id=4f… vendor=postflare` (values with spaces or
///   quotes are quoted).
/// - json: `{"time":"…","level":"info","message":"…","id":"4f…",…}`; integer and floating-point metadata
///   (`.stringConvertible`) are JSON numbers, nested metadata objects and arrays.
public struct MailDoubleLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let format: LogFormat
    let sink: LogSink

    public init(format: LogFormat, level: Logger.Level, sink: LogSink = .standardError) {
        self.format = format
        self.logLevel = level
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let own = event.metadata { all.merge(own) { _, new in new } }
        sink.write(
            Self.render(level: event.level, message: event.message.description, metadata: all, format: format)
        )
    }

    /// One line (with its line feed). Metadata keys are written sorted, so lines are stable for tests and greps.
    static func render(
        level: Logger.Level,
        message: String,
        metadata: Logger.Metadata,
        format: LogFormat,
        time: Timestamp = Self.wallClock()
    ) -> [UInt8] {
        let keys = metadata.keys.sorted()
        switch format {
        case .text:
            var line = "\(time.iso8601()) \(level.rawValue) \(message)"
            for key in keys { line += " \(key)=\(textValue(metadata[key]!))" }
            return Array((line + "\n").utf8)
        case .json:
            var line = "{\"time\":\"\(time.iso8601())\",\"level\":\"\(level.rawValue)\",\"message\":"
            line += jsonString(message)
            for key in keys where !["time", "level", "message"].contains(key) {
                line += "," + jsonString(key) + ":" + jsonValue(metadata[key]!)
            }
            return Array((line + "}\n").utf8)
        }
    }

    static func wallClock() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(millis: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }

    private static func textValue(_ value: Logger.Metadata.Value) -> String {
        let s: String
        switch value {
        case .string(let v): s = v
        case .stringConvertible(let v): s = v.description
        case .array, .dictionary: return jsonValue(value)
        }
        let plain = !s.isEmpty && s.utf8AllSatisfy { $0 > 0x20 && $0 != UInt8(ascii: "\"") && $0 != 0x7F }
        return plain ? s : jsonString(s)
    }

    private static func jsonValue(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let v): return jsonString(v)
        case .stringConvertible(let v):
            switch v {
            case let i as Int: return String(i)
            case let i as Int64: return String(i)
            case let i as UInt64: return String(i)
            case let d as Double where d.isFinite: return "\(d)"
            case let b as Bool: return b ? "true" : "false"
            default: return jsonString(v.description)
            }
        case .array(let items): return "[" + items.map(jsonValue).joined(separator: ",") + "]"
        case .dictionary(let fields):
            let members = fields.keys.sorted().map { jsonString($0) + ":" + jsonValue(fields[$0]!) }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal (RFC 8259 §7): quotes, backslashes and control characters escaped.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension Logger {
    /// The emulator's logger: `MailDoubleLogHandler` with `format` and `level`, writing to `sink`. Made directly
    /// (not through `LoggingSystem.bootstrap`, which a process may do once), so every emulator a test starts
    /// has its own.
    public static func mailDouble(format: LogFormat, level: Logger.Level, sink: LogSink = .standardError) -> Logger {
        Logger(label: "maildouble") { _ in MailDoubleLogHandler(format: format, level: level, sink: sink) }
    }
}
