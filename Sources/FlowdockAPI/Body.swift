// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// A request's parameters, normalized from the query string, a JSON body, a form body or a multipart body
/// into one JSON object, so that the same message is stored whichever way it was sent (§2.2).
struct Input: Sendable {
    var fields: JSONObject
    /// File parts of a multipart body keyed by field name (`content`, `attachments[file1]`).
    var files: [String: MultipartFormData.Part] = [:]

    subscript(key: String) -> JSON? { fields[key] }

    func has(_ key: String) -> Bool { fields[key] != nil }

    /// A string field; numbers and booleans are accepted as their text (form bodies have no types).
    func string(_ key: String) -> String? {
        switch fields[key] {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): b ? "true" : "false"
        default: nil
        }
    }

    /// An integer field given as a JSON number or a decimal string; other values are a validation error.
    func int(_ key: String) throws -> Int? {
        guard let value = fields[key], !value.isNull else { return nil }
        if let i = value.intValue { return i }
        if let s = value.stringValue, let i = Int(s.trimmingSpaces()) { return i }
        throw FlowdockError.validation(key, "is not a number")
    }

    /// A boolean: JSON true/false, or the form spellings `true`/`false`/`1`/`0`.
    func bool(_ key: String) throws -> Bool? {
        guard let value = fields[key], !value.isNull else { return nil }
        if let b = value.boolValue { return b }
        switch string(key)?.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw FlowdockError.validation(key, "is not a boolean")
        }
    }

    /// Tags as a JSON array or a comma string: `["@Mike", "#cool"]` ≡ `"@Mike,#cool"` (§2.2).
    func tags(_ key: String = "tags") throws -> [String]? {
        switch fields[key] {
        case nil, .null?: return nil
        case .array(let items)?:
            return try items.map { item in
                guard let s = item.stringValue else { throw FlowdockError.validation(key, "must be strings") }
                return s
            }.filter { !$0.trimmingSpaces().isEmpty }
        case .string(let s)?:
            return s.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        default:
            throw FlowdockError.validation(key, "must be an array or a comma-separated string")
        }
    }
}

enum Body {
    /// Parses query parameters, then the body over them (Rails-style merge: go-flowdock sends every field
    /// in the query string, §2.2). Bodies of GET, HEAD and DELETE are ignored.
    static func parse(_ request: Request) throws -> Input {
        var input = Input(fields: JSONObject())
        for item in request.queryItems { assign(&input.fields, name: item.name, value: .string(item.value)) }
        let method = request.method.rawValue
        guard method == "POST" || method == "PUT" || method == "PATCH", !request.body.isEmpty else { return input }
        guard let mediaType = request.headers.mediaType else {
            // "Content-Type must be defined in the header of requests that contain data" (docs/rest.md).
            throw FlowdockError.unsupportedMediaType(
                "Content-Type must be defined: application/json, application/x-www-form-urlencoded or multipart/form-data"
            )
        }
        switch mediaType {
        case "application/json", "text/json":
            let json: JSON
            do { json = try request.jsonBody() } catch { throw FlowdockError.badRequest("Invalid JSON: \(error)") }
            guard case .object(let object) = json else {
                throw FlowdockError.badRequest("Request body must be a JSON object")
            }
            for (key, value) in object { input.fields[key] = value }
        case "application/x-www-form-urlencoded":
            for item in request.formBody() { assign(&input.fields, name: item.name, value: .string(item.value)) }
        case "multipart/form-data":
            let form: MultipartFormData
            do {
                form = try MultipartFormData(body: request.body, contentType: request.headers["Content-Type"])
            } catch {
                throw FlowdockError.badRequest("Malformed multipart/form-data body: \(error)")
            }
            for part in form.parts {
                if part.filename != nil {
                    input.files[part.name] = part
                } else {
                    assign(&input.fields, name: part.name, value: .string(part.text))
                }
            }
        default:
            throw FlowdockError.unsupportedMediaType(
                "Unsupported Content-Type \(mediaType): use application/json, application/x-www-form-urlencoded or multipart/form-data"
            )
        }
        return input
    }

    /// Stores a form field, expanding Rails-style nested names: `thread[status][value]=x` becomes
    /// `{"thread": {"status": {"value": "x"}}}` and `tags[]=a&tags[]=b` becomes `{"tags": ["a", "b"]}`.
    static func assign(_ object: inout JSONObject, name: String, value: JSON) {
        var path: [String] = []
        if let open = name.firstIndex(of: "["), open != name.startIndex {
            path.append(String(name[..<open]))
            var rest = name[open...]
            while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                path.append(String(rest[rest.index(after: rest.startIndex)..<close]))
                rest = rest[rest.index(after: close)...]
            }
            if !rest.isEmpty { path = [name] }  // malformed brackets: keep the name literally
        } else {
            path = [name]
        }
        set(&object, path: path[...], value: value)
    }

    private static func set(_ object: inout JSONObject, path: ArraySlice<String>, value: JSON) {
        guard let key = path.first else { return }
        let rest = path.dropFirst()
        if rest.isEmpty {
            object[key] = value
        } else if rest.count == 1, rest.first == "" {
            var list = object[key]?.arrayValue ?? []
            list.append(value)
            object[key] = .array(list)
        } else {
            var child = object[key]?.objectValue ?? JSONObject()
            set(&child, path: rest, value: value)
            object[key] = .object(child)
        }
    }
}
