// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import HTTPServer

/// Repeated identical log lines: the first, then at most one "(repeated N times)" per second.
@Suite struct RepeatedLineLimiterTests {
    static let emfile = "accept: out of resources (Too many open files); pausing new connections"

    @Test func aFloodOfOneLineBecomesTheFirstThenOneSummaryPerSecond() {
        var limiter = RepeatedLineLimiter()
        var written: [String] = []
        // 136 identical lines in 7 s, as EMFILE produced: one every ~51 ms, with a flush every 200 ms.
        var t = 100.0
        var nextFlush = 100.2
        for _ in 0..<136 {
            if let line = limiter.admit(Self.emfile, now: t) { written.append(line) }
            if t >= nextFlush {
                written += limiter.flush(now: t)
                nextFlush += 0.2
            }
            t += 7.0 / 136
        }
        written += limiter.flush(now: t + 1)
        #expect(written.first == Self.emfile)
        #expect(written.count <= 1 + 8)
        #expect(written.dropFirst().allSatisfy { $0.hasPrefix(Self.emfile + " (repeated ") })
        // Every occurrence is accounted for: the first plus the counts of the summaries.
        let counted = written.dropFirst().compactMap { line -> Int? in
            Int(line.split(separator: "(repeated ").last!.split(separator: " ").first!)
        }
        #expect(1 + counted.reduce(0, +) == 136)
    }

    @Test func aLineThatWentQuietIsForgottenAndPrintedPlainlyNextTime() {
        var limiter = RepeatedLineLimiter()
        #expect(limiter.admit("a", now: 0) == "a")
        #expect(limiter.flush(now: 1.5).isEmpty)
        #expect(limiter.entries.isEmpty)
        #expect(limiter.admit("a", now: 2) == "a")
    }

    @Test func aRepeatAfterTheIntervalCarriesTheCountItself() {
        var limiter = RepeatedLineLimiter()
        #expect(limiter.admit("a", now: 0) == "a")
        #expect(limiter.admit("a", now: 0.5) == nil)
        #expect(limiter.admit("a", now: 0.9) == nil)
        // No flush ran in between: the next occurrence reports the two held back plus itself.
        #expect(limiter.admit("a", now: 1.2) == "a (repeated 3 times)")
        #expect(limiter.admit("a", now: 1.3) == nil)
    }

    @Test func distinctLinesAreLimitedSeparatelyAndTheTableIsBounded() {
        var limiter = RepeatedLineLimiter(interval: 1, capacity: 2)
        #expect(limiter.admit("a", now: 0) == "a")
        #expect(limiter.admit("b", now: 0) == "b")
        #expect(limiter.admit("a", now: 0.1) == nil)
        #expect(limiter.admit("c", now: 0.1) == "c")  // beyond capacity: passes, untracked
        #expect(limiter.admit("c", now: 0.2) == "c")
        #expect(limiter.flush(now: 1) == ["a (repeated 1 time)"])
    }
}
