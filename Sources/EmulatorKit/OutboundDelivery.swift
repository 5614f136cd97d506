// SPDX-License-Identifier: Apache-2.0
public import HTTPCore

/// One outbound HTTP POST a vendor wants made (a webhook), handed to the app's one delivery worker.
public struct OutboundDelivery: Sendable {
    public var vendor: String
    public var tenant: String
    /// The vendor's id of the receiving endpoint (a webhook id).
    public var endpointId: String
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// 1 for the first attempt.
    public var attempt: Int
    /// The vendor's id of what is delivered (a Svix message id), stable across attempts.
    public var deliveryId: String
    /// The event type, for logs and the journal (`email.delivered`).
    public var eventType: String

    public init(
        vendor: String,
        tenant: String,
        endpointId: String,
        url: String,
        headers: HTTPHeaders,
        body: [UInt8],
        attempt: Int,
        deliveryId: String,
        eventType: String
    ) {
        self.vendor = vendor
        self.tenant = tenant
        self.endpointId = endpointId
        self.url = url
        self.headers = headers
        self.body = body
        self.attempt = attempt
        self.deliveryId = deliveryId
        self.eventType = eventType
    }
}

/// A vendor that sends webhooks. The delivery worker polls `takeDueDeliveries`, POSTs each, and reports a
/// failure back so the vendor can schedule its retry by its own policy.
public protocol OutboundDeliverySource: Sendable {
    /// Deliveries due now on the emulator clock; each is handed out once.
    func takeDueDeliveries() -> [OutboundDelivery]
    /// A delivery failed (non-2xx or no answer); returns whether a retry was scheduled.
    func deliveryFailed(_ delivery: OutboundDelivery) -> Bool
    /// A delivery failed: schedules the retry like `deliveryFailed(_:)` and returns when it is due (emulator
    /// time), or nil when none was scheduled. The delivery journal shows it as `next_attempt`. The default
    /// calls `deliveryFailed(_:)` and cannot tell the time (nil either way): implement it to show it.
    func scheduleRetry(_ delivery: OutboundDelivery) -> Timestamp?
    /// Background work the vendor does between deliveries (bounded batches; never long).
    func performBackgroundWork()
    /// An attempt was made, after `scheduleRetry` for a failure: the endpoint's status (nil when no answer
    /// came), the transport error, and when the retry is due (nil when none). For a vendor's own delivery log
    /// (Postflare's `GET /webhooks/{id}/events`); the default does nothing.
    func deliveryAttempted(_ delivery: OutboundDelivery, status: Int?, error: String?, nextAttempt: Timestamp?)
}

extension OutboundDeliverySource {
    public func performBackgroundWork() {}
    public func deliveryAttempted(_ delivery: OutboundDelivery, status: Int?, error: String?, nextAttempt: Timestamp?) {
    }
    public func scheduleRetry(_ delivery: OutboundDelivery) -> Timestamp? {
        _ = deliveryFailed(delivery)
        return nil
    }
}
