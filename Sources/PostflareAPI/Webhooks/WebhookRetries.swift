// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// Failed webhook deliveries waiting for their next attempt on the emulator clock (spec §6.4).
final class WebhookRetryQueue: Sendable {
    struct Retry: Sendable, Codable {
        var teamId: String
        var webhookId: String
        var messageId: String
        var eventType: String
        var body: [UInt8]
        var attempt: Int
        var dueAt: Int64
    }

    /// Seconds to wait after a failed attempt n (n = 1…7) before attempt n + 1.
    static let delaysSeconds: [Int64] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000]
    /// Bound on waiting retries, in case nobody ever collects them.
    static let capacity = 10_000

    private let queue = Locked<[Retry]>([])

    /// Queues the attempt after `d`; false when `d` was the last one (or the queue is full).
    func schedule(_ d: PostflareWebhookDelivery, now: Int64) -> Bool { scheduled(d, now: now) != nil }

    /// Queues the attempt after `d` and returns when it is due (emulator milliseconds); nil when `d` was the
    /// last one (or the queue is full).
    func scheduled(_ d: PostflareWebhookDelivery, now: Int64) -> Int64? {
        guard d.attempt >= 1, d.attempt <= Self.delaysSeconds.count else { return nil }
        let retry = Retry(
            teamId: d.teamId,
            webhookId: d.webhookId,
            messageId: d.messageId,
            eventType: d.eventType,
            body: d.body,
            attempt: d.attempt + 1,
            dueAt: now + Self.delaysSeconds[d.attempt - 1] * 1000
        )
        return queue.withLock { q in
            guard q.count < Self.capacity else { return nil }
            q.append(retry)
            return retry.dueAt
        }
    }

    func takeDue(now: Int64) -> [Retry] {
        queue.withLock { q in
            let due = q.filter { $0.dueAt <= now }
            q.removeAll { $0.dueAt <= now }
            return due
        }
    }

    func reset() { queue.withLock { $0.removeAll() } }

    /// Every retry still to make (what persistence saves), and putting saved ones back.
    var pending: [Retry] { queue.withLock { $0 } }
    func replaceAll(_ retries: [Retry]) { queue.withLock { $0 = retries } }
}
