// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import HTTPServer

/// The connection lifecycle without sockets: every timeout is driven by the time passed in.
@Suite struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine
    static let timeouts = Machine.Timeouts(headerRead: 10, keepAlive: 75, linger: 2)

    /// A plain-port HTTP/1.1 connection whose codec was just chosen at t = 100.
    static func http1() -> Machine {
        var m = Machine(timeouts: timeouts, now: 100)
        m.protocolChosen()
        return m
    }

    @Test func aHandshakeThatNeverFinishesIsClosedAfterTheHeaderReadTimeout() {
        var m = Machine(timeouts: Self.timeouts, now: 100)
        #expect(m.state == .handshaking(since: 100))
        #expect(m.timerFired(now: 110, busy: false, isHTTP2: false) == .none)
        #expect(m.timerFired(now: 110.5, busy: false, isHTTP2: false) == .close)
    }

    @Test func aSlowDripHeadGets408AndALingeringClose() {
        var m = Self.http1()
        #expect(m.bytesRead(now: 101) == .deliver)
        m.http1BytesArrived(count: 3, parserIdle: true, now: 101)
        m.http1NeedsMoreData(parserIdle: false)
        #expect(m.state == .readingHead(since: 101))
        // Small drips do not extend the deadline.
        m.http1BytesArrived(count: 1, parserIdle: false, now: 108)
        #expect(m.timerFired(now: 111, busy: false, isHTTP2: false) == .none)
        #expect(m.timerFired(now: 111.2, busy: false, isHTTP2: false) == .answerRequestTimeout)
        #expect(m.closeRequested && m.lingerOnClose && m.state == .idle)
        // Only once.
        #expect(m.timerFired(now: 111.4, busy: false, isHTTP2: false) == .none)
        #expect(m.outputFlushed(responsesOwed: false, now: 111.5) == .halfClose(linger: true))
        #expect(m.state == .lingering(until: 113.5))
        #expect(m.bytesRead(now: 112) == .discard)
        #expect(m.timerFired(now: 113, busy: false, isHTTP2: false) == .none)
        #expect(m.timerFired(now: 113.5, busy: false, isHTTP2: false) == .close)
    }

    @Test func aLargeReadIsProgressAndRestartsTheHeadClock() {
        var m = Self.http1()
        m.http1BytesArrived(count: 500, parserIdle: true, now: 101)
        m.http1BytesArrived(count: 64 * 1024, parserIdle: false, now: 109)
        #expect(m.state == .readingHead(since: 109))
        #expect(m.timerFired(now: 118, busy: false, isHTTP2: false) == .none)
    }

    @Test func aRequestBeingAnsweredIsNeverLate() {
        var m = Self.http1()
        m.http1BytesArrived(count: 40, parserIdle: true, now: 101)
        m.http1RequestParsed(moreBuffered: true, now: 101)  // a pipelined head follows
        #expect(m.state == .readingHead(since: 101))
        #expect(m.timerFired(now: 200, busy: true, isHTTP2: false) == .none)
    }

    @Test func keepAliveIdleClosesAfterItsTimeoutCountedFromTheLastActivity() {
        var m = Self.http1()
        m.http1BytesArrived(count: 40, parserIdle: true, now: 101)
        m.http1RequestParsed(moreBuffered: false, now: 101)
        #expect(m.state == .idle)
        m.activity(now: 120)  // a deferred answer went out
        #expect(m.timerFired(now: 194, busy: false, isHTTP2: false) == .none)
        #expect(m.timerFired(now: 196, busy: true, isHTTP2: false) == .none)
        #expect(m.timerFired(now: 196, busy: false, isHTTP2: false) == .close)
    }

    @Test func anIdleHTTP2ConnectionGetsOneGoAway() {
        var m = Self.http1()
        #expect(m.timerFired(now: 176, busy: true, isHTTP2: true) == .none)  // streams open
        #expect(m.timerFired(now: 176, busy: false, isHTTP2: true) == .goAway)
        #expect(m.closeRequested)
        #expect(m.timerFired(now: 177, busy: false, isHTTP2: true) == .none)
        #expect(m.outputFlushed(responsesOwed: false, now: 177) == .halfClose(linger: false))
    }

    @Test func shutdownClosesIdleConnectionsAndDrainsBusyOnes() {
        var idle = Self.http1()
        #expect(idle.shutdownBegun(codec: .http1(parserIdle: true), responsesOwed: false) == .close)

        var busy = Self.http1()
        #expect(busy.shutdownBegun(codec: .http1(parserIdle: true), responsesOwed: true) == .finishInFlight)
        #expect(busy.outputFlushed(responsesOwed: true, now: 101) == .none)  // still owed
        #expect(busy.outputFlushed(responsesOwed: false, now: 102) == .halfClose(linger: false))

        var midHead = Self.http1()
        #expect(midHead.shutdownBegun(codec: .http1(parserIdle: false), responsesOwed: false) == .finishInFlight)

        var h2 = Self.http1()
        #expect(h2.shutdownBegun(codec: .http2, responsesOwed: false) == .goAway)

        var sniffing = Machine(timeouts: Self.timeouts, now: 100)
        #expect(sniffing.shutdownBegun(codec: .undecided, responsesOwed: false) == .close)
    }

    @Test func aClosedConnectionIgnoresEverything() {
        var m = Self.http1()
        m.closed()
        #expect(m.isClosed)
        #expect(m.bytesRead(now: 101) == .none)
        #expect(m.timerFired(now: 1000, busy: false, isHTTP2: false) == .none)
        #expect(m.shutdownBegun(codec: .http1(parserIdle: true), responsesOwed: false) == .none)
        m.closeAfterFlush()
        #expect(m.outputFlushed(responsesOwed: false, now: 1000) == .none)
    }

    @Test func flushingWithoutACloseRequestKeepsTheConnection() {
        var m = Self.http1()
        #expect(m.outputFlushed(responsesOwed: false, now: 101) == .none)
        m.closeAfterFlush()
        #expect(m.outputFlushed(responsesOwed: false, now: 101) == .halfClose(linger: false))
    }
}
