// SPDX-License-Identifier: Apache-2.0
public import HTTPCore

/// One scripted fault: which requests (or, for `refuse`, which connections) it hits, what it does, how often.
/// The control plane parses it from `POST /_emulator/faults`; `FaultPlan` matches and counts it.
public struct FaultRule: Sendable {
    public var id = ""
    public var match: FaultMatch
    public var action: FaultAction
    /// How many times it may fire; nil = unlimited.
    public var times: Int?
    /// The chance (0 < p ≤ 1) that a matching request fires it.
    public var probability: Double
    /// Seeds the rule's own generator, so that its draws repeat run to run; nil = a fresh seed.
    public var seed: UInt64?
    /// `match` and `action` as given, echoed back by the control routes.
    public var matchJSON: JSON
    public var actionJSON: JSON
    public var createdAt = Timestamp(millis: 0)

    public init(
        match: FaultMatch,
        action: FaultAction,
        times: Int?,
        probability: Double,
        seed: UInt64?,
        matchJSON: JSON,
        actionJSON: JSON
    ) {
        self.match = match
        self.action = action
        self.times = times
        self.probability = probability
        self.seed = seed
        self.matchJSON = matchJSON
        self.actionJSON = actionJSON
    }

    /// A `refuse` rule acts on accepted connections, not on requests.
    public var isListenerRule: Bool {
        if case .refuse = action { return true }
        return false
    }
}

/// What a fault does. Connection-level ones become `Response.connectionAction`.
public enum FaultAction: Sendable, Equatable {
    /// Answer with this status in the matched vendor's error format; the overrides replace its parts.
    case status(StatusFault)
    /// The real answer, computed at once, sent this many milliseconds later.
    case delay(milliseconds: Int)
    /// Close without answering: before handling (nothing stored) or after it (`after_commit`: stored).
    case drop(afterCommit: Bool)
    /// TCP reset without answering.
    case reset
    /// The real answer with its body written at this many bytes per second.
    case slowBody(bytesPerSecond: Int)
    /// HTTP/2 RST_STREAM with this error code (named as given) instead of an answer; on HTTP/1.1 a TCP reset.
    case rstStream(code: UInt32)
    /// HTTP/2 GOAWAY with this error code, then close; on HTTP/1.1 a close.
    case goaway(code: UInt32)
    /// Connections accepted on the matched local address are closed at once.
    case refuse

    public struct StatusFault: Sendable, Equatable {
        public var status: Int
        public var message: String?
        /// Replaces the vendor's body: raw text, or JSON.
        public var body: Body?
        public var headers: [Header]
        /// `Retry-After` seconds for 429 and 503 (default 1).
        public var retryAfter: Int

        public enum Body: Sendable, Equatable {
            case text(String)
            case json(JSON)
        }

        public struct Header: Sendable, Equatable {
            public var name: String
            public var value: String
            public init(name: String, value: String) {
                self.name = name
                self.value = value
            }
        }

        public init(status: Int, message: String?, body: Body?, headers: [Header], retryAfter: Int) {
            self.status = status
            self.message = message
            self.body = body
            self.headers = headers
            self.retryAfter = retryAfter
        }
    }
}

/// Which requests a rule hits: every given condition must hold; none given matches every vendor request.
public struct FaultMatch: Sendable {
    /// The vendor (router name) the request resolved to.
    public var vendor: String?
    public var method: String?
    /// A route template exactly as registered (`/{account_id}/messages/submit`).
    public var route: String?
    /// A glob over the raw path without the query.
    public var path: FaultGlob?
    /// Compared with `Vendor.tenant(of:)`, computed only for rules that have it.
    public var tenant: String?
    /// The bearer token, the Basic user name or the `access_token` query parameter, exactly.
    public var credential: String?
    public var header: HeaderCondition?
    public var localAddress: AddressCondition?

    public init() {}

    /// A header that must be present, with a value matching `value` when given (any of its values).
    public struct HeaderCondition: Sendable {
        public var name: String
        public var value: FaultGlob?
        public init(name: String, value: FaultGlob?) {
            self.name = name
            self.value = value
        }
    }

    /// `127.0.0.2`, `127.0.0.2:8025`, `:8025`, `::1` or `[::1]:8025`: the host, the port, or both.
    public struct AddressCondition: Sendable, Equatable {
        public var host: String?
        public var port: Int?

        /// Nil when `text` is none of the accepted shapes.
        public init?(_ text: String) {
            var host: Substring
            var port: Substring?
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]") else { return nil }
                host = text[text.index(after: text.startIndex)..<close]
                let rest = text[text.index(after: close)...]
                if !rest.isEmpty {
                    guard rest.hasPrefix(":") else { return nil }
                    port = rest.dropFirst()
                }
            } else if text.filter({ $0 == ":" }).count > 1 {
                host = Substring(text)  // a bare IPv6 address
            } else if let colon = text.firstIndex(of: ":") {
                host = text[..<colon]
                port = text[text.index(after: colon)...]
            } else {
                host = Substring(text)
            }
            if let port {
                guard let n = Int(port), (1...65535).contains(n) else { return nil }
                self.port = n
            }
            guard !host.isEmpty || port != nil else { return nil }
            guard host.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) else { return nil }
            self.host = host.isEmpty ? nil : host.lowercased()
        }

        /// Whether `address` (`127.0.0.1:8443`, `[::1]:8443`, as the server writes it) is this one.
        public func matches(_ address: String) -> Bool {
            guard let colon = address.lastIndex(of: ":") else { return false }
            var host = address[..<colon]
            if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
            if let want = self.host, want != host { return false }
            if let want = port, Int(address[address.index(after: colon)...]) != want { return false }
            return true
        }
    }

    /// Whether `request` meets every condition but `vendor` (which `FaultPlan` compares as a router index).
    /// The cheap comparisons run first; `tenant` is asked once per request (`cache`), only if reached.
    func matches(
        _ request: Request,
        route: String?,
        tenant: (Request) -> String?,
        resolveTenant: (String) -> String? = { _ in nil },
        cache: inout String??
    ) -> Bool {
        if let method, method != request.method.rawValue { return false }
        if let wanted = self.route, wanted != route { return false }
        if let path, !path.matches(request.rawPath) { return false }
        if let localAddress, !localAddress.matches(request.localAddress) { return false }
        if let header {
            // Over the fields in place: no array of values per request.
            var found = false
            for field in request.headers where HTTPHeaders.equalNames(field.name, header.name) {
                if header.value?.matches(field.value) ?? true {
                    found = true
                    break
                }
            }
            if !found { return false }
        }
        if let credential, !Self.credentialMatches(credential, request) { return false }
        if let wanted = self.tenant {
            if cache == nil { cache = .some(tenant(request)) }
            guard let actual = cache!, actual == wanted || actual == resolveTenant(wanted) else { return false }
        }
        return true
    }

    /// The credential a rule's `credential` is compared with: any of these present on the request.
    static func credentialMatches(_ wanted: String, _ request: Request) -> Bool {
        if let token = Credentials.bearer(request.headers), token == wanted { return true }
        if case .userPassword(let user, _)? = Credentials.basic(request.headers), user == wanted { return true }
        return request.query("access_token") == wanted
    }
}
