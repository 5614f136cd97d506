// SPDX-License-Identifier: Apache-2.0

/// A `multipart/form-data` body (RFC 7578) split into its parts by the RFC 2046 §5.1.1 grammar:
///
///     multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF body-part
///                       *(CRLF dash-boundary transport-padding CRLF body-part)
///                       CRLF dash-boundary "--" [transport-padding [CRLF epilogue]]
///     body-part      := MIME-part-headers [CRLF *OCTET]
///
/// Pure value code, one pass over the body: the only search is for `CRLF--boundary`, and a boundary is at
/// most 70 characters, so the cost is linear in the body whatever its bytes. Every malformed input is a
/// thrown `MultipartError`, never a trap.
public struct MultipartFormData: Sendable {
    /// One form field or file.
    public struct Part: Sendable, Equatable {
        /// The `name` parameter of `Content-Disposition`.
        public var name: String
        /// The `filename` parameter, when the part is a file.
        public var filename: String?
        /// The part's `Content-Type`, when it has one (RFC 7578 §4.4 defaults it to `text/plain`).
        public var contentType: String?
        public var body: [UInt8]

        public init(name: String, filename: String? = nil, contentType: String? = nil, body: [UInt8]) {
            self.name = name
            self.filename = filename
            self.contentType = contentType
            self.body = body
        }

        /// The body as UTF-8 text (invalid sequences replaced), for plain fields.
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Most parts one body may have: each costs a header parse and an allocation, so a body of tiny parts
    /// must not become millions of them.
    public static let defaultMaxParts = 1_000

    public var parts: [Part]

    /// The first part called `name`.
    public func first(named name: String) -> Part? { parts.first { $0.name == name } }

    /// Splits `body` at `boundary`.
    /// - Parameters:
    ///   - body: the request body.
    ///   - boundary: the `boundary` parameter, unquoted (see `boundary(ofContentType:)`).
    ///   - maxParts: more parts than this is `MultipartError.tooManyParts`.
    public init(body: [UInt8], boundary: String, maxParts: Int = defaultMaxParts) throws(MultipartError) {
        try MultipartFormData.checkBoundary(boundary)
        var parser = MultipartParser(body: body, dashBoundary: Array(("--" + boundary).utf8), maxParts: maxParts)
        parts = try parser.parse()
    }

    /// Parses a body sent with `contentType` (`multipart/form-data; boundary=…`).
    public init(body: [UInt8], contentType: String?, maxParts: Int = defaultMaxParts) throws(MultipartError) {
        try self.init(
            body: body,
            boundary: try MultipartFormData.boundary(ofContentType: contentType),
            maxParts: maxParts
        )
    }

    /// The `boundary` parameter of a `multipart/form-data` media type, unquoted (RFC 2045 §5.1 parameters,
    /// RFC 9110 §5.6.4 quoted strings).
    public static func boundary(ofContentType contentType: String?) throws(MultipartError) -> String {
        guard let contentType else { throw .notMultipart }
        let pieces = MediaParameters.split(contentType)
        guard let type = pieces.first, type.value == nil, type.name.lowercased() == "multipart/form-data" else {
            throw .notMultipart
        }
        for p in pieces.dropFirst() where p.name.lowercased() == "boundary" {
            guard let value = p.value else { throw .invalidBoundary }
            try checkBoundary(value)
            return value
        }
        throw .missingBoundary
    }

    /// RFC 2046 §5.1.1: 1–70 characters, printable ASCII or space, not ending in a space.
    static func checkBoundary(_ boundary: String) throws(MultipartError) {
        let bytes = boundary.utf8
        guard !bytes.isEmpty, bytes.count <= 70, bytes.last != 0x20,
            bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F })
        else { throw .invalidBoundary }
    }
}

/// Why a body is not well-formed `multipart/form-data`.
public enum MultipartError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The content type is not `multipart/form-data`.
    case notMultipart
    /// The content type has no `boundary` parameter.
    case missingBoundary
    /// The boundary is empty, longer than 70 characters, or has characters RFC 2046 does not allow.
    case invalidBoundary
    /// No `--boundary` line opens the body.
    case missingOpeningDelimiter
    /// The body ends before the `--boundary--` line.
    case missingClosingDelimiter
    /// A part's header line is not `name: value`, or the line after a delimiter is not CRLF.
    case malformedPart(index: Int)
    /// A part has no `Content-Disposition` with a `name` (RFC 7578 §4.2).
    case missingName(index: Int)
    case tooManyParts(limit: Int)

    public var description: String {
        switch self {
        case .notMultipart: "the content type is not multipart/form-data"
        case .missingBoundary: "the content type has no boundary parameter"
        case .invalidBoundary: "the boundary must be 1 to 70 printable characters"
        case .missingOpeningDelimiter: "no --boundary line opens the body"
        case .missingClosingDelimiter: "the body ends before the closing --boundary-- line"
        case .malformedPart(let i): "part \(i + 1) is malformed"
        case .missingName(let i): "part \(i + 1) has no Content-Disposition name"
        case .tooManyParts(let limit): "the body has more than \(limit) parts"
        }
    }
}

/// The cursor over one body; `MultipartFormData.init` is its only user.
private struct MultipartParser {
    let body: [UInt8]
    let dashBoundary: [UInt8]
    let maxParts: Int

    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let dash: UInt8 = 0x2D

    mutating func parse() throws(MultipartError) -> [MultipartFormData.Part] {
        // The first delimiter may open the body without a CRLF in front (no preamble).
        var at: Int
        if starts(with: dashBoundary, at: 0), isDelimiterEnd(dashBoundary.count) {
            at = 0
        } else if let d = delimiter(from: 0) {
            at = d + 2
        } else {
            throw .missingOpeningDelimiter
        }
        var parts: [MultipartFormData.Part] = []
        while true {
            // `at` is where a dash-boundary starts, and `isDelimiterEnd` held after it: `--` closes the body,
            // otherwise padding and CRLF start a part (or the body ends too early).
            var i = at + dashBoundary.count
            if i + 1 < body.count, body[i] == Self.dash, body[i + 1] == Self.dash { return parts }
            while i < body.count, body[i] == 0x20 || body[i] == 0x09 { i += 1 }  // transport-padding
            guard i + 1 < body.count, body[i] == Self.cr, body[i + 1] == Self.lf else {
                throw .missingClosingDelimiter
            }
            guard parts.count < maxParts else { throw .tooManyParts(limit: maxParts) }
            // The part runs to the next CRLF--boundary. The CRLF that ended the boundary line may be that
            // delimiter's own CRLF: a part with no headers and no body.
            guard let end = delimiter(from: i) else { throw .missingClosingDelimiter }
            parts.append(try part(min(i + 2, end)..<end, index: parts.count))
            at = end + 2
        }
    }

    /// The index of the next `CRLF--boundary` at or after `from` that `isDelimiterEnd`; a boundary-like run
    /// inside content (`--boundary-and-more`) is content.
    func delimiter(from: Int) -> Int? {
        let need = dashBoundary.count + 2
        let n = body.count
        return body.withUnsafeBufferPointer { b -> Int? in
            var i = from
            while i + need <= n {
                // A scan for CR; each candidate then costs at most `need` (≤ 74) comparisons.
                if b[i] == Self.cr, b[i + 1] == Self.lf, starts(with: dashBoundary, at: i + 2), isDelimiterEnd(i + need)
                {
                    return i
                }
                i += 1
            }
            return nil
        }
    }

    /// What may follow a dash-boundary: `--`, or transport padding then CRLF or the end of the body (which
    /// `parse` then reports as a missing closing delimiter).
    func isDelimiterEnd(_ j: Int) -> Bool {
        if j + 1 < body.count, body[j] == Self.dash, body[j + 1] == Self.dash { return true }
        var k = j
        while k < body.count, body[k] == 0x20 || body[k] == 0x09 { k += 1 }
        return k >= body.count || (k + 1 < body.count && body[k] == Self.cr && body[k + 1] == Self.lf)
    }

    func starts(with prefix: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, offset + prefix.count <= body.count else { return false }
        var k = 0
        while k < prefix.count {
            if body[offset + k] != prefix[k] { return false }
            k += 1
        }
        return true
    }

    /// One body-part: header lines up to the first empty line, then the content. Without an empty line the
    /// whole part is headers (the last field's CRLF was the delimiter's).
    func part(_ range: Range<Int>, index: Int) throws(MultipartError) -> MultipartFormData.Part {
        var headerEnd = range.upperBound
        var bodyStart = range.upperBound
        if range.count >= 2, body[range.lowerBound] == Self.cr, body[range.lowerBound + 1] == Self.lf {
            headerEnd = range.lowerBound
            bodyStart = range.lowerBound + 2
        } else {
            var i = range.lowerBound
            while i + 3 < range.upperBound {
                if body[i] == Self.cr, body[i + 1] == Self.lf, body[i + 2] == Self.cr, body[i + 3] == Self.lf {
                    headerEnd = i
                    bodyStart = i + 4
                    break
                }
                i += 1
            }
        }
        var fields: [(name: String, value: String)] = []
        var lineStart = range.lowerBound
        while lineStart < headerEnd {
            var lineEnd = lineStart
            while lineEnd < headerEnd,
                !(body[lineEnd] == Self.cr && lineEnd + 1 < headerEnd && body[lineEnd + 1] == Self.lf)
            {
                lineEnd += 1
            }
            if lineEnd > lineStart {
                let line = String(decoding: body[lineStart..<lineEnd], as: UTF8.self)
                if body[lineStart] == 0x20 || body[lineStart] == 0x09, !fields.isEmpty {
                    // obs-fold (RFC 5322 §3.2.2): a continuation of the previous field.
                    fields[fields.count - 1].value += " " + line.trimmingSpaces()
                } else {
                    guard let colon = line.firstIndex(of: ":") else { throw .malformedPart(index: index) }
                    fields.append(
                        (
                            line[..<colon].trimmingSpaces().lowercased(),
                            String(line[line.index(after: colon)...]).trimmingSpaces()
                        )
                    )
                }
            }
            lineStart = lineEnd + 2
        }
        var name: String?
        var filename: String?
        var contentType: String?
        for field in fields {
            if field.name == "content-disposition" {
                let params = MediaParameters.split(field.value).dropFirst()
                name = params.first { $0.name.lowercased() == "name" }?.value
                filename = params.first { $0.name.lowercased() == "filename" }?.value
            } else if field.name == "content-type" {
                contentType = field.value
            }
        }
        guard let name else { throw .missingName(index: index) }
        let content = bodyStart < range.upperBound ? Array(body[bodyStart..<range.upperBound]) : []
        return MultipartFormData.Part(name: name, filename: filename, contentType: contentType, body: content)
    }
}

/// `type; name=value; name="quoted \" value"` split into its pieces (RFC 9110 §5.6.6 parameters): the
/// first piece is the bare type, the others name/value pairs. Semicolons inside quoted strings do not split.
enum MediaParameters {
    struct Piece {
        var name: String
        var value: String?
    }

    static func split(_ text: String) -> [Piece] {
        var pieces: [Piece] = []
        var name: [UInt8] = []
        var value: [UInt8] = []
        var inValue = false
        var state = QuoteState.none
        func finish() {
            let n = String(decoding: name, as: UTF8.self).trimmingSpaces()
            let v = String(decoding: value, as: UTF8.self)
            if !n.isEmpty || inValue {
                pieces.append(Piece(name: n, value: inValue ? (state == .closed ? v : v.trimmingSpaces()) : nil))
            }
            name.removeAll(keepingCapacity: true)
            value.removeAll(keepingCapacity: true)
            inValue = false
            state = .none
        }
        var escaped = false
        for c in text.utf8 {
            switch state {
            case .open:
                if escaped {
                    value.append(c)
                    escaped = false
                } else if c == UInt8(ascii: "\\") {
                    escaped = true
                } else if c == UInt8(ascii: "\"") {
                    state = .closed
                } else {
                    value.append(c)
                }
                continue
            case .closed:
                // After the closing quote only the next `;` matters.
                if c == UInt8(ascii: ";") { finish() }
                continue
            case .none: break
            }
            switch c {
            case UInt8(ascii: ";"): finish()
            case UInt8(ascii: "=") where !inValue && !pieces.isEmpty: inValue = true
            case UInt8(ascii: "\"") where inValue && value.allSatisfy({ $0 == 0x20 || $0 == 0x09 }):
                value.removeAll()
                state = .open
            default:
                if inValue { value.append(c) } else { name.append(c) }
            }
        }
        finish()
        return pieces
    }

    private enum QuoteState { case none, open, closed }
}
