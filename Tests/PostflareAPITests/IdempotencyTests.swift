// SPDX-License-Identifier: Apache-2.0
import Dispatch
import EmulatorKit
import Foundation
import HTTPCore
import Synchronization
import Testing

@testable import PostflareAPI

@Suite struct IdempotencyTests {
    @Test func replayReturnsTheOriginalWithoutSendingAgain() throws {
        let h = try Harness()
        let first = h.call(.POST, "/emails", Harness.email(), headers: [("Idempotency-Key", "k-1")])
        let again = h.call(.POST, "/emails", Harness.email(), headers: [("Idempotency-Key", "k-1")])
        #expect(first.status == 200)
        #expect(again.status == 200)
        #expect(again.id == first.id)
        #expect(again.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(h.call(.GET, "/emails").json["data"]?.arrayValue?.count == 1)
        // 24 hours later the key is forgotten.
        h.clock.advance(bySeconds: 24 * 3600 + 1)
        #expect(h.call(.POST, "/emails", Harness.email(), headers: [("Idempotency-Key", "k-1")]).id != first.id)
    }

    @Test func differentPayloadOrEndpointIsAConflict() throws {
        let h = try Harness()
        _ = h.call(.POST, "/emails", Harness.email(), headers: [("Idempotency-Key", "k-2")])
        let r = h.call(.POST, "/emails", Harness.email(["subject": "Other"]), headers: [("Idempotency-Key", "k-2")])
        expectError(r, 409, "invalid_idempotent_request")
        expectError(
            h.call(.POST, "/emails/batch", [Harness.email()], headers: [("Idempotency-Key", "k-2")]),
            409,
            "invalid_idempotent_request"
        )
    }

    @Test func keyLengthIsChecked() throws {
        let h = try Harness()
        expectError(
            h.call(.POST, "/emails", Harness.email(), headers: [("Idempotency-Key", "")]),
            400,
            "invalid_idempotency_key"
        )
        let long = String(repeating: "k", count: 257)
        expectError(
            h.call(.POST, "/emails", Harness.email(), headers: [("Idempotency-Key", long)]),
            400,
            "invalid_idempotency_key"
        )
    }

    @Test func failedAttemptReleasesTheKey() throws {
        let h = try Harness()
        expectError(
            h.call(.POST, "/emails", Harness.email(to: "bad"), headers: [("Idempotency-Key", "k-3")]),
            422,
            "validation_error"
        )
        #expect(h.call(.POST, "/emails", Harness.email(), headers: [("Idempotency-Key", "k-3")]).status == 200)
    }

    @Test func batchReplays() throws {
        let h = try Harness()
        let a = h.call(.POST, "/emails/batch", [Harness.email()], headers: [("Idempotency-Key", "b-1")])
        let b = h.call(.POST, "/emails/batch", [Harness.email()], headers: [("Idempotency-Key", "b-1")])
        #expect(a.json == b.json)
    }

    /// The first request is held inside the send (after its key is reserved) on another thread while a
    /// second request with the same key arrives: it must get 409 `concurrent_idempotent_requests`.
    @Test func concurrentRequestWithTheSameKey() throws {
        let h = try Harness()
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let fired = Atomic<Bool>(false)
        h.api.store.idempotency.afterReserve.withLock { hook in
            hook = {
                guard !fired.exchange(true, ordering: .relaxed) else { return }
                entered.signal()
                release.wait()
            }
        }
        let firstStatus = Locked<Int>(0)
        let thread = Thread {
            let r = h.call(.POST, "/emails", Harness.email(), headers: [("Idempotency-Key", "c-1")])
            firstStatus.withLock { $0 = r.status }
            done.signal()
        }
        thread.start()
        entered.wait()
        let second = h.call(.POST, "/emails", Harness.email(), headers: [("Idempotency-Key", "c-1")])
        expectError(second, 409, "concurrent_idempotent_requests")
        release.signal()
        done.wait()
        #expect(firstStatus.withLock { $0 } == 200)
        #expect(h.call(.POST, "/emails", Harness.email(), headers: [("Idempotency-Key", "c-1")]).status == 200)
        #expect(h.call(.GET, "/emails").json["data"]?.arrayValue?.count == 1)
    }
}
