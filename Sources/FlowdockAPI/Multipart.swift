// SPDX-License-Identifier: Apache-2.0

/// One part of a `multipart/form-data` body (RFC 7578).
struct MultipartPart: Sendable {
    var name: String
    var fileName: String?
    var contentType: String?
    var data: [UInt8]
}

/// A small `multipart/form-data` parser for file messages (`curl -F "content=@file.png"`, §3.3).
enum Multipart {
    /// The `boundary` parameter of a Content-Type value, unquoted.
    static func boundary(ofContentType value: String) -> String? {
        for parameter in value.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces().lowercased() == "boundary" else { continue }
            var b = pair[1].trimmingSpaces()
            if b.hasPrefix("\""), b.hasSuffix("\""), b.count >= 2 { b = String(b.dropFirst().dropLast()) }
            return b.isEmpty ? nil : b
        }
        return nil
    }

    /// Splits the body into parts; nil when it is not well-formed (no opening or closing delimiter).
    static func parse(_ body: [UInt8], boundary: String) -> [MultipartPart]? {
        let delimiter = Array(("--" + boundary).utf8)
        guard var position = find(delimiter, in: body, from: 0) else { return nil }
        var parts: [MultipartPart] = []
        while true {
            position += delimiter.count
            // "--" after a delimiter closes the body (RFC 2046 §5.1.1).
            if position + 1 < body.count, body[position] == 45, body[position + 1] == 45 { return parts }
            guard let lineEnd = find([13, 10], in: body, from: position) else { return nil }
            let headerStart = lineEnd + 2
            guard let headerEnd = find([13, 10, 13, 10], in: body, from: headerStart) else { return nil }
            let dataStart = headerEnd + 4
            guard let next = find([13, 10] + delimiter, in: body, from: dataStart) else { return nil }
            let headerText = String(decoding: body[headerStart..<headerEnd], as: UTF8.self)
            var part = MultipartPart(name: "", fileName: nil, contentType: nil, data: Array(body[dataStart..<next]))
            for line in headerText.split(separator: "\r\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].lowercased()
                let value = String(line[line.index(after: colon)...]).trimmingSpaces()
                if name == "content-type" { part.contentType = value }
                if name == "content-disposition" {
                    part.name = dispositionParameter("name", in: value) ?? ""
                    part.fileName = dispositionParameter("filename", in: value)
                }
            }
            parts.append(part)
            position = next + 2
        }
    }

    private static func dispositionParameter(_ key: String, in value: String) -> String? {
        for parameter in value.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces().lowercased() == key else { continue }
            var v = pair[1].trimmingSpaces()
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else {
            return nil
        }
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == needle[0] {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
