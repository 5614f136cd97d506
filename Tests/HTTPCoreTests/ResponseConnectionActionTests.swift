// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

/// `Response.with(connectionAction:faultID:)`: a fault's marker on an answer, now or when a deferred one completes.
@Suite struct ResponseConnectionActionTests {
    @Test func anImmediateAnswerCarriesTheActionAndTheFaultID() {
        let r = Response.text("hi").with(connectionAction: .close, faultID: "flt_1")
        #expect(r.connectionAction == .close && r.faultID == "flt_1" && r.body == Array("hi".utf8))
        #expect(Response().connectionAction == nil && Response().faultID == nil)
    }

    @Test func aDeferredAnswerGetsTheActionWhenItCompletes() async {
        let inner = ResponsePromise()
        let outer = Response.later(inner).with(connectionAction: .slowBody(bytesPerSecond: 5), faultID: "flt_2")
        let promise = outer.deferred!
        #expect(promise !== inner && outer.faultID == "flt_2")
        inner.complete(.text("late"))
        let final = await promise.value
        #expect(final.connectionAction == .slowBody(bytesPerSecond: 5) && final.faultID == "flt_2")
        #expect(final.body == Array("late".utf8))
    }

    @Test func theOuterPromiseCarriesTheInnerDeadlineAndHandsItsEndBack() async {
        let inner = ResponsePromise(timeoutMilliseconds: 50) { .text("timed out", status: .requestTimeout) }
        let outer = Response.later(inner).with(connectionAction: .close, faultID: "flt_3").deferred!
        #expect(outer.timeout?.milliseconds == 50)
        // What the server does at the deadline: it completes the promise it armed with its timeout answer.
        outer.complete(outer.timeout!.onTimeout())
        #expect(inner.isCompleted)
        #expect(await inner.value.status == .requestTimeout)
        // A hang-up (the server's 499 on the outer promise) completes the inner one too, so its cleanup runs.
        let parked = ResponsePromise()
        let wrapped = Response.later(parked).with(connectionAction: .reset, faultID: nil).deferred!
        wrapped.complete(Response(status: HTTPStatus(499)))
        #expect(await parked.value.status.code == 499)
    }
}
