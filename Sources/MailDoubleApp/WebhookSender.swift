// SPDX-License-Identifier: Apache-2.0
import ControlPlane
import EmulatorKit
import Glibc
import HTTPCore
import HTTPServer
import Logging
import TLS

/// The one delivery worker for every vendor that sends webhooks (today Postflare, spec §6): one thread that,
/// every `pollInterval` of real time, takes the deliveries due on the emulator clock, POSTs each, records the
/// attempt on the change feed, and reports anything but a 2xx (or a transport error) with `deliveryFailed`,
/// which schedules the vendor's next attempt on the emulator clock.
///
/// Deliveries go one at a time, in event order, each bounded by `timeout`: an endpoint that hangs delays the
/// ones behind it, as a single Svix sender queue per endpoint would. After `POST /_emulator/clock/advance`
/// the next poll picks up what became due.
final class WebhookSender: Sendable {
    private let sources: [any OutboundDeliverySource]
    private let vendors: [any Vendor]
    private let changes: ChangeFeed
    /// Where every attempt is recorded for `GET /_emulator/deliveries` (before the change feed hears of it).
    private let journal: DeliveryJournal?
    /// Makes the client context for https endpoints, once, on the first delivery that needs it.
    private let makeTLS: @Sendable () -> TLSContext?
    private let tls = Locked<TLSContext??>(nil)
    private let pollInterval: Double
    private let timeout: Double
    private let logger: Logger
    /// Attempts by vendor and outcome since start (`maildouble_webhook_deliveries_total`).
    let outcomes = Locked<[DeliveryOutcome: Int]>([:])
    private let stopSignal = StopSignal()
    private let thread = Locked<pthread_t?>(nil)

    /// - Parameters:
    ///   - sources: the vendors deliveries come from and failures go back to.
    ///   - changes: where every attempt is recorded.
    ///   - tls: makes the client context for https endpoints (trusting the dev CA), called on the first
    ///     https delivery; returning nil means the system trust store only.
    ///   - pollInterval: real seconds between collections.
    ///   - timeout: real seconds one delivery may take, connect to status line.
    ///   - logger: gets one record per delivery (notice), and the eviction and start-up problems.
    init(
        sources: [any OutboundDeliverySource],
        vendors: [any Vendor] = [],
        changes: ChangeFeed,
        journal: DeliveryJournal? = nil,
        tls: @escaping @Sendable () -> TLSContext?,
        pollInterval: Double = 0.2,
        timeout: Double = 10,
        logger: Logger
    ) {
        self.sources = sources
        self.vendors = vendors
        self.changes = changes
        self.journal = journal
        self.makeTLS = tls
        self.pollInterval = pollInterval
        self.timeout = timeout
        self.logger = logger
    }

    /// Starts the delivery thread (once; later calls do nothing).
    /// Whether any vendor's webhooks go out through this worker.
    var deliversWebhooks: Bool { !sources.isEmpty }
    /// Whether `source` (a vendor object) is one of the sources this worker delivers for.
    func delivers(for source: AnyObject) -> Bool { sources.contains { ($0 as AnyObject) === source } }

    func start() {
        thread.withLock { thread in
            guard thread == nil, !stopSignal.isStopped else { return }
            var t = pthread_t()
            let box = Unmanaged.passRetained(self).toOpaque()
            guard pthread_create(&t, nil, webhookSenderThreadMain, box) == 0 else {
                Unmanaged<WebhookSender>.fromOpaque(box).release()
                logger.error("cannot start the webhook sender thread; webhooks will not be delivered")
                return
            }
            thread = t
        }
    }

    /// Wakes the thread and joins it. A delivery in flight finishes first (bounded by `timeout`); the
    /// deliveries still queued behind it are dropped, as the emulator is going away.
    func stop() {
        stopSignal.stop()
        // Take the handle under the lock and join outside it, so a concurrent stop() cannot join twice.
        if let t = thread.withLock({ t -> pthread_t? in
            defer { t = nil }
            return t
        }) {
            pthread_join(t, nil)
        }
    }

    fileprivate func run() {
        var ticks = 0
        var reportedEvictions = [Int](repeating: 0, count: vendors.count)
        while !stopSignal.wait(seconds: pollInterval) {
            for vendor in vendors { vendor.publishDueEvents() }
            // The cap's drops, logged at most every ten seconds while they grow (not once per message).
            ticks += 1
            if ticks % max(1, Int(10 / pollInterval)) == 0 {
                for (i, vendor) in vendors.enumerated() where vendor.evictedMessages > reportedEvictions[i] {
                    reportedEvictions[i] = vendor.evictedMessages
                    logger.warning(
                        "\(vendor.name): \(reportedEvictions[i]) oldest message(s) dropped so far (--max-messages)",
                        metadata: [
                            "event": "messages.evicted", "vendor": "\(vendor.name)",
                            "evicted": "\(reportedEvictions[i])",
                        ]
                    )
                }
            }
            for source in sources {
                source.performBackgroundWork()
                for delivery in source.takeDueDeliveries() {
                    if stopSignal.isStopped { return }
                    deliver(delivery, from: source)
                }
            }
            // Replays asked for through `POST /_emulator/deliveries/{seq}/replay`, outside any retry schedule.
            for replay in journal?.takeReplays() ?? [] {
                if stopSignal.isStopped { return }
                deliver(replay.delivery, from: nil, replayOf: replay.replayOf)
            }
        }
    }

    private func clientTLS() -> TLSContext? {
        tls.withLock { cached in
            if let made = cached { return made }
            let made = makeTLS()
            cached = .some(made)
            return made
        }
    }

    /// POSTs one delivery and logs `webhook email.delivered → http://host/path 200`. The URL is shown
    /// without its query (it may carry a token); signatures and secrets are never logged.
    /// A replay (`replayOf`, no `source`) is journaled like any attempt but never retried.
    func deliver(_ delivery: OutboundDelivery, from source: (any OutboundDeliverySource)?, replayOf: UInt64? = nil) {
        let context = delivery.url.lowercased().hasPrefix("https:") ? clientTLS() : nil
        let startedAt = changes.now()
        let started = RequestJournal.now()
        let result = OutboundHTTP.post(
            url: delivery.url,
            headers: delivery.headers,
            body: delivery.body,
            timeoutSeconds: timeout,
            tls: context
        )
        let durationMs = (RequestJournal.now() - started) * 1000
        let type = delivery.eventType
        let attempt =
            replayOf.map { " (replay of \($0))" } ?? (delivery.attempt > 1 ? " (attempt \(delivery.attempt))" : "")
        let line = "webhook \(type) → \(OutboundHTTP.printable(url: delivery.url))"
        var status: Int?
        var error: String?
        switch result {
        case .success(let s): status = s
        case .failure(let e): error = "\(e)"
        }
        // The retry is scheduled before the attempt is journaled and announced, so both show `next_attempt`.
        let failed = status.map { !(200...299).contains($0) } ?? true
        let next = failed ? source?.scheduleRetry(delivery) : nil
        // Counted before the change feed hears of it, so a test woken by the attempt sees it in the metrics.
        let kind: DeliveryOutcome.Kind = status == nil ? .failed : failed ? .rejected : .delivered
        outcomes.withLock { $0[DeliveryOutcome(vendor: delivery.vendor, outcome: kind), default: 0] += 1 }
        // The vendor's own log hears of it before the journal and the change feed, so a waiter woken by
        // `delivery.attempted` finds it there too.
        source?.deliveryAttempted(delivery, status: status, error: error, nextAttempt: next)
        journal?.record(
            delivery,
            status: status,
            error: error,
            at: startedAt,
            durationMs: durationMs,
            nextAttempt: next,
            replayOf: replayOf
        )
        changes.append(
            .deliveryAttempted,
            vendor: delivery.vendor,
            tenant: delivery.tenant,
            id: delivery.deliveryId,
            detail: "\(type) attempt \(delivery.attempt): \(status.map(String.init) ?? "failed: " + (error ?? ""))"
        )
        let outcome = status.map { " \($0)" } ?? " failed: \(error ?? "")"
        let retry =
            failed
            ? "; " + (replayOf != nil ? "not retried" : next != nil ? "retry scheduled" : "giving up") : ""
        var metadata: Logger.Metadata = [
            "event": "webhook.delivery", "vendor": "\(delivery.vendor)", "event_type": "\(type)",
            "url": "\(OutboundHTTP.printable(url: delivery.url))", "attempt": "\(delivery.attempt)",
            "outcome": "\(kind.rawValue)", "delivery_id": "\(delivery.deliveryId)",
            "duration_ms": .stringConvertible((durationMs * 1000).rounded() / 1000),
        ]
        if let status { metadata["status"] = .stringConvertible(status) }
        if let error { metadata["error"] = "\(error)" }
        metadata["tenant"] = "\(delivery.tenant)"
        logger.notice("\(line)\(outcome)\(attempt)\(retry)", metadata: metadata)
    }
}

/// One series of `maildouble_webhook_deliveries_total`: a vendor and what came of an attempt.
struct DeliveryOutcome: Hashable, Sendable {
    enum Kind: String, Sendable, CaseIterable {
        /// The endpoint answered 2xx.
        case delivered
        /// It answered with another status (the vendor retries).
        case rejected
        /// No HTTP answer: refused, reset, timed out, TLS failed.
        case failed
    }
    var vendor: String
    var outcome: Kind
}

extension WebhookSender {
    /// RFC 2606 §2–3 / RFC 6761 §6.4–6.5: `example.com|net|org`, `*.example` and `*.invalid` never belong
    /// to a receiver. The fixtures' webhook points at example.org; POSTing there would send every test
    /// e-mail's events to IANA's server (or stall on a machine without network), so no events are generated
    /// for such endpoints (`PostflareAPI.Options.webhookEndpointFilter`, set in VendorOptions.swift).
    static func isDocumentationHost(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }  // a fully qualified "example.org."
        for domain in ["example.com", "example.net", "example.org", "example", "invalid"]
        where name == domain || name.hasSuffix("." + domain) {
            return true
        }
        return false
    }
}

/// The thread's entry point: a nonisolated free function, because C calls it on a new thread (PLATFORM.md).
private func webhookSenderThreadMain(_ arg: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let sender = Unmanaged<WebhookSender>.fromOpaque(arg!).takeRetainedValue()
    sender.run()
    return nil
}
