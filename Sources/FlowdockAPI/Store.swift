// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// Every Flowdock object, behind one lock. Handlers run synchronously on event-loop threads, take the
/// lock once, do their work on `State` and leave; nothing inside blocks.
final class FlowdockStore: Sendable {
    let clock: EmulatorClock
    let changes: ChangeFeed
    private let state: Locked<State>

    init(clock: EmulatorClock, state: State, changes: ChangeFeed) {
        self.clock = clock
        self.changes = changes
        self.state = Locked(state)
    }

    /// Runs `body` under the lock; messages it posted are announced on the change feed after the lock is
    /// released (an observer may read the store).
    func withState<R: Sendable>(_ body: (inout State) throws -> R) throws -> R {
        var posted: [(tenant: String, id: String)] = []
        let result = try state.withLock { (s: inout State) throws -> R in
            let result = try body(&s)
            if !s.posted.isEmpty {
                posted = s.posted.map {
                    (s.tenant(ofFlow: $0.flowID), FlowdockAPI.inspectionID(flow: $0.flowID, id: $0.id))
                }
                s.posted.removeAll()
            }
            return result
        }
        for p in posted { changes.append(.messageStored, vendor: FlowdockAPI.vendorName, tenant: p.tenant, id: p.id) }
        return result
    }

    /// Replaces the whole state at once (emulator reset). The old state is freed by the shared worker, off
    /// the request path and outside the lock.
    func replace(with fresh: State) {
        var old = fresh
        state.withLock { swap(&$0, &old) }
        DeferredRelease.shared.release(consume old)
    }
}

/// Two users' private conversation key, order-independent (private message ids are per conversation).
struct PairKey: Hashable, Sendable, Codable {
    let low: Int
    let high: Int
    init(_ a: Int, _ b: Int) { (low, high) = a < b ? (a, b) : (b, a) }
}

/// One side of a private conversation (each user has their own `open` flag, §4.9).
struct ConversationKey: Hashable, Sendable, Codable {
    let owner: Int
    let other: Int
}

struct State: Sendable, Codable {
    var users: [Int: User] = [:]
    var userOrder: [Int] = []
    /// API token → user id, for authentication and `tenant(of:)` (users and their tokens only come from the
    /// fixtures and provisioned tenants: `insert(_:)` keeps it).
    var userIDsByToken: [String: Int] = [:]
    var organizations: [Int: Organization] = [:]
    var organizationOrder: [Int] = []
    var flows: [String: Flow] = [:]
    var flowOrder: [String] = []
    /// Per flow, ascending by id (ids are never reused, also once the oldest were dropped).
    var messages: [String: OrderedTable<Message>] = [:]
    /// Messages kept per flow (`--max-messages`), and how many were dropped, oldest first, to stay within it.
    var maxMessagesPerFlow = 100_000
    var evictedMessages = 0
    /// Flow id → message uuid → message id, so that retried posts are found without a scan.
    var messageIDsByUUID: [String: [String: Int]] = [:]
    var threads: [String: FlowThread] = [:]
    var threadOrder: [String] = []
    var sources: [Int: Source] = [:]
    var nextSourceID = 1
    var invitations: [Int: Invitation] = [:]
    var nextInvitationID = 1
    var privateMessages: [PairKey: OrderedTable<PrivateMessage>] = [:]
    var conversations: [ConversationKey: Bool] = [:]
    var conversationOrder: [ConversationKey] = []
    var files: [Int: StoredFile] = [:]
    var nextFileID = 1
    var nextUserID = 1
    var nextOrganizationID = 1
    /// Messages posted since the store last announced them on the change feed (flow id, message id).
    @CodedPosted var posted: [(flowID: String, id: Int)] = []

    /// What a reset or a forget takes out of the state, to be freed by `DeferredRelease` after the lock.
    struct Garbage: Sendable {
        var messages: [OrderedTable<Message>] = []
        var uuids: [[String: Int]] = []
        var threads: [FlowThread] = []
        var threadTables: [[String: FlowThread]] = []
        var threadOrders: [[String]] = []

        /// Hands everything to the shared worker and keeps nothing.
        mutating func release() {
            var taken = Garbage()
            swap(&taken, &self)
            DeferredRelease.shared.release(consume taken)
        }
    }

    /// Removes a flow's messages and uuid index into `garbage`.
    mutating func takeMessages(of flowID: String, into garbage: inout Garbage) {
        if let m = messages.removeValue(forKey: flowID) { garbage.messages.append(m) }
        if let u = messageIDsByUUID.removeValue(forKey: flowID) { garbage.uuids.append(u) }
    }

    /// Removes the threads of `flows` into `garbage` and drops them from `threadOrder`. When most threads go
    /// (one big tenant), the rest move to a new dictionary and the old one is handed over whole; else the ids
    /// are collected first (removing while iterating would copy the whole dictionary: the loop holds it).
    mutating func takeThreads(of flows: Set<String>, into garbage: inout Garbage) {
        let gone = threads.reduce(0) { $0 + (flows.contains($1.value.flowID) ? 1 : 0) }
        guard gone > 0 else { return }
        if gone * 2 > threads.count {
            var old = threads.filter { !flows.contains($0.value.flowID) }
            swap(&old, &threads)
            garbage.threadTables.append(old)
        } else {
            let ids = threads.compactMap { flows.contains($0.value.flowID) ? $0.key : nil }
            garbage.threads.reserveCapacity(garbage.threads.count + ids.count)
            for id in ids {
                if let t = threads.removeValue(forKey: id) { garbage.threads.append(t) }
            }
        }
        var order = threadOrder.filter { threads[$0] != nil }
        swap(&order, &threadOrder)
        garbage.threadOrders.append(order)
    }

    /// The organization (its parameterized name) a flow belongs to: Flowdock's tenant.
    func tenant(ofFlow flowID: String) -> String {
        flows[flowID].flatMap { organizations[$0.organizationID]?.parameterizedName } ?? ""
    }

    // MARK: Lookups

    func user(withToken token: String) -> User? {
        guard !token.isEmpty, let id = userIDsByToken[token] else { return nil }
        return users[id]
    }

    /// Adds a user with its tokens (a token another user holds already stays that user's).
    mutating func insert(_ user: User) {
        if users[user.id] == nil { userOrder.append(user.id) }
        users[user.id] = user
        for token in user.apiTokens where userIDsByToken[token] == nil { userIDsByToken[token] = user.id }
        nextUserID = max(nextUserID, user.id + 1)
    }

    /// The user a request's credentials name (Basic token or email/password, raw or percent-decoded; Bearer;
    /// `?access_token=`), as `FlowdockAuthMiddleware` finds them, without failing: nil for none or a bad one.
    func userID(of request: Request) -> Int? {
        if let (scheme, credentials) = Credentials.split(request.headers["Authorization"]) {
            switch scheme.lowercased() {
            case "basic":
                guard case .userPassword(let name, let password) = Credentials.basic(encoded: credentials) else {
                    return nil
                }
                if let user = user(withToken: name) ?? user(withEmail: name, password: password) { return user.id }
                let decodedName = URLCoding.percentDecode(name)
                let decodedPassword = URLCoding.percentDecode(password)
                let found = user(withToken: decodedName) ?? user(withEmail: decodedName, password: decodedPassword)
                return found?.id
            case "bearer": return user(withToken: credentials)?.id
            default: return nil
            }
        }
        return request.query("access_token").flatMap { user(withToken: $0)?.id }
    }

    func user(withEmail email: String, password: String) -> User? {
        let wanted = email.lowercased()
        return userOrder.lazy.compactMap { users[$0] }.first {
            $0.email.lowercased() == wanted && $0.password != nil && $0.password == password
        }
    }

    func user(withNick nick: String) -> User? {
        let wanted = nick.lowercased()
        return userOrder.lazy.compactMap { users[$0] }.first { $0.nick.lowercased() == wanted }
    }

    func source(withToken token: String) -> Source? {
        sources.values.first { $0.flowToken == token }
    }

    func organization(named name: String) -> Organization? {
        organizationOrder.lazy.compactMap { organizations[$0] }.first { $0.parameterizedName == name }
    }

    func isMember(_ userID: Int, of organization: Organization) -> Bool { organization.members[userID] != nil }

    func isAdmin(_ userID: Int, of organization: Organization) -> Bool { organization.members[userID] == true }

    /// Whether `principal` may see `flow`: its members, the organization's members when the flow's
    /// `access_mode` is `organization`, and a source for its own flow only (tenant isolation).
    func canSee(_ flow: Flow, _ principal: Principal) -> Bool {
        switch principal {
        case .source(let id):
            return sources[id]?.flowID == flow.id
        case .pushToken:
            return false  // Push API tokens only post, through their own routes
        case .user(let uid):
            guard let org = organizations[flow.organizationID], isMember(uid, of: org) else { return false }
            return flow.members.contains(uid) || flow.accessMode == "organization" || isAdmin(uid, of: org)
        }
    }

    /// The flow `:organization/:flow` as `principal` sees it; 404 when it does not exist or is not visible,
    /// so that one tenant cannot probe another's flow names.
    func flow(_ orgName: String, _ flowName: String, for principal: Principal) throws -> Flow {
        guard let org = organization(named: orgName),
            let flow = flowOrder.lazy.compactMap({ flows[$0] }).first(where: {
                $0.organizationID == org.id && $0.parameterizedName == flowName
            }),
            canSee(flow, principal)
        else { throw FlowdockError.notFound("Flow not found") }
        return flow
    }

    func flow(id: String, for principal: Principal) throws -> Flow {
        guard let flow = flows[id], canSee(flow, principal) else { throw FlowdockError.notFound("Flow not found") }
        return flow
    }

    func message(_ id: Int, in flowID: String) throws -> Message {
        guard let message = messages[flowID]?[id], !message.removed else {
            throw FlowdockError.notFound("Message not found")
        }
        return message
    }

    /// Organizations `userID` belongs to, in fixture order.
    func organizations(of userID: Int) -> [Organization] {
        organizationOrder.compactMap { organizations[$0] }.filter { isMember(userID, of: $0) }
    }

    /// Whether two users share an organization (`GET /users/:id` requires it, §3.2).
    func shareOrganization(_ a: Int, _ b: Int) -> Bool {
        organizations(of: a).contains { isMember(b, of: $0) }
    }
}
