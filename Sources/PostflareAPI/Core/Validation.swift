// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// Reading a JSON request body field by field, with Resend's error names and messages.
struct Body {
    let object: JSONObject

    /// The body as a JSON object. An empty body is `{}`; SDKs also send `{}` on GET and DELETE (spec §1).
    init(_ request: Request) throws(PostflareError) {
        if request.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            object = JSONObject()
            return
        }
        guard let json = try? request.jsonBody() else {
            throw .validation("Invalid JSON body. The request body must be a JSON object.", status: 400)
        }
        guard let object = json.objectValue else {
            throw .validation("The request body must be a JSON object.", status: 422)
        }
        self.object = object
    }

    init(object: JSONObject) { self.object = object }

    /// The raw value; `null` counts as absent.
    subscript(key: String) -> JSON? {
        guard let v = object[key], !v.isNull else { return nil }
        return v
    }

    func has(_ key: String) -> Bool { self[key] != nil }

    /// A required non-empty string (missing → 422 `missing_required_field`).
    func requiredString(_ key: String, allowEmpty: Bool = false) throws(PostflareError) -> String {
        guard let v = self[key] else { throw .missingField(key) }
        guard let s = v.stringValue else { throw .validation("The `\(key)` field must be a string.") }
        if s.isEmpty && !allowEmpty { throw .missingField(key) }
        return s
    }

    func string(_ key: String, max: Int? = nil) throws(PostflareError) -> String? {
        guard let v = self[key] else { return nil }
        guard let s = v.stringValue else { throw .validation("The `\(key)` field must be a string.") }
        if let max, s.count > max { throw .validation("The `\(key)` field must be at most \(max) characters.") }
        return s
    }

    func bool(_ key: String) throws(PostflareError) -> Bool? {
        guard let v = self[key] else { return nil }
        guard let b = v.boolValue else { throw .validation("The `\(key)` field must be a boolean.") }
        return b
    }

    /// A string restricted to `allowed` values.
    func oneOf(_ key: String, _ allowed: [String]) throws(PostflareError) -> String? {
        guard let s = try string(key) else { return nil }
        guard allowed.contains(s) else {
            throw .validation(
                "The `\(key)` field must be one of: " + allowed.map { "\"\($0)\"" }.joined(separator: " | ") + "."
            )
        }
        return s
    }

    /// A string or an array of strings (`to`, `cc`, `bcc`, `reply_to`).
    func stringList(_ key: String) throws(PostflareError) -> [String]? {
        guard let v = self[key] else { return nil }
        if let s = v.stringValue { return [s] }
        guard let a = v.arrayValue else {
            throw .validation("The `\(key)` field must be a string or an array of strings.")
        }
        var out: [String] = []
        for item in a {
            guard let s = item.stringValue else {
                throw .validation("The `\(key)` field must be a string or an array of strings.")
            }
            out.append(s)
        }
        return out
    }

    func objectField(_ key: String) throws(PostflareError) -> JSONObject? {
        guard let v = self[key] else { return nil }
        guard let o = v.objectValue else { throw .validation("The `\(key)` field must be an object.") }
        return o
    }
}

/// E-mail addresses in the two accepted forms: `email@example.com` and `Name <email@example.com>`.
enum EmailAddress {
    /// The bare address of `text`, or nil when it is in neither accepted form.
    static func parse(_ text: String) -> String? {
        // A line break in a display name would end the header field it is written into.
        if text.utf8Contains(where: { $0 == 0x0D || $0 == 0x0A }) { return nil }
        let t = text.trimmingSpaces()
        // Searched in the UTF-8 view: `String.lastIndex(of:)` walks grapheme clusters, ~7k instructions for
        // one mailbox on every recipient of every send. `<` and `>` are ASCII, so their indices are boundaries.
        let bytes = t.utf8
        if bytes.last == UInt8(ascii: ">"), let open = t.utf8LastOffset(of: UInt8(ascii: "<")) {
            let inner = String(
                t[bytes.index(bytes.startIndex, offsetBy: open + 1)..<bytes.index(before: bytes.endIndex)]
            )
            return isValid(inner) ? inner : nil
        }
        return isValid(t) ? t : nil
    }

    /// A pragmatic address check in one pass over the bytes (it runs for every recipient of every send):
    /// one `@` after a local part of 1–64 bytes, a dotted domain without empty labels at its ends or
    /// `..`, and no spaces, controls, brackets, commas or quotes.
    static func isValid(_ s: String) -> Bool {
        var at = -1
        var index = 0
        var previous: UInt8 = 0
        var dottedDomain = false
        for c in s.utf8 {
            switch c {
            case 0..<0x21, 0x7F, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ","), UInt8(ascii: "\""):
                return false
            case UInt8(ascii: "@"):
                if at >= 0 { return false }
                at = index
            case UInt8(ascii: ".") where at >= 0:
                if index == at + 1 || previous == UInt8(ascii: ".") { return false }
                dottedDomain = true
            default:
                break
            }
            previous = c
            index += 1
        }
        return at > 0 && at <= 64 && dottedDomain && previous != UInt8(ascii: ".") && index > at + 1
    }

    static func domain(of address: String) -> String {
        // The text after the last `@` (the whole address when there is none), as `split(...).last` gave,
        // without building the array of parts on every send.
        let utf8 = address.utf8
        guard let at = address.utf8LastOffset(of: UInt8(ascii: "@")) else { return address.lowercased() }
        return address[utf8.index(utf8.startIndex, offsetBy: at + 1)...].lowercased()
    }

    /// The observed wire message for a malformed address field (spec §3.3).
    static func invalidFieldError(_ field: String) -> PostflareError {
        .validation(
            "Invalid `\(field)` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format."
        )
    }
}
