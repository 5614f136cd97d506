// SPDX-License-Identifier: Apache-2.0

/// An event loop's timers: a binary min-heap on the deadline (ties in scheduling order), each timer owned by a
/// connection so that a hang-up cancels everything the connection armed. Pure value, clock passed in.
struct TimerQueue<Action> {
    struct Entry {
        var deadline: Double
        var sequence: UInt64
        var owner: UInt64
        var action: Action

        func fires(before other: Entry) -> Bool {
            deadline < other.deadline || (deadline == other.deadline && sequence < other.sequence)
        }
    }

    private(set) var entries: [Entry] = []
    private var nextSequence: UInt64 = 0

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }
    /// The earliest deadline, if any timer is armed.
    var nextDeadline: Double? { entries.first?.deadline }

    /// Arms `action` to fire at `deadline` (seconds on the loop's monotonic clock).
    mutating func schedule(at deadline: Double, owner: UInt64, _ action: Action) {
        entries.append(Entry(deadline: deadline, sequence: nextSequence, owner: owner, action: action))
        nextSequence &+= 1
        siftUp(entries.count - 1)
    }

    /// Removes and returns the earliest timer whose deadline is at or before `now`.
    mutating func popExpired(now: Double) -> Action? {
        guard let first = entries.first, first.deadline <= now else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            siftDown(0)
        }
        return first.action
    }

    /// Drops every timer `owner` armed; returns how many.
    @discardableResult
    mutating func cancel(owner: UInt64) -> Int {
        let before = entries.count
        entries.removeAll { $0.owner == owner }
        if entries.count != before {
            // Floyd's heap construction: O(n), and this runs only when a connection with timers goes away.
            for i in stride(from: entries.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
        }
        return before - entries.count
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].fires(before: entries[parent]) else { return }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            guard left < entries.count else { return }
            var earliest = left
            if left + 1 < entries.count && entries[left + 1].fires(before: entries[left]) { earliest = left + 1 }
            guard entries[earliest].fires(before: entries[parent]) else { return }
            entries.swapAt(earliest, parent)
            parent = earliest
        }
    }
}
