// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// Which optional blocks a message listing includes (`add*` query flags, spec §2.6).
struct MessageFlags: Sendable {
    var events = false
    var headers = false
    var onlineLink = false
    var tags = false

    init(events: Bool = false, headers: Bool = false, onlineLink: Bool = false, tags: Bool = false) {
        self.events = events
        self.headers = headers
        self.onlineLink = onlineLink
        self.tags = tags
    }

    init(_ request: Request) throws(HTTPError) {
        events = try QueryParams.bool(request, "addevents")
        headers = try QueryParams.bool(request, "addheaders")
        onlineLink = try QueryParams.bool(request, "addonlinelink")
        tags = try QueryParams.bool(request, "addtags")
    }
}

extension StoredMessage {
    /// The wire `Message` as of `now`, in the field order of the official example (spec §8.1). Nulls are
    /// written for the fields the example shows as null; the optional blocks only with their flag; `headersOut`,
    /// `onlineLink` and `messageDetailsLink` only once they exist (the example's ERROR message has none).
    func json(at now: Timestamp, flags: MessageFlags) -> JSON {
        let processed = isProcessed(at: now)
        var o = JSONObject([
            ("submitted", .string(submitted.iso8601())),
            ("id", .string(id)),
            ("transactionId", .string(transactionId)),
            ("messageIdHeader", .string(processed ? messageIdHeader : nil)),
            ("messageType", .string(messageType)),
            ("source", source.json),
            ("flow", flow.json),
            ("senderAddress", .string(senderAddress)),
            ("recipientAddress", .string(recipientAddress)),
            ("backendStart", .string(backendStart.flatMap { $0 <= now ? $0.iso8601() : nil })),
            ("backendDone", .string(backendDone.flatMap { $0 <= now ? $0.iso8601() : nil })),
        ])
        if flags.headers && messageType == "EMAIL" {
            let received = headersIn  // rebuilt for a submitted e-mail: once, for both lists
            o["headersIn"] = Self.headersJSON(received)
            if processed, let sent = headersOut(received: received) { o["headersOut"] = Self.headersJSON(sent) }
        }
        if flags.onlineLink, processed, let onlineLink { o["onlineLink"] = .string(onlineLink) }
        o["status"] = .string(status(at: now))
        o["subject"] = .string(subject)
        o["from"] = .string(from)
        // `tags` placement is not shown in any example (inferred: next to the other optional blocks).
        if flags.tags { o["tags"] = .array(tags.map { .string($0) }) }
        if flags.events { o["events"] = .array(visibleEvents(at: now).map { $0.json(messageId: id) }) }
        if processed, let messageDetailsLink { o["messageDetailsLink"] = .string(messageDetailsLink) }
        o["fromAddress"] = fromAddress?.json ?? .null
        o["toAddressList"] = .array(toAddressList.map(\.json))
        return .object(o)
    }

    static func headersJSON(_ headers: [(name: String, value: String)]) -> JSON {
        .array(headers.map { ["name": .string($0.name), "value": .string($0.value)] })
    }
}

/// Query-string and matrix parameter parsing shared by the handlers.
enum QueryParams {
    /// A boolean flag: `true|false|1|0|yes|no|on|off` (the PHP SDK sends `1`/`0`, spec §2.4); absent → false.
    static func bool(_ request: Request, _ name: String, default defaultValue: Bool = false) throws(HTTPError) -> Bool {
        guard let raw = request.query(name), !raw.isEmpty else { return defaultValue }
        switch raw.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default:
            throw FlowmailerError.badRequest(
                code: "typeMismatch",
                "Failed to convert value '\(raw)' of parameter \(name) to boolean",
                field: name,
                rejected: .string(raw)
            )
        }
    }

    /// A `;daterange=START,END` style matrix parameter (start inclusive, end exclusive), or nil when absent.
    static func dateRange(_ request: Request, _ name: String) throws(HTTPError) -> Range<Int64>? {
        guard let raw = request.matrixParameters[name], !raw.isEmpty else { return nil }
        let parts = raw.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Timestamp.parseISO8601(parts[0].trimmingSpaces()),
            let end = Timestamp.parseISO8601(parts[1].trimmingSpaces()), start.millis <= end.millis
        else {
            throw FlowmailerError.badRequest(
                code: "daterange.invalid",
                "Invalid \(name), expected yyyy-MM-dd'T'HH:mm:ssZ,yyyy-MM-dd'T'HH:mm:ssZ",
                field: name,
                rejected: .string(raw)
            )
        }
        return start.millis..<end.millis
    }

    /// A comma-separated id list matrix parameter (`;flow_ids=16801,16814`), nil when absent or empty.
    static func idList(_ request: Request, _ name: String) -> Set<String>? {
        guard let raw = request.matrixParameters[name], !raw.isEmpty else { return nil }
        return Set(raw.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty })
    }

    /// `sortorder`: `ASC` or `DESC` (case-insensitive), else `defaultDescending`.
    static func descending(_ request: Request, default defaultDescending: Bool) throws(HTTPError) -> Bool {
        guard let raw = request.query("sortorder"), !raw.isEmpty else { return defaultDescending }
        switch raw.uppercased() {
        case "ASC": return false
        case "DESC": return true
        default:
            throw FlowmailerError.badRequest(
                code: "typeMismatch",
                "sortorder must be ASC or DESC",
                field: "sortorder",
                rejected: .string(raw)
            )
        }
    }
}
