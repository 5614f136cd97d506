// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// The filter and order shared by the message listings: `;daterange` (submit time, start inclusive, end
/// exclusive), `sortfield` (only `/messages` has one) and `sortorder`.
struct MessageQuery {
    static let inserted = UInt8(ascii: "I")
    static let submitted = UInt8(ascii: "S")

    var dateRange: Range<Int64>?
    /// The paging-key letter of the sort field: `I` INSERTED (default, spec §3.2), `S` SUBMITTED (inferred).
    var field: UInt8
    var descending: Bool

    init(_ request: Request, sortable: Bool = false, dateRangeRequired: Bool = false) throws(HTTPError) {
        dateRange = try QueryParams.dateRange(request, "daterange")
        if dateRangeRequired && dateRange == nil {
            throw FlowmailerError.badRequest(code: "NotNull", "daterange is required", field: "daterange")
        }
        field = Self.inserted
        if sortable, let raw = request.query("sortfield"), !raw.isEmpty {
            switch raw.uppercased() {
            case "INSERTED": field = Self.inserted
            case "SUBMITTED": field = Self.submitted
            default:
                throw FlowmailerError.badRequest(
                    code: "typeMismatch",
                    "sortfield must be INSERTED or SUBMITTED",
                    field: "sortfield",
                    rejected: .string(raw)
                )
            }
        }
        descending = try QueryParams.descending(request, default: false)
    }

    func accepts(_ m: StoredMessage) -> Bool { dateRange.map { $0.contains(m.submitted.millis) } ?? true }

    /// The keyset key of a message under this sort.
    func key(_ m: StoredMessage) -> (Int64, String) {
        (field == Self.submitted ? m.submitted.millis : m.inserted.millis, m.id)
    }
}
