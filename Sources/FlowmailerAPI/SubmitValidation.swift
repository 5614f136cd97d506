// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// A validated `SubmitMessage` (spec §6) ready to be stored.
struct SubmitRequest: Sendable {
    var messageType: String
    var senderAddress: String
    var recipientAddress: String
    var subject: String?
    var text: String?
    var html: String?
    var headerFromAddress: String?
    var headerFromName: String?
    var headerToAddress: String?
    var headerToName: String?
    var headers: [(name: String, value: String)] = []
    var flowSelector: String?
    var tags: [String] = []
    var data: JSON?
    var attachments: [JSON] = []
    var mimedata: [UInt8]?
    var scheduleAt: Timestamp?
}

/// Validates a submit body and collects every problem at once, as Spring's `BindingResult` does
/// (`allErrors`, objectName `restSubmitMessage`, spec §4.1). Codes other than `message.toobig` are not
/// published; the Spring/Bean-Validation defaults (`NotNull`, `typeMismatch`, …) are used (inferred).
struct SubmitValidator {
    static let objectName = "restSubmitMessage"
    /// `message.toobig` limit: "Message too big 10658211 > 10485760" (spec §4.1).
    static let maxMessageSize = 10_485_760
    static let messageTypes: Set<String> = ["EMAIL", "SMS", "LETTER"]
    static let dispositions: Set<String> = ["attachment", "inline", "related"]
    static let notificationTypes: Set<String> = ["NONE", "FAILURE", "DELIVERY_AND_FAILURE"]

    private var errors: [FieldError] = []

    static func validate(body: [UInt8]) throws(HTTPError) -> SubmitRequest {
        // The size check comes first: the body size is what the MIME message will roughly weigh (attachments and
        // mimedata are base64 both in the body and in MIME).
        if body.count > maxMessageSize {
            throw FlowmailerError.badRequest([
                FieldError(
                    code: "message.toobig",
                    defaultMessage: "Message too big \(body.count) > \(maxMessageSize)",
                    objectName: objectName
                )
            ])
        }
        let json: JSON
        do { json = try JSON.parse(body) } catch {
            throw FlowmailerError.badRequest(code: "message.unreadable", "Could not read JSON: \(error.description)")
        }
        guard let object = json.objectValue else {
            throw FlowmailerError.badRequest(
                code: "message.unreadable",
                "Could not read JSON: expected an object, got \(json.typeName)"
            )
        }
        var v = SubmitValidator()
        let result = v.check(object)
        if !v.errors.isEmpty { throw FlowmailerError.badRequest(v.errors) }
        return result
    }

    private mutating func fail(_ field: String, _ code: String, _ message: String, _ value: JSON?) {
        errors.append(
            FieldError(
                code: code,
                defaultMessage: message,
                field: field,
                objectName: Self.objectName,
                rejectedValue: value ?? .null
            )
        )
    }

    /// A string field: absent or null → nil; any other type → `typeMismatch`.
    private mutating func string(_ o: JSONObject, _ field: String, required: Bool = false) -> String? {
        switch o[field] {
        case .string(let s)?:
            if required && s.isBlank { fail(field, "NotEmpty", "may not be empty", .string(s)) }
            return s
        case nil, .null?:
            if required { fail(field, "NotNull", "may not be null", .null) }
            return nil
        case let other?:
            fail(field, "typeMismatch", "Failed to convert value of type \(other.typeName) to String", other)
            return nil
        }
    }

    private mutating func check(_ o: JSONObject) -> SubmitRequest {
        let type = string(o, "messageType", required: true)
        if let type, !type.isEmpty, !Self.messageTypes.contains(type) {
            fail("messageType", "typeMismatch", "messageType must be one of EMAIL, SMS, LETTER", .string(type))
        }
        // An unknown type is reported once; addresses are then checked as email, the SDK's default type.
        let messageType = type.flatMap { Self.messageTypes.contains($0) ? $0 : nil } ?? "EMAIL"
        let sender = string(o, "senderAddress", required: true)
        let recipient = string(o, "recipientAddress", required: true)
        for (field, value) in [("senderAddress", sender), ("recipientAddress", recipient)] {
            guard let value, !value.isBlank else { continue }
            switch messageType {
            case "EMAIL" where !AddressSyntax.isEmail(value):
                // "For email messages this cannot contain a display name." (SubmitMessage docblock)
                fail(field, "address.invalid", "Invalid email address: \(value)", .string(value))
            case "SMS"
            where !AddressSyntax.isPhone(value) && !(field == "senderAddress" && AddressSyntax.isSMSSender(value)):
                fail(field, "address.invalid", "Invalid phone number: \(value)", .string(value))
            default: break
            }
        }
        var r = SubmitRequest(messageType: messageType, senderAddress: sender ?? "", recipientAddress: recipient ?? "")
        r.subject = string(o, "subject")
        r.text = string(o, "text")
        r.html = string(o, "html")
        r.flowSelector = string(o, "flowSelector")
        r.headerFromName = string(o, "headerFromName")
        r.headerToName = string(o, "headerToName")
        r.headerFromAddress = string(o, "headerFromAddress")
        r.headerToAddress = string(o, "headerToAddress")
        for field in ["headerFromAddress", "headerToAddress"] {
            if let value = o[field]?.stringValue, !value.isEmpty, !AddressSyntax.isEmail(value) {
                fail(field, "address.invalid", "Invalid email address: \(value)", .string(value))
            }
        }
        if let scheduleAt = string(o, "scheduleAt"), !scheduleAt.isEmpty {
            // The Go client sends "0001-01-01T00:00:00Z" and is accepted: any parseable date passes (spec §6).
            if let t = Timestamp.parseISO8601(scheduleAt) {
                r.scheduleAt = t
            } else {
                fail("scheduleAt", "typeMismatch", "Invalid date: \(scheduleAt)", .string(scheduleAt))
            }
        }
        if let dnt = string(o, "deliveryNotificationType"), !Self.notificationTypes.contains(dnt) {
            fail(
                "deliveryNotificationType",
                "typeMismatch",
                "deliveryNotificationType must be NONE, FAILURE or DELIVERY_AND_FAILURE",
                .string(dnt)
            )
        }
        switch o["data"] {
        case nil, .null?: break
        case .object?: r.data = o["data"]
        case let other?: fail("data", "typeMismatch", "data must be an object", other)
        }
        switch o["tags"] {
        case nil, .null?: break
        case .array(let items)?:
            for (i, t) in items.enumerated() {
                if let s = t.stringValue {
                    r.tags.append(s)
                } else {
                    fail("tags[\(i)]", "typeMismatch", "tags must be strings", t)
                }
            }
        case let other?: fail("tags", "typeMismatch", "tags must be an array of strings", other)
        }
        checkHeaders(o["headers"], into: &r)
        checkAttachments(o["attachments"], into: &r)
        if let mime = string(o, "mimedata"), !mime.isEmpty {
            if let bytes = Base64.decode(mime) {
                r.mimedata = bytes
            } else {
                fail("mimedata", "base64.invalid", "mimedata is not valid base64", .string(String(mime.prefix(64))))
            }
        }
        return r
    }

    private mutating func checkHeaders(_ value: JSON?, into r: inout SubmitRequest) {
        switch value {
        case nil, .null?: break
        case .array(let items)?:
            for (i, h) in items.enumerated() {
                guard let name = h["name"]?.stringValue, !name.isEmpty else {
                    fail("headers[\(i)].name", "NotNull", "may not be null", h["name"] ?? .null)
                    continue
                }
                addHeader(name, h["value"]?.stringValue ?? "", at: i, into: &r)
            }
        case .object(let map)?:
            // The Elixir adapter sends a map instead of the documented array; tolerated (spec §6, inferred).
            for (i, (name, v)) in map.enumerated() { addHeader(name, v.stringValue ?? "", at: i, into: &r) }
        case let other?: fail("headers", "typeMismatch", "headers must be an array of {name, value}", other)
        }
    }

    /// A line break or control character would end the field in the stored MIME message and start another
    /// (a hidden `Bcc:`): refused as a Bean Validation `Pattern` error (inferred; Flowmailer publishes none).
    private mutating func addHeader(_ name: String, _ value: String, at i: Int, into r: inout SubmitRequest) {
        var valid = true
        if !MessageHeaderField.isValidName(name) {
            fail("headers[\(i)].name", "Pattern", "must be printable ASCII without spaces or ':'", .string(name))
            valid = false
        }
        if !MessageHeaderField.isValidValue(value) {
            fail("headers[\(i)].value", "Pattern", "must not contain line breaks or control characters", .string(value))
            valid = false
        }
        if valid { r.headers.append((name: name, value: value)) }
    }

    private mutating func checkAttachments(_ value: JSON?, into r: inout SubmitRequest) {
        switch value {
        case nil, .null?: break
        case .array(let items)?:
            for (i, a) in items.enumerated() {
                let path = "attachments[\(i)]"
                guard let o = a.objectValue else {
                    fail(path, "typeMismatch", "attachment must be an object", a)
                    continue
                }
                if (o["contentType"]?.stringValue ?? "").isEmpty {
                    fail("\(path).contentType", "NotNull", "may not be null", o["contentType"] ?? .null)
                }
                if let content = o["content"], !content.isNull {
                    if let s = content.stringValue {
                        if Base64.decode(s) == nil {
                            fail(
                                "\(path).content",
                                "base64.invalid",
                                "content is not valid base64",
                                .string(String(s.prefix(64)))
                            )
                        }
                    } else {
                        fail("\(path).content", "typeMismatch", "content must be a base64 string", content)
                    }
                }
                let disposition = o["disposition"]?.stringValue
                if let disposition, !Self.dispositions.contains(disposition) {
                    fail(
                        "\(path).disposition",
                        "typeMismatch",
                        "disposition must be attachment, inline or related",
                        .string(disposition)
                    )
                }
                if disposition == "related", (o["contentId"]?.stringValue ?? "").isEmpty {
                    fail("\(path).contentId", "NotNull", "contentId is required for disposition related", .null)
                }
                r.attachments.append(a)
            }
        case let other?: fail("attachments", "typeMismatch", "attachments must be an array", other)
        }
    }
}

/// Address syntax checks, deliberately simple: what matters is rejecting display names and obvious garbage.
enum AddressSyntax {
    /// `local@domain.tld` with no spaces, angle brackets or display name (RFC 5321 mailbox, simplified).
    static func isEmail(_ s: String) -> Bool {
        // Over the string's own bytes: copying them into an array first cost two allocations per address.
        var s = s
        return s.withUTF8 { u in
            guard u.count <= 254, let at = u.lastIndex(of: UInt8(ascii: "@")), at > 0, at < u.count - 1 else {
                return false
            }
            if u.contains(where: isForbiddenInAddress) { return false }
            if u[..<at].contains(UInt8(ascii: "@")) { return false }
            let domain = u[(at + 1)...]
            guard domain.contains(UInt8(ascii: ".")), domain.first != UInt8(ascii: "."),
                domain.last != UInt8(ascii: ".")
            else { return false }
            return !domain.contains(UInt8(ascii: "_"))
        }
    }

    /// Whitespace, controls and the specials that only appear around a display name or in a quoted/literal
    /// part. A switch rather than a `Set`: this runs on every byte of every submitted address.
    private static func isForbiddenInAddress(_ c: UInt8) -> Bool {
        switch c {
        case 0..<0x20, 0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\""), UInt8(ascii: "["), UInt8(ascii: "]"),
            UInt8(ascii: "\\"):
            return true
        default: return false
        }
    }

    /// An MSISDN: optional `+`, 6–15 digits (E.164).
    static func isPhone(_ s: String) -> Bool {
        let digits = s.hasPrefix("+") ? s.dropFirst() : Substring(s)
        return (6...15).contains(digits.count) && digits.utf8AllSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// An alphanumeric SMS originator (at most 11 characters, GSM 03.40).
    static func isSMSSender(_ s: String) -> Bool {
        (1...11).contains(s.count)
            && s.utf8AllSatisfy { ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 122) || $0 == 32 }
    }
}
