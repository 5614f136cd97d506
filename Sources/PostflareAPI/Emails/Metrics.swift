// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// `GET /emails/metrics` (spec §2.1): counts derived from the e-mails' life on the emulator clock. Opens,
/// clicks and unsubscribes never happen in the emulator, so they stay 0.
extension PostflareAPI {
    static let metricNames = [
        "received", "delivered", "complained", "suppressed", "bounced", "bounced_transient", "bounced_permanent",
        "bounced_undetermined", "opened", "clicked", "unsubscribed", "delivery_delayed", "failed", "sent",
        "unique_opened", "unique_clicked", "delivery_rate", "open_rate", "click_rate", "bounce_rate",
        "complaint_rate", "unsubscribe_rate",
    ]
    static let defaultMetrics = ["sent", "delivered", "bounced", "complained", "suppressed"]

    func addMetricsRoute(_ r: inout Router) {
        route(&r, .GET, "/emails/metrics") { api, req, p in try api.metrics(req, p) }
    }

    /// `metrics=a,b` (form style, explode false) or repeated `metrics=a&metrics=b`.
    static func csvQuery(_ req: Request, _ name: String) -> [String] {
        (req.queryValues(name) + req.queryValues(name + "[]")).flatMap { $0.split(separator: ",").map(String.init) }
    }

    func metrics(_ req: Request, _ p: Principal) throws -> Response {
        let now = store.now
        let day: Int64 = 86_400_000
        func date(_ name: String, _ fallback: Int64) throws(PostflareError) -> Int64 {
            guard let text = req.query(name) else { return fallback }
            guard let t = Timestamp.parseISO8601(text) else {
                throw .validation("The `\(name)` parameter must be an ISO 8601 date.")
            }
            return t.millis
        }
        let end = try date("end_date", now)
        let start = try date("start_date", end - 7 * day)
        guard start <= end else { throw PostflareError.validation("The `start_date` must be before the `end_date`.") }
        let granularity = req.query("granularity") ?? "daily"
        let bucket: Int64
        switch granularity {
        case "hourly": bucket = 3_600_000
        case "daily": bucket = day
        case "weekly": bucket = 7 * day
        case "monthly": bucket = 30 * day
        default:
            throw PostflareError.validation("The `granularity` parameter must be hourly | daily | weekly | monthly.")
        }
        var metrics = Self.csvQuery(req, "metrics")
        if metrics.isEmpty { metrics = Self.defaultMetrics }
        for m in metrics where !Self.metricNames.contains(m) {
            throw PostflareError.validation("Invalid metric `\(m)`.")
        }
        let dimensions = Self.csvQuery(req, "dimensions")
        for d in dimensions where !["period", "domain", "email", "broadcast"].contains(d) {
            throw PostflareError.validation("Invalid dimension `\(d)`.")
        }
        let emailFilter = Set(Self.csvQuery(req, "email_id"))
        let broadcastFilter = Set(Self.csvQuery(req, "broadcast_id"))
        let domainFilter = Set(Self.csvQuery(req, "domain_id"))

        let json = try store.withTeam(p.teamId) { team, _ throws(PostflareError) -> JSON in
            var totals: [String: Double] = [:]
            var rows: [[String]: [String: Double]] = [:]
            var rowKeys: [[String]] = []
            for e in team.emails.values where e.createdAt >= start && e.createdAt < end {
                let domain = team.domains.values.first {
                    $0.name == EmailAddress.domain(of: EmailAddress.parse(e.from) ?? e.from)
                }
                if !emailFilter.isEmpty && !emailFilter.contains(e.id) { continue }
                if !broadcastFilter.isEmpty && !broadcastFilter.contains(e.broadcastId ?? "") { continue }
                if !domainFilter.isEmpty && !domainFilter.contains(domain?.id ?? "") { continue }
                let counts = Self.counts(e, now: now)
                for (k, v) in counts { totals[k, default: 0] += v }
                guard !dimensions.isEmpty else { continue }
                let key: [String] = dimensions.map { d in
                    switch d {
                    case "period": Timestamp(millis: start + (e.createdAt - start) / bucket * bucket).iso8601()
                    case "domain": domain?.id ?? ""
                    case "email": e.id
                    default: e.broadcastId ?? ""
                    }
                }
                if rows[key] == nil { rowKeys.append(key) }
                for (k, v) in counts { rows[key, default: [:]][k, default: 0] += v }
            }
            func values(_ c: [String: Double]) -> [(String, JSON)] {
                metrics.map { m in (m, Self.metricValue(m, c)) }
            }
            var out: JSONObject = [
                "object": "metrics", "start_date": Time.iso(start), "end_date": Time.iso(end),
                "metrics": .array(metrics.map { .string($0) }), "dimensions": .array(dimensions.map { .string($0) }),
                "granularity": .string(granularity), "totals": .object(JSONObject(values(totals))),
            ]
            if !dimensions.isEmpty {
                out["data"] = .array(
                    rowKeys.sorted { $0.joined() < $1.joined() }.map { key in
                        var row = JSONObject()
                        for (d, v) in zip(dimensions, key) {
                            row[d == "period" ? "period" : d + "_id"] = .string(v)
                        }
                        for (k, v) in values(rows[key] ?? [:]) { row[k] = v }
                        return .object(row)
                    }
                )
            }
            return .object(out)
        }
        return ok(json)
    }

    /// The counters one e-mail contributes, from its current `last_event`.
    static func counts(_ e: EmailRecord, now: Int64) -> [String: Double] {
        switch EmailLife.lastEvent(e, now: now) {
        case "sent": ["sent": 1]
        case "delivered": ["sent": 1, "delivered": 1]
        case "complained": ["sent": 1, "delivered": 1, "complained": 1]
        case "bounced": ["sent": 1, "bounced": 1, "bounced_permanent": 1]
        case "suppressed": ["suppressed": 1]
        default: [:]
        }
    }

    static func metricValue(_ name: String, _ c: [String: Double]) -> JSON {
        let sent = c["sent"] ?? 0
        func rate(_ n: String) -> JSON { .double(sent == 0 ? 0 : (c[n] ?? 0) / sent) }
        switch name {
        case "delivery_rate": return rate("delivered")
        case "bounce_rate": return rate("bounced")
        case "complaint_rate": return rate("complained")
        case "open_rate", "click_rate", "unsubscribe_rate": return .double(0)
        default: return .int(Int(c[name] ?? 0))
        }
    }
}
