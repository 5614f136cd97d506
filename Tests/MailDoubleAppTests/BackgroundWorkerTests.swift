// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Routing
import Testing

@testable import MailDoubleApp

/// The thread that applies queued vendor work: woken by whoever queues, it drains the work batch by batch;
/// tests wait on `waitUntilDrained`, never on time.
@Suite struct BackgroundWorkerTests {
    @Test func drainsQueuedBatchesWhenWokenAndStopsCleanly() {
        let batches = Locked((left: 5, calls: 0))
        let worker = BackgroundWorker(pollInterval: 60, log: { Issue.record("\($0)") })
        worker.start {
            batches.withLock { b in
                b.calls += 1
                guard b.left > 0 else { return false }
                b.left -= 1
                return true
            }
        }
        #expect(worker.waitUntilDrained(worker.wake(), timeout: 30))
        #expect(batches.withLock { $0 } == (0, 6))
        batches.withLock { $0.left = 3 }
        #expect(worker.waitUntilDrained(worker.wake(), timeout: 30))
        #expect(batches.withLock { $0.calls } == 10)
        worker.stop()
        // Stopped: a wake runs nothing and nobody waits for it.
        batches.withLock { $0.left = 1 }
        #expect(!worker.waitUntilDrained(worker.wake(), timeout: 30))
        #expect(batches.withLock { $0.calls } == 10)
        worker.stop()
    }

    /// A contact import over the app: answered at once, applied by the worker with no read of the import.
    @Test func appliesContactImportsInTheBackground() throws {
        let app = try MailDoubleTests.start { $0.frozenClockMillis = 1_767_225_600_000 }
        defer { MailDoubleTests.stop(app) }
        var csv = "email\r\n"
        for i in 0..<3_500 { csv += "bg\(i)@example.org\r\n" }
        let body = "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\n\r\n\(csv)\r\n--B--\r\n"
        let headers: HTTPHeaders = [
            "Authorization": "Bearer re_test_maildouble_full", "Content-Type": "multipart/form-data; boundary=B",
        ]
        let post = app.dispatcher.respond(
            to: Request(method: .POST, target: "/contacts/imports", headers: headers, body: Array(body.utf8))
        )
        #expect(post.status == .created)
        let id = try #require(try JSON.parse(post.body)["id"]?.stringValue)
        #expect(app.backgroundWorker.waitUntilDrained(app.backgroundWorker.wake(), timeout: 60))
        let auth: HTTPHeaders = ["Authorization": "Bearer re_test_maildouble_full"]
        let last = app.dispatcher.respond(
            to: Request(method: .GET, target: "/contacts/bg3499%40example.org", headers: auth)
        )
        #expect(last.status == .ok)
        #expect(
            app.dispatcher.respond(to: Request(method: .POST, target: "/_emulator/clock/advance?seconds=1")).status
                == .ok
        )
        let got = try JSON.parse(
            app.dispatcher.respond(to: Request(method: .GET, target: "/contacts/imports/\(id)", headers: auth)).body
        )
        #expect(got["status"] == "completed")
        #expect(got["counts"]?["created"] == 3_500)
    }
}
