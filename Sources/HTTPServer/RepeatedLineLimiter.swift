// SPDX-License-Identifier: Apache-2.0

/// Keeps a log from flooding with one line repeated (accept failing with EMFILE on every loop wake-up): the first
/// occurrence passes, later ones within `interval` seconds are counted, and at most one
/// "<line> (repeated N times)" per interval follows while they go on. Pure value, clock passed in.
struct RepeatedLineLimiter {
    struct Entry {
        var windowStart: Double
        var suppressed: Int
    }

    let interval: Double
    /// Lines tracked at once; beyond this (a flood of distinct lines) new lines pass untracked.
    let capacity: Int
    private(set) var entries: [String: Entry] = [:]

    init(interval: Double = 1, capacity: Int = 256) {
        self.interval = interval
        self.capacity = capacity
    }

    /// The line to write now for an occurrence of `line` at `now`, or nil when it is counted instead.
    mutating func admit(_ line: String, now: Double) -> String? {
        guard var entry = entries[line] else {
            if entries.count < capacity { entries[line] = Entry(windowStart: now, suppressed: 0) }
            return line
        }
        if now - entry.windowStart < interval {
            entry.suppressed += 1
            entries[line] = entry
            return nil
        }
        entries[line] = Entry(windowStart: now, suppressed: 0)
        return entry.suppressed == 0 ? line : Self.summary(line, entry.suppressed + 1)
    }

    /// Summaries of lines whose interval has ended with repeats counted; forgets lines that went quiet.
    mutating func flush(now: Double) -> [String] {
        var out: [String] = []
        for (line, entry) in entries where now - entry.windowStart >= interval {
            if entry.suppressed > 0 {
                out.append(Self.summary(line, entry.suppressed))
                entries[line] = Entry(windowStart: now, suppressed: 0)
            } else {
                entries[line] = nil
            }
        }
        return out
    }

    static func summary(_ line: String, _ count: Int) -> String {
        "\(line) (repeated \(count) \(count == 1 ? "time" : "times"))"
    }
}
