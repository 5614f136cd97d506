// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// The filters of `/_emulator/messages` and `/_emulator/messages/wait`, parsed once from the query.
struct MessageQuery: Sendable {
    var vendor: String?
    var tenant: String?
    /// `tenant` as each vendor's native id (`Vendor.resolveTenant`: a provisioned tenant's numeric Flowmailer
    /// account), filled by the control plane; a vendor missing here has no such tenant.
    var nativeTenants: [String: String] = [:]
    var to: String?
    var from: String?
    var subject: String?
    var text: String?
    var status: String?
    /// A change-feed sequence number: only messages stored after it.
    var sinceSeq: UInt64?
    /// An emulator time: only messages created at or after it.
    var sinceTime: Timestamp?
    var limit = 100

    static let maxLimit = 1_000

    /// Parses the query; every bad value is a 400 that says what is wrong.
    init(_ request: Request, vendors: [String]) throws(HTTPError) {
        vendor = try QueryParsing.vendor(request, among: vendors)
        tenant = request.query("tenant")
        to = request.query("to")?.lowercased()
        from = request.query("from")?.lowercased()
        subject = request.query("subject")
        text = request.query("q")?.lowercased()
        status = request.query("status")?.lowercased()
        if let since = request.query("since") {
            if let seq = UInt64(since) {
                sinceSeq = seq
            } else if let t = Timestamp.parseISO8601(since) {
                sinceTime = t
            } else {
                throw HTTPError(.badRequest, message: "'since' is a sequence number or an RFC 3339 time.")
            }
        }
        if let l = request.query("limit") {
            guard let n = Int(l), (1...Self.maxLimit).contains(n) else {
                throw HTTPError(.badRequest, message: "'limit' is a number from 1 to \(Self.maxLimit).")
            }
            limit = n
        }
    }

    /// Whether a message (stored at change-feed sequence `seq`, 0 for fixtures) passes every filter.
    func matches(_ m: InspectedMessage, seq: UInt64) -> Bool {
        if let vendor, m.vendor != vendor { return false }
        if let tenant, m.tenant != nativeTenants[m.vendor] ?? tenant { return false }
        if let to, !(m.to + m.cc + m.bcc).contains(where: { Self.address($0) == to }) { return false }
        if let from, Self.address(m.from ?? "") != from { return false }
        if let subject, m.subject != subject { return false }
        if let text {
            let haystacks = [m.subject ?? "", m.text ?? ""]
            if !haystacks.contains(where: { $0.lowercased().contains(text) }) { return false }
        }
        if let status, m.status?.lowercased() != status { return false }
        if let sinceSeq, seq <= sinceSeq { return false }
        if let sinceTime, m.created < sinceTime { return false }
        return true
    }

    /// The bare address of `Name <a@b>` (or the text itself), lower-cased.
    static func address(_ mailbox: String) -> String { MessageTerms.bareAddress(mailbox).lowercased() }
}
