// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import HTTPServer

/// What the operational routes read — `/_emulator/metrics`, `/_emulator/livez`, `/_emulator/readyz` — wired
/// by `MailDouble` once the parts exist (the control router is built before the server and its counters).
final class Operations: Sendable {
    /// Readiness: `starting` until the server listens and fixtures (and any state) are loaded, `ready` while
    /// it serves, `draining` once a shutdown began (a load balancer should stop sending then).
    enum Phase: String, Sendable {
        case starting, ready, draining
    }

    struct Sources: Sendable {
        var requests: RequestMetrics
        var connections: @Sendable () -> ConnectionStats
        var deliveries: @Sendable () -> [DeliveryOutcome: Int]
    }

    private let state = Locked<(phase: Phase, sources: Sources?)>((.starting, nil))

    var phase: Phase {
        get { state.withLock { $0.phase } }
        set { state.withLock { $0.phase = newValue } }
    }

    func attach(_ sources: Sources) { state.withLock { $0.sources = sources } }

    /// The whole exposition, computed now: counters from the request shards, the loops and the webhook
    /// sender; gauges (stored messages, parked waiters, open connections) read from their owners.
    func metricsText(vendors: [any Vendor], parkedWaiters: Int) -> [UInt8] {
        var out = PrometheusText()
        out.family("maildouble_build_info", .gauge, help: "Always 1; the version is a label.")
        out.sample("maildouble_build_info", [("version", ControlAPI.version)], 1)
        out.family("maildouble_ready", .gauge, help: "1 while ready to serve (see /_emulator/readyz), else 0.")
        let (phase, sources) = state.withLock { ($0.phase, $0.sources) }
        out.sample("maildouble_ready", [], phase == .ready ? 1 : 0)
        if let sources { Self.write(sources, into: &out) }

        out.family(
            "maildouble_stored_messages",
            .gauge,
            help: "Messages stored now, by vendor and tenant (Flowmailer account, Postflare team, Flowdock org)."
        )
        for vendor in vendors {
            let counts = vendor.storedMessageCounts()
            for tenant in counts.keys.sorted() {
                out.sample(
                    "maildouble_stored_messages",
                    [("vendor", vendor.name), ("tenant", tenant)],
                    counts[tenant]!
                )
            }
        }
        out.family(
            "maildouble_evicted_messages_total",
            .counter,
            help: "Stored messages dropped, oldest first, to stay within --max-messages per tenant."
        )
        for vendor in vendors {
            out.sample("maildouble_evicted_messages_total", [("vendor", vendor.name)], vendor.evictedMessages)
        }
        out.family("maildouble_parked_waiters", .gauge, help: "GET /_emulator/messages/wait requests parked now.")
        out.sample("maildouble_parked_waiters", [], parkedWaiters)
        return out.bytes
    }

    private static func write(_ sources: Sources, into out: inout PrometheusText) {
        let metrics = sources.requests
        let totals = metrics.totals()
        out.family(
            "maildouble_requests_total",
            .counter,
            help: "Requests answered, by vendor (router), method, route template and status (0: a fault dropped "
                + "the answer; 499: the client hung up before a deferred answer)."
        )
        for r in totals.requests {
            let route = metrics.routes[r.slot]
            out.sample(
                "maildouble_requests_total",
                [
                    ("vendor", route.vendor), ("method", RequestMetrics.methods[r.method]), ("route", route.route),
                    ("status", String(r.status)),
                ],
                r.count
            )
        }
        out.family(
            "maildouble_request_duration_seconds",
            .histogram,
            help: "Time from the handler being called to the answer (deferred: its completion), by route."
        )
        for h in totals.latency {
            let route = metrics.routes[h.slot]
            out.histogram(
                "maildouble_request_duration_seconds",
                [("vendor", route.vendor), ("route", route.route)],
                bounds: RequestMetrics.bucketBounds,
                counts: h.buckets,
                sum: h.sum,
                count: h.count
            )
        }
        out.family(
            "maildouble_faults_fired_total",
            .counter,
            help: "Requests a scripted fault rule acted on, by vendor and rule id."
        )
        for (key, n) in totals.faults.sorted(by: { ($0.key.vendor, $0.key.rule) < ($1.key.vendor, $1.key.rule) }) {
            out.sample("maildouble_faults_fired_total", [("vendor", key.vendor), ("rule", key.rule)], n)
        }

        let c = sources.connections()
        out.family(
            "maildouble_open_connections",
            .gauge,
            help: "Open client connections by transport (tls) and protocol (h1, h2; pending before it is chosen)."
        )
        for key in c.open.keys.sorted() {
            out.sample(
                "maildouble_open_connections",
                [("tls", key.tls ? "true" : "false"), ("protocol", key.protocol)],
                c.open[key]!
            )
        }
        out.family("maildouble_connections_accepted_total", .counter, help: "Client connections accepted.")
        out.sample("maildouble_connections_accepted_total", [], c.accepted)
        out.family("maildouble_tls_handshakes_total", .counter, help: "TLS handshakes on the HTTPS port, by result.")
        out.sample("maildouble_tls_handshakes_total", [("result", "completed")], c.tlsHandshakes)
        out.sample("maildouble_tls_handshakes_total", [("result", "failed")], c.tlsHandshakeFailures)

        let deliveries = sources.deliveries()
        out.family(
            "maildouble_webhook_deliveries_total",
            .counter,
            help: "Webhook POST attempts by vendor and outcome: delivered (2xx), rejected (another status), "
                + "failed (no HTTP answer)."
        )
        let vendorsSeen = Set(deliveries.keys.map(\.vendor)).sorted()
        for vendor in vendorsSeen {
            for kind in DeliveryOutcome.Kind.allCases {
                let n = deliveries[DeliveryOutcome(vendor: vendor, outcome: kind)] ?? 0
                out.sample("maildouble_webhook_deliveries_total", [("vendor", vendor), ("outcome", kind.rawValue)], n)
            }
        }
    }
}
