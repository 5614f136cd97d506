// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// The two `Range` dialects of spec §3.1.
enum RangeRequest: Equatable {
    /// `items=REF:COUNT` (ref_range); a nil key is the first page (`items=:10`).
    case reference(PageKey?, count: Int)
    /// `items=START-END` (items_range), END exclusive (spec §3.3: Flowmailer's own connector advances by END-START).
    case items(start: Int, end: Int)

    /// Page size cap. Not documented; Flowmailer's own PowerShell module asks for 1000 (spec §3.3, inferred).
    static let maxCount = 1000
    /// Used when a ranged call has no `Range` header; the SDK always sends one (spec §3.3, inferred).
    static let defaultCount = 100

    /// Parses a `Range` header value; nil header → the default first page. Throws a 400 `allErrors`.
    static func parse(_ header: String?) throws(HTTPError) -> RangeRequest {
        guard let header else { return .reference(nil, count: defaultCount) }
        let value = header.trimmingSpaces()
        guard value.hasPrefix("items=") else { throw invalid(header) }
        let spec = value.dropFirst("items=".count)
        if let colon = spec.lastIndex(of: ":") {
            let ref = spec[..<colon]
            guard let count = Int(spec[spec.index(after: colon)...]), count > 0 else { throw invalid(header) }
            if ref.isEmpty { return .reference(nil, count: min(count, maxCount)) }
            guard let key = PageKey(encoded: ref) else { throw invalid(header) }
            return .reference(key, count: min(count, maxCount))
        }
        if let dash = spec.firstIndex(of: "-") {
            guard let start = Int(spec[..<dash]), let end = Int(spec[spec.index(after: dash)...]), start >= 0,
                end > start
            else { throw invalid(header) }
            // `end - start` cannot overflow (both non-negative); `start + maxCount` could.
            return .items(start: start, end: end - start > maxCount ? start + maxCount : end)
        }
        throw invalid(header)
    }

    private static func invalid(_ header: String) -> HTTPError {
        FlowmailerError.badRequest(
            code: "range.invalid",
            "Invalid Range header, expected items=REFERENCE:COUNT or items=START-END",
            field: "Range",
            rejected: .string(header)
        )
    }
}

/// A keyset position: sort-field letter, side (`<` first row of a page, `>` last row), the sort value with
/// millisecond precision and the row id. On the wire it is base32hex of `I<yyyyMMddHHmmssSSS<id>` (spec §3.2).
struct PageKey: Equatable {
    var field: UInt8  // `I` inserted, `S` submitted (inferred analogue), `R` received (events, inferred)
    var after: Bool  // `>`: continue after this row; `<`: rows before it
    var millis: Int64
    var id: String

    init(field: UInt8, after: Bool, millis: Int64, id: String) {
        self.field = field
        self.after = after
        self.millis = millis
        self.id = id
    }

    init?(encoded: some StringProtocol) {
        guard let bytes = Base32Hex.decode(encoded), bytes.count > 19 else { return nil }
        guard bytes[1] == UInt8(ascii: "<") || bytes[1] == UInt8(ascii: ">") else { return nil }
        guard let ts = Timestamp(compact: bytes[2..<19]) else { return nil }
        field = bytes[0]
        after = bytes[1] == UInt8(ascii: ">")
        millis = ts.millis
        id = String(decoding: bytes[19...], as: UTF8.self)
    }

    /// The wire form. Built byte by byte in a stack buffer: listings encode two keys per page, and the
    /// string-interpolated version was a third of the page handler's time.
    var encoded: String {
        let idCount = id.utf8.count
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 19 + idCount) { text in
            text[0] = field
            text[1] = after ? UInt8(ascii: ">") : UInt8(ascii: "<")
            // `yyyy` has four digits only for years 0…9999; outside them the text keeps the sign and extra digits.
            guard Timestamp(millis: millis).writeCompactMillis(into: text, at: 2) else {
                let slow =
                    String(UnicodeScalar(field)) + (after ? ">" : "<")
                    + Timestamp(millis: millis).compactMillis() + id
                return Base32Hex.encode(slow.utf8)
            }
            var n = 19
            var id = id
            id.withUTF8 { bytes in
                for b in bytes {
                    text[n] = b
                    n += 1
                }
            }
            return Base32Hex.encode(UnsafeBufferPointer(rebasing: text[0..<n]))
        }
    }
}

/// One page cut from rows already sorted in output order.
struct Page<Row> {
    var rows: [Row]
    var headers: HTTPHeaders
}

enum Paginator {
    /// The answer to `items=START-END`: `rows` are the page (output indices `start…`), `total` the length of
    /// the whole list. Content-Range's end mirrors the exclusive END of the request dialect (`items 0-10/22`,
    /// spec §2.3); an empty page has no Content-Range.
    static func itemsPage<Row>(_ rows: [Row], start: Int, total: Int) -> Page<Row> {
        var headers = HTTPHeaders()
        if !rows.isEmpty {
            headers.add(name: "Content-Range", value: "items \(start)-\(start + rows.count)/\(total)")
        }
        return Page(rows: rows, headers: headers)
    }

    /// Cuts a page. `key(row)` gives the row's (sort value, id); `descending` says how `rows` are sorted.
    /// The keyset cut is stable while rows are appended: a `>` reference resumes strictly after the row it
    /// names, whatever was inserted meanwhile (new rows sort after every existing one, see `Store.submit`).
    static func page<Row>(
        _ rows: [Row],
        range: RangeRequest,
        field: UInt8,
        descending: Bool,
        key: (Row) -> (Int64, String)
    ) -> Page<Row> {
        func before(_ a: (Int64, String), _ b: (Int64, String)) -> Bool {
            let asc = a.0 != b.0 ? a.0 < b.0 : a.1 < b.1
            return descending ? (a.0 != b.0 || a.1 != b.1) && !asc : asc
        }
        switch range {
        case .items(let start, let end):
            let slice = start < rows.count ? Array(rows[start..<min(end, rows.count)]) : []
            return itemsPage(slice, start: start, total: rows.count)
        case .reference(let ref, let count):
            var slice: [Row]
            if let ref, ref.field == field {
                let r = (ref.millis, ref.id)
                if ref.after {
                    slice = []
                    for row in rows where before(r, key(row)) {
                        slice.append(row)
                        if slice.count == count { break }
                    }
                } else {
                    // `<` (a page's start ref) reads backwards: the `count` rows just before it (inferred).
                    slice = Array(rows.filter { before(key($0), r) }.suffix(count))
                }
            } else {
                slice = Array(rows.prefix(count))
            }
            var headers = HTTPHeaders()
            // Non-empty page → Content-Range + Next-Range; an empty page has neither, which is what ends the
            // SDK's `while ($range)` loop (spec §3.3, inferred from the SDK and the official example).
            if let first = slice.first, let last = slice.last {
                let (fm, fid) = key(first)
                let (lm, lid) = key(last)
                let start = PageKey(field: field, after: false, millis: fm, id: fid).encoded
                let end = PageKey(field: field, after: true, millis: lm, id: lid).encoded
                // Sized up front: interpolation grew each ~150-byte value twice.
                var contentRange = "items "
                contentRange.reserveCapacity(10 + start.utf8.count + end.utf8.count)
                contentRange += start
                contentRange += ":"
                contentRange += end
                contentRange += "/*"
                var nextRange = "items="
                nextRange.reserveCapacity(12 + end.utf8.count)
                nextRange += end
                nextRange += ":"
                nextRange += String(count)
                headers.reserveCapacity(3)  // and the Content-Type the response adds
                headers.add(name: "Content-Range", value: contentRange)
                headers.add(name: "Next-Range", value: nextRange)
            }
            return Page(rows: slice, headers: headers)
        }
    }
}
