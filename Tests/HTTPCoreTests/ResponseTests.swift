// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@Suite struct ResponseTests {
    @Test func jsonAddsItsContentTypeUnlessOneIsGiven() {
        let plain = Response.json(["ok": true], status: .created)
        #expect(plain.status == .created)
        #expect(plain.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(String(decoding: plain.body, as: UTF8.self) == #"{"ok":true}"#)
        let vendor = Response.json([1], contentType: "application/vnd.flowmailer.v1.12+json;charset=UTF-8")
        #expect(vendor.headers["Content-Type"] == "application/vnd.flowmailer.v1.12+json;charset=UTF-8")
        let given = Response.json(.null, headers: ["content-type": "application/problem+json"])
        #expect(given.headers.values(for: "Content-Type") == ["application/problem+json"])
    }

    @Test func textIsUTF8Plain() {
        let r = Response.text("héllo", status: .badRequest)
        #expect(r.status == .badRequest)
        #expect(r.headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(r.body == Array("héllo".utf8))
    }

    @Test func defaultsAreAnEmpty200() {
        let r = Response()
        #expect(r.status == .ok)
        #expect(r.headers.isEmpty && r.body.isEmpty && r.deferred == nil)
    }

    @Test func laterCarriesThePromise() {
        let promise = ResponsePromise()
        let r = Response.later(promise)
        #expect(r.deferred === promise)
    }

    @Test func promiseCallsBackOnceWithTheFirstCompletion() {
        let promise = ResponsePromise()
        let seen = Locked<[Int]>([])
        promise.whenComplete { r in seen.withLock { $0.append(r.status.code) } }
        #expect(seen.withLock { $0 }.isEmpty)
        promise.complete(Response(status: .accepted))
        promise.complete(Response(status: .conflict))  // ignored: the first completion wins
        #expect(seen.withLock { $0 } == [202])
        // A callback added after completion runs at once, with the first response.
        promise.whenComplete { r in seen.withLock { $0.append(r.status.code) } }
        #expect(seen.withLock { $0 } == [202, 202])
    }

    @Test func awaitingAPromiseYieldsItsResponse() async {
        let promise = ResponsePromise()
        promise.complete(.text("done"))
        #expect(await promise.value.body == Array("done".utf8))
    }
}
