// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// Message statistics (`DataSets`, `MessageSummary`) computed from the stored messages as of now.
enum Stats {
    static let names = ["processed", "email", "sms", "delivered", "opened", "clicked", "bounced"]

    static func summary(_ messages: [StoredMessage], at now: Timestamp) -> JSON {
        var processed = 0
        var delivered = 0
        var opened = 0
        var clicked = 0
        var uniqueOpened = 0
        var uniqueClicked = 0
        var deliverMillis: Int64 = 0
        for m in messages {
            let events = m.visibleEvents(at: now)
            if m.isProcessed(at: now) { processed += 1 }
            if let d = events.first(where: { $0.type == "DELIVERED" }) {
                delivered += 1
                deliverMillis += d.received.millis - m.submitted.millis
            }
            let o = events.filter { $0.type == "OPENED" }.count
            let c = events.filter { $0.type == "CLICKED" }.count
            opened += o
            clicked += c
            if o > 0 { uniqueOpened += 1 }
            if c > 0 { uniqueClicked += 1 }
        }
        return [
            "averageDeliverTimeMillis": .int(delivered > 0 ? Int(deliverMillis) / delivered : 0),
            "clicked": .int(clicked),
            "delivered": .int(delivered), "opened": .int(opened), "processed": .int(processed), "sent": .int(processed),
            "uniqueClicked": .int(uniqueClicked), "uniqueOpened": .int(uniqueOpened),
        ]
    }

    /// One data set per counter, one sample per `interval` seconds of `range` (bucket start as timestamp).
    static func dataSets(
        _ messages: [StoredMessage],
        range: Range<Int64>,
        intervalSeconds: Int,
        at now: Timestamp
    ) -> JSON {
        let step = Int64(max(intervalSeconds, 60)) * 1000
        // At most 1000 buckets: a year by the minute would be a needlessly huge answer.
        let buckets = Int(min(1000, max(1, (range.upperBound - range.lowerBound + step - 1) / step)))
        var counts = [String: [Int]]()
        for name in names { counts[name] = Array(repeating: 0, count: buckets) }
        for m in messages where range.contains(m.submitted.millis) {
            let b = Int((m.submitted.millis - range.lowerBound) / step)
            guard b < buckets else { continue }
            let events = m.visibleEvents(at: now)
            func bump(_ name: String, _ n: Int = 1) { counts[name]![b] += n }
            if m.isProcessed(at: now) {
                bump("processed")
                bump(m.messageType == "SMS" ? "sms" : "email")
            }
            if events.contains(where: { $0.type == "DELIVERED" }) { bump("delivered") }
            bump("opened", events.filter { $0.type == "OPENED" }.count)
            bump("clicked", events.filter { $0.type == "CLICKED" }.count)
            if events.contains(where: { $0.type == "HARDBOUNCE" || $0.type == "SOFTBOUNCE" }) { bump("bounced") }
        }
        let sets: [JSON] = names.map { name in
            let samples: [JSON] = (0..<buckets).map { i in
                [
                    "timestamp": .string(Timestamp(millis: range.lowerBound + Int64(i) * step).iso8601()),
                    "value": .int(counts[name]![i]),
                ]
            }
            return ["name": .string(name), "samples": .array(samples)]
        }
        return ["list": .array(sets)]
    }
}

extension FlowmailerAPI {
    func addStatsRoutes(to router: inout Router) {
        router.get("/{account_id}/messagestats") { [self] request in
            let flows = QueryParams.idList(request, "flow_ids")
            return try stats(request, interval: request.query("interval") ?? request.matrixParameters["interval"]) {
                m in
                flows.map { $0.contains(m.flow.id) } ?? true
            }
        }
        router.get("/{account_id}/flows/{flow_id}/stats") { [self] request in
            let flow = request.parameter("flow_id")
            try requireResource(request, table: "flows", id: flow, what: "Flow")
            return try stats(request, interval: request.matrixParameters["interval"]) { $0.flow.id == flow }
        }
        router.get("/{account_id}/sources/{source_id}/stats") { [self] request in
            let source = request.parameter("source_id")
            try requireResource(request, table: "sources", id: source, what: "Source")
            return try stats(request, interval: request.matrixParameters["interval"]) { $0.source.id == source }
        }
    }

    private func stats(
        _ request: Request,
        interval: String?,
        _ filter: (StoredMessage) -> Bool
    ) throws(HTTPError) -> Response {
        guard let range = try QueryParams.dateRange(request, "daterange") else {
            throw FlowmailerError.badRequest(code: "NotNull", "daterange is required", field: "daterange")
        }
        var seconds = 86_400
        if let interval, !interval.isEmpty {
            guard let v = Int(interval), v > 0 else {
                throw FlowmailerError.badRequest(
                    code: "typeMismatch",
                    "interval must be a number of seconds",
                    field: "interval",
                    rejected: .string(interval)
                )
            }
            seconds = min(v, 100 * 365 * 86_400)  // bounded so that the millisecond arithmetic cannot overflow
        }
        let now = clock.now()
        let messages = try store.read(Self.account(request)) { a in a.messages.values.filter(filter) }
        return Self.json(Stats.dataSets(messages, range: range, intervalSeconds: seconds, at: now))
    }
}
