// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// An insertion-ordered table of JSON resources (flows, sources, templates, …) keyed by id.
struct ResourceTable: Sendable, Codable {
    private(set) var ids: [String] = []
    private var items: [String: JSONObject] = [:]

    var all: [JSONObject] { ids.compactMap { items[$0] } }
    /// The oldest entry, without building `all`.
    var first: JSONObject? { ids.first.flatMap { items[$0] } }
    subscript(id: String) -> JSONObject? { items[id] }

    mutating func put(_ object: JSONObject, id: String) {
        if items[id] == nil { ids.append(id) }
        items[id] = object
    }

    @discardableResult
    mutating func remove(_ id: String) -> Bool {
        guard items.removeValue(forKey: id) != nil else { return false }
        ids.removeAll { $0 == id }
        return true
    }
}

/// Message ids share their first 14 characters (the submit second): the index keys cache their hash.
typealias MessageKey = HashedKey

/// A message's place in the stored order: insert time, then id.
struct InsertKey: Comparable {
    var millis: Int64
    var id: String

    static func < (a: InsertKey, b: InsertKey) -> Bool { a.millis != b.millis ? a.millis < b.millis : a.id < b.id }
}

extension StoredMessage: OrderedRow {
    var rowID: MessageKey { MessageKey(id) }
    var orderKey: InsertKey { InsertKey(millis: inserted.millis, id: id) }
    /// The control plane's `to`, `from` and `subject` filters look messages up by these (what `inspected`
    /// shows as `to`, `from` and `subject`).
    static var indexesTerms: Bool { true }
    var indexTerms: [UInt64] {
        var out = [MessageTerms.recipient(recipientAddress), MessageTerms.from(fromAddress?.address ?? senderAddress)]
        if let subject { out.append(MessageTerms.subject(subject)) }
        return out
    }
}

/// Everything one Flowmailer account owns. Accounts never see each other's state (tenant isolation).
struct AccountState: Sendable, Codable {
    let id: String
    var description: String
    var defaultFlowId: String?
    /// Messages in (inserted, id) order, which is also insertion order (see `insert`).
    var messages = OrderedTable<StoredMessage>()
    /// Messages dropped (oldest first) to stay within the store's per-account cap.
    var evictedMessages = 0
    var lastInsertedMillis: Int64 = .min
    var tables: [String: ResourceTable] = [:]
    /// Held messages released with `POST …/resume`.
    var resumed: Set<String> = []
    /// Recipient filters removed with `DELETE …/filters/{id}`.
    var deletedFilters: Set<String> = []
    /// Messages that will put their recipient on the filter (hard bounce, complaint), so that a submit
    /// checks the filter without scanning every message.
    var filterCandidates: [MessageKey] = []
    /// The extremes of `inserted - submitted` so far. A message submitted in [s, e) was inserted in
    /// [s + minLag, e + maxLag], which bounds the keyset scan of a `;daterange` listing. Submits give a lag
    /// of 0…999 ms; only fixtures can make it large or negative.
    var maxInsertLagMillis: Int64 = 0
    var minInsertLagMillis: Int64 = 0
    var nextId = 100_000
    /// The `Account` object it was created with (`POST /accounts`), if any.
    var details = JSONObject()

    init(id: String, description: String) {
        self.id = id
        self.description = description
    }

    mutating func makeId() -> String {
        nextId += 1
        return String(nextId)
    }

    func message(_ id: String) -> StoredMessage? { messages[MessageKey(id)] }

    /// Appends a message, forcing `inserted` strictly above every earlier one: concurrent submits in the same
    /// millisecond (or a clock moved backwards) must still sort after rows a keyset reader already passed,
    /// or `Next-Range` paging would skip them (spec §3.2 "without missing messages due to paging issues").
    /// Pass a message nobody else holds (`consuming`): the shift below then edits it in place instead of
    /// copying the whole record, which under load (several submits per millisecond) happened on most inserts.
    mutating func insert(_ message: consuming StoredMessage) -> StoredMessage {
        var m = message
        if m.inserted.millis <= lastInsertedMillis {
            m.moveInserted(to: Timestamp(millis: lastInsertedMillis + 1))
        }
        lastInsertedMillis = m.inserted.millis
        maxInsertLagMillis = max(maxInsertLagMillis, m.inserted.millis - m.submitted.millis)
        minInsertLagMillis = min(minInsertLagMillis, m.inserted.millis - m.submitted.millis)
        if m.eventTimeline.contains(where: { $0.type == "HARDBOUNCE" || $0.type == "COMPLAINT" }) {
            filterCandidates.append(MessageKey(m.id))
        }
        messages.upsert(m)
        return m
    }

    /// Drops the oldest messages beyond `limit` (their filter candidates with them) and counts them.
    mutating func evict(beyond limit: Int) {
        let excess = messages.count - limit
        guard excess > 0 else { return }
        // Candidates are appended in insert order, so the dropped ones are at the front (most accounts have
        // none: then no key list is built on this per-submit path).
        if !filterCandidates.isEmpty {
            let dropped = messages.values.prefix(excess).map { MessageKey($0.id) }
            let gone = filterCandidates.prefix { dropped.contains($0) }.count
            if gone > 0 { filterCandidates.removeFirst(gone) }
        }
        messages.removeFirst(excess)
        evictedMessages += excess
    }

    /// The insert times of the messages submitted within `submitted`: submitted ≤ inserted ≤ submitted +
    /// lag, so a submit-time window maps to an insert-time window.
    func insertedWindow(submittedIn submitted: Range<Int64>) -> Range<Int64> {
        // Dates parse to ±3·10^14 ms and lags are small, so this cannot overflow.
        let lower = submitted.lowerBound + minInsertLagMillis
        return lower..<max(lower, submitted.upperBound + maxInsertLagMillis + 1)
    }

    func table(_ name: String) -> ResourceTable { tables[name] ?? ResourceTable() }

    /// The account's credential with this client id (an account holds a handful).
    func credential(clientId: String) -> JSONObject? {
        guard let table = tables["api_credentials"] else { return nil }
        for id in table.ids {
            if let c = table[id], c["clientId"]?.stringValue == clientId { return c }
        }
        return nil
    }
}

/// The Flowmailer emulator's state: one `AccountState` per account behind a single lock. Handlers hold the
/// lock only to copy out or mutate small values; JSON rendering happens outside it.
final class Store: Sendable {
    /// An account's state in a box, so that a read borrows it in place and a write mutates it in place
    /// instead of copying the whole struct out of the dictionary and back.
    private final class AccountBox: @unchecked Sendable {
        // @unchecked: only touched while `Store.accounts` is locked.
        var state: AccountState
        init(_ state: AccountState) { self.state = state }
    }

    private let accounts: Locked<[String: AccountBox]>
    /// Client id → the account its credential was last found in; only a hint (checked on every use), taken
    /// while `accounts` is locked.
    private let clientHints = Locked<[String: String]>([:])
    /// Messages kept per account (`--max-messages`); `write` drops the oldest beyond it.
    let maxMessages: Int

    init(accounts: [AccountState], maxMessages: Int = 100_000) {
        self.accounts = Locked(Self.index(accounts))
        self.maxMessages = maxMessages
    }

    /// Replaces every account (the emulator's reset back to its fixtures).
    func replaceAll(with accounts: [AccountState]) {
        var map = Self.index(accounts)
        self.accounts.withLock { swap(&$0, &map) }
        // The old accounts (all their messages) are freed off the request path and outside the lock.
        DeferredRelease.shared.release(consume map)
    }

    private static func index(_ accounts: [AccountState]) -> [String: AccountBox] {
        var map: [String: AccountBox] = [:]
        for a in accounts { map[a.id] = AccountBox(a) }
        return map
    }

    /// Reads an account; 404 when the account does not exist.
    func read<T>(_ account: String, _ body: (AccountState) throws(HTTPError) -> T) throws(HTTPError) -> T {
        let result: Result<T, HTTPError> = accounts.withLock { map in
            guard let box = map[account] else { return .failure(FlowmailerError.notFound("Account")) }
            do throws(HTTPError) { return .success(try body(box.state)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Mutates an account; 404 when the account does not exist.
    func write<T>(_ account: String, _ body: (inout AccountState) throws(HTTPError) -> T) throws(HTTPError) -> T {
        let result: Result<T, HTTPError> = accounts.withLock { map in
            guard let box = map[account] else { return .failure(FlowmailerError.notFound("Account")) }
            do throws(HTTPError) {
                let value = try body(&box.state)
                box.state.evict(beyond: maxMessages)
                return .success(value)
            } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Creates an account (`POST /accounts`) with the next free numeric id and returns that id.
    /// Messages dropped by the cap, over every account (since start-up or the account's last reset).
    func evictedMessages() -> Int {
        accounts.withLock { map in map.values.reduce(0) { $0 + $1.state.evictedMessages } }
    }

    /// Every account's state, copied under the lock (account order by id).
    func allAccounts() -> [AccountState] {
        accounts.withLock { map in map.keys.sorted().compactMap { map[$0]?.state } }
    }

    /// Replaces one account (or removes it when `state` is nil); false when there was none and none is put.
    @discardableResult
    func replace(account id: String, with state: AccountState?) -> Bool {
        let fresh = state.map(AccountBox.init)
        let old = accounts.withLock { map in
            let old = map[id]
            map[id] = fresh
            return old
        }
        let existed = old != nil
        // Freed off the request path and outside the lock: a million messages take seconds to free.
        DeferredRelease.shared.release(consume old)
        return existed || state != nil
    }

    /// Adds an account made by `make` with a fresh numeric id: `preferred` when that is a free number (no
    /// leading zero), else one above every numeric id in use. Returns the id.
    func insertAccount(preferring preferred: String?, _ make: (String) -> AccountState) -> String {
        accounts.withLock { map in
            var id: String
            if let preferred, let n = Int(preferred), n > 0, String(n) == preferred, map[preferred] == nil {
                id = preferred
            } else {
                id = String((map.keys.compactMap { Int($0) }.max() ?? 0) + 1)
            }
            map[id] = AccountBox(make(id))
            return id
        }
    }

    func createAccount(description: String, details: JSONObject) -> String {
        accounts.withLock { map in
            let next = (map.keys.compactMap { Int($0) }.max() ?? 0) + 1
            var a = AccountState(id: String(next), description: description)
            a.details = details
            map[a.id] = AccountBox(a)
            return a.id
        }
    }

    /// The credential `clientId`/`clientSecret` names, with its account (for the token endpoint and
    /// `tenant(of:)`). The account a client id was last found in is tried first (a few hash lookups); only a
    /// miss (an unknown client, or one whose credential moved or went) scans every account.
    func credential(clientId: String) -> (account: String, object: JSONObject)? {
        accounts.withLock { map in
            if let hinted = clientHints.withLock({ $0[clientId] }), let box = map[hinted],
                let c = box.state.credential(clientId: clientId)
            {
                return (hinted, c)
            }
            for (id, box) in map {
                if let c = box.state.credential(clientId: clientId) {
                    clientHints.withLock { $0[clientId] = id }
                    return (id, c)
                }
            }
            return nil
        }
    }

    /// Whether the account exists.
    func hasAccount(_ id: String) -> Bool { accounts.withLock { $0[id] != nil } }
}
