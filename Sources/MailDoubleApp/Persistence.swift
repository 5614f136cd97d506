// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Glibc
import HTTPCore

/// When `--data-dir` state is written (`--fsync`).
public enum FsyncMode: String, Sendable, CaseIterable {
    /// A writer thread commits what changed at most once a second: a kill -9 loses at most the last second.
    case interval
    /// A 2xx answer to a mutating request is held until a commit that includes its change is on disk (group
    /// commit: one commit serves every request that finished before it began).
    case always
}

/// Keeps the emulator's state in a `StateStore` (`--data-dir`): restores it at start, commits what changed
/// from a writer thread, and a last time at shutdown.
///
/// What changed: every non-GET/HEAD request that got a 2xx (`noteRequest`), by the vendor it went to (all of
/// them for a control route), plus what the change feed shows vendors did in the background (lifecycle
/// events, webhook attempts and retries). Only changed vendors are encoded again; the others' bytes from
/// the previous commit are written as they are.
///
/// Why state, not a request log: ids come from a shared PRNG drawn by concurrent requests, so replaying
/// requests would not give the same ids back.
final class Persistence: @unchecked Sendable {
    // @unchecked: every `var` is only read or written with `mutex` held; the pointers never change.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    let store: any StateStore
    let mode: FsyncMode
    private let vendors: [any Vendor]
    private let clock: EmulatorClock
    private let changes: ChangeFeed
    private let log: @Sendable (String) -> Void

    /// Requests counted so far, and the count the last finished commit began at.
    private var generation: UInt64 = 0
    private var committed: UInt64 = 0
    /// Vendors changed since the last commit began; `allDirty` for a control route.
    private var dirty: Set<String> = []
    private var allDirty = false
    /// Held answers (`always`): run once `committed` reaches their generation.
    private var waiters: [(generation: UInt64, resume: @Sendable (Bool) -> Void)] = []
    private var stopped = false
    private var thread: pthread_t?
    /// Writer-thread state: the bytes of each part at the last commit, the change feed read so far.
    private var parts: [String: [UInt8]] = [:]
    /// Served vendors whose loaded part was too big to keep (`keptPartBytes`): on disk unchanged, not in
    /// `parts`, encoded again with the next commit something else asks for.
    private var unloaded: Set<String> = []
    private var feedSeq: UInt64 = 0
    private var lastClockOffset: Int64 = 0
    /// Commits made and the time the last one took (tests and the bench read them).
    private(set) var commits = 0
    private(set) var lastCommitSeconds = 0.0

    static let emulatorPart = "emulator"
    /// A loaded part at least this big is not kept for the next commit: a million stored e-mails are a 170 MB
    /// part that stayed resident (a sixth of the RSS) only to be written back when another vendor changed.
    /// Encoding it again then costs what the first change to it costs anyway.
    static let keptPartBytes = 1 << 20

    init(
        store: any StateStore,
        mode: FsyncMode,
        vendors: [any Vendor],
        clock: EmulatorClock,
        changes: ChangeFeed,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.store = store
        self.mode = mode
        self.vendors = vendors
        self.clock = clock
        self.changes = changes
        self.log = log
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    private func locked<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Puts the stored state back, replacing what the fixtures loaded; returns whether there was any. A part
    /// for a vendor that is not served is ignored; a vendor without a part keeps its fixtures.
    @discardableResult
    func restore() throws -> Bool {
        let saved: [String: [UInt8]]
        do { saved = try store.load() } catch { throw AppError(error.description) }
        guard !saved.isEmpty else { return false }
        for vendor in vendors {
            guard let bytes = saved[vendor.name] else { continue }
            do { try vendor.restorePersisted(bytes) } catch {
                throw AppError("\(storeName): the \(vendor.name) state does not decode (\(error)); move it away")
            }
        }
        if let bytes = saved[Self.emulatorPart] {
            do {
                let emulator = try BinaryCoder.decode(EmulatorState.self, from: bytes)
                clock.advance(byMillis: emulator.clockOffsetMillis - clock.offsetMillis)
            } catch {
                throw AppError("\(storeName): the emulator state does not decode (\(error)); move it away")
            }
        }
        // What was loaded is what is on disk: the first commit re-encodes only what changes after it.
        let served = Set(vendors.map(\.name))
        unloaded = Set(saved.filter { served.contains($0.key) && $0.value.count >= Self.keptPartBytes }.keys)
        parts = saved.filter { !unloaded.contains($0.key) }
        lastClockOffset = clock.offsetMillis
        feedSeq = changes.lastSeq
        return true
    }

    private var storeName: String { (store as? FileStateStore)?.path ?? "the state store" }

    /// A request finished: when it may have changed state (not GET/HEAD, 2xx), counts it, wakes the writer,
    /// and returns its generation (what `afterCommit` waits for); nil when it changed nothing.
    func noteRequest(method: HTTPMethod, status: Int, vendor: String?) -> UInt64? {
        guard method != .GET && method != .HEAD, (200..<300).contains(status) else { return nil }
        // No wake-up here: under `interval` the writer looks on its one-second tick (a wake-up per request
        // would cost a context switch each); under `always` the held answer's `afterCommit` wakes it.
        return locked {
            generation += 1
            if let vendor { dirty.insert(vendor) } else { allDirty = true }
            return generation
        }
    }

    /// Runs `resume(true)` once a commit that began after `generation` was counted is on disk (false when that
    /// commit failed or persistence stopped first).
    func afterCommit(_ generation: UInt64, _ resume: @escaping @Sendable (Bool) -> Void) {
        let now: Bool? = locked {
            if committed >= generation { return true }
            if stopped && thread == nil { return false }
            waiters.append((generation, resume))
            pthread_cond_broadcast(condition)
            return nil
        }
        if let now { resume(now) }
    }

    func start() {
        locked {
            guard thread == nil, !stopped else { return }
            var t = pthread_t()
            let box = Unmanaged.passRetained(self).toOpaque()
            guard pthread_create(&t, nil, persistenceThreadMain, box) == 0 else {
                Unmanaged<Persistence>.fromOpaque(box).release()
                log("error: cannot start the persistence writer thread; state is written at shutdown only")
                return
            }
            thread = t
        }
    }

    /// Stops the writer after its commit in flight, then commits what is left (call after the server drained,
    /// so that every answered request is in it).
    func stop() throws {
        let t = locked { () -> pthread_t? in
            stopped = true
            pthread_cond_broadcast(condition)
            return thread
        }
        if let t { pthread_join(t, nil) }
        locked { thread = nil }
        try commitNow(force: false)
    }

    /// One commit of everything changed since the last (all of it when `force`). Only the writer thread or
    /// `stop()` (after joining it) call this, so commits never overlap.
    func commitNow(force: Bool) throws {
        let (target, vendorsDirty, everything) = locked { () -> (UInt64, Set<String>, Bool) in
            defer {
                dirty = []
                allDirty = false
            }
            return (generation, dirty, allDirty)
        }
        // Background changes the change feed shows (due events, deliveries, retries), by vendor.
        var changed = vendorsDirty
        var all = everything || force
        let lastSeq = changes.lastSeq
        if lastSeq != feedSeq {
            let seen = changes.changes(after: feedSeq)
            if seen.first.map({ $0.seq != feedSeq + 1 }) ?? true { all = true }
            for change in seen { changed.insert(change.vendor) }
            feedSeq = seen.last?.seq ?? lastSeq
        }
        let offset = clock.offsetMillis
        let clockChanged = offset != lastClockOffset || parts[Self.emulatorPart] == nil
        let work = vendors.filter { all || changed.contains($0.name) || parts[$0.name] == nil }
        // An unloaded part alone is no reason to commit: the file holds it as it is.
        let asked = work.contains { all || changed.contains($0.name) || !unloaded.contains($0.name) }
        if !asked && !clockChanged && target == committedGeneration {
            return
        }
        let started = Self.monotonicSeconds()
        var next = parts
        do {
            for vendor in work {
                if let bytes = try vendor.persistedState() { next[vendor.name] = bytes }
            }
            next[Self.emulatorPart] = try BinaryCoder.encode(EmulatorState(clockOffsetMillis: offset))
            try store.commit(next)
        } catch {
            log("error: persistence: \(error)")
            let failed = locked { () -> [@Sendable (Bool) -> Void] in
                // The changes stay to commit; the held answers are released as failures.
                allDirty = true
                let out = waiters.filter { $0.generation <= target }.map(\.resume)
                waiters.removeAll { $0.generation <= target }
                return out
            }
            for resume in failed { resume(false) }
            throw error
        }
        parts = next
        unloaded = []
        lastClockOffset = offset
        let elapsed = Self.monotonicSeconds() - started
        let ready = locked { () -> [@Sendable (Bool) -> Void] in
            committed = max(committed, target)
            commits += 1
            lastCommitSeconds = elapsed
            let out = waiters.filter { $0.generation <= committed }.map(\.resume)
            waiters.removeAll { $0.generation <= committed }
            return out
        }
        for resume in ready { resume(true) }
    }

    private var committedGeneration: UInt64 { locked { committed } }

    fileprivate func run() {
        var lastCommit = Self.monotonicSeconds() - 1
        while true {
            let stop = locked { () -> Bool in
                while !stopped {
                    let pending = generation > committed || !dirty.isEmpty || allDirty
                    let now = Self.monotonicSeconds()
                    // `always`: commit as soon as a held answer waits. `interval`: at most once a second; a
                    // second passing also picks up background changes (the change feed, the clock).
                    if mode == .always && !waiters.isEmpty { break }
                    if pending && now - lastCommit >= 1 { break }
                    if !pending && now - lastCommit >= 1 && (changes.lastSeq != feedSeq) { break }
                    var deadline = Self.deadline(after: max(0.01, lastCommit + 1 - now))
                    if now - lastCommit >= 1 { deadline = Self.deadline(after: 1) }
                    if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT {
                        // A tick: re-check (the clock offset is compared at commit time).
                        if clock.offsetMillis != lastClockOffset { break }
                    }
                }
                return stopped
            }
            if stop { return }
            lastCommit = Self.monotonicSeconds()
            try? commitNow(force: false)
        }
    }

    static func monotonicSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    private static func deadline(after seconds: Double) -> timespec {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        let nanos = Int(t.tv_nsec) + Int(seconds * 1e9)
        t.tv_sec += nanos / 1_000_000_000
        t.tv_nsec = nanos % 1_000_000_000
        return t
    }
}

/// The emulator's own part of the state: today the clock offset.
struct EmulatorState: Codable {
    var clockOffsetMillis: Int64
}

/// The thread's entry point: a nonisolated free function, because C calls it on a new thread (PLATFORM.md).
private func persistenceThreadMain(_ arg: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let persistence = Unmanaged<Persistence>.fromOpaque(arg!).takeRetainedValue()
    persistence.run()
    return nil
}
