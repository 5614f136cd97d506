// SPDX-License-Identifier: Apache-2.0
import ControlPlane
public import EmulatorKit
import FlowdockAPI
import FlowmailerAPI
import Glibc
import HTTP1
import HTTP2
public import HTTPCore
import HTTPServer
public import Logging
import PostflareAPI
public import Routing
import TLS

/// The whole emulator: the three vendor APIs and the emulator's own routes behind one server.
/// The executable and the integration tests both start it through this type.
public final class MailDouble: Sendable {
    public let configuration: AppConfiguration
    public let clock: EmulatorClock
    /// The CA that signed the server certificate (nil when `--tls-cert` brought one, or HTTPS is off).
    public let caFile: String?
    public let certificatesCreated: Bool
    public let dispatcher: Dispatcher
    /// Every emulated vendor, through the contract the control routes use.
    public let vendors: [any Vendor]
    /// What the vendors changed (messages stored, resets, deliveries attempted), in order.
    public let changes: ChangeFeed
    /// How many change-feed observers the emulator itself keeps (the parked-wait registry's), so that a test
    /// can tell that the observers of waits and streams are gone: `changes.observerCount` back to this.
    public let permanentObservers: Int
    /// The scripted faults (`/_emulator/faults`, `--faults`) the server's handler consults.
    public let faults: FaultPlan
    /// Text or JSON records at `--log-level` (README, Logs).
    public let logger: Logger
    /// Readiness and the metrics' sources (`/_emulator/readyz`, `/_emulator/metrics`).
    let operations = Operations()
    let server: HTTPServer
    /// Publishes due events and delivers the vendors' webhooks while the server runs.
    let webhookSender: WebhookSender
    /// Applies queued vendor work (Postflare contact imports) in batches, woken by the requests that queue it.
    let backgroundWorker: BackgroundWorker
    private let backgroundWork: @Sendable () -> Bool
    /// The `--data-dir` writer; nil when nothing is persisted.
    let persistence: Persistence?
    /// Whether start-up found stored state in the data directory (and loaded it over the fixtures).
    public let restoredState: Bool
    private let persistenceStopped = Locked<String??>(nil)

    /// - Parameters:
    ///   - configuration: ports, certificates, fixtures and vendor options.
    ///   - extraVendors: more vendors to serve beside the three built in, made with the emulator's clock and
    ///     change feed (how a fourth vendor is wired, and how tests wire an example one).
    public init(
        configuration: AppConfiguration,
        extraVendors: (EmulatorClock, ChangeFeed) throws -> [any Vendor] = { _, _ in [] }
    ) throws {
        self.configuration = configuration
        let logger = Logger.mailDouble(
            format: configuration.logFormat,
            level: configuration.logLevel,
            sink: configuration.logSink
        )
        self.logger = logger
        clock = configuration.frozenClockMillis.map { EmulatorClock(frozenAtMillis: $0) } ?? EmulatorClock()
        let startedAt = clock.now()

        var tlsContext: TLSContext?
        var caFile: String?
        var created = false
        if configuration.httpsPort != nil {
            if let cert = configuration.tlsCertificate, let key = configuration.tlsKey {
                tlsContext = try TLSContext(certificateChainFile: cert, privateKeyFile: key)
            } else {
                let (files, wasCreated) = try DevCertificates.ensure(
                    in: configuration.stateDirectory,
                    dnsNames: DevCertificates.defaultDNSNames,
                    ipAddresses: DevCertificates.defaultIPAddresses
                )
                tlsContext = try TLSContext(
                    certificateChainFile: files.serverCertificate,
                    privateKeyFile: files.serverKey
                )
                caFile = MailDouble.absolutePath(files.caCertificate)
                created = wasCreated
            }
        }
        self.caFile = caFile
        certificatesCreated = created

        let seed = try MailDouble.loadSeedData(configuration.fixturesDirectory) {
            logger.warning("\($0)", metadata: ["event": "fixtures.missing"])
        }
        let changes = ChangeFeed(clock: clock)
        self.changes = changes
        var flowmailerOptions = FlowmailerAPI.Options()
        MailDouble.configure(&flowmailerOptions, configuration)
        var postflareOptions = PostflareAPI.Options()
        MailDouble.configure(&postflareOptions, configuration)
        let worker = BackgroundWorker(log: { logger.error("\($0)") })
        backgroundWorker = worker
        // Weak: the worker's work closure keeps Postflare, whose options keep this closure (a cycle).
        postflareOptions.onPendingWork = { [weak worker] in worker?.wake() }
        let flowmailer = try FlowmailerAPI(
            clock: clock,
            fixtures: seed.flowmailer,
            options: flowmailerOptions,
            changes: changes
        )
        let postflare = try PostflareAPI(
            clock: clock,
            fixtures: seed.postflare,
            options: postflareOptions,
            changes: changes
        )
        backgroundWork = { postflare.processPendingWork() }
        var flowdockOptions = FlowdockAPI.Options()
        MailDouble.configure(&flowdockOptions, configuration)
        let flowdock = try FlowdockAPI(
            clock: clock,
            fixtures: seed.flowdock,
            options: flowdockOptions,
            changes: changes
        )
        // A new vendor is one more entry here; everything else reaches it through the `Vendor` contract.
        let vendors: [any Vendor] = [flowmailer, postflare, flowdock] + (try extraVendors(clock, changes))
        self.vendors = vendors
        // One worker thread for every vendor: due events for the change feed, background work, and the webhook
        // deliveries of those that send them (none under `--postflare-webhooks off`).
        // Endpoints served with the emulator's own certificates (its dev CA) verify like public ones. The TLS
        // client is built on the first https delivery, so loading the system CA store never delays start-up.
        let extraCAFiles = caFile.map { [$0] } ?? []
        let requestJournal = RequestJournal(capacity: configuration.journalSize, clock: clock)
        let deliveryJournal = DeliveryJournal(
            capacity: configuration.journalSize > 0 ? configuration.journalSize : 10_000
        )
        webhookSender = WebhookSender(
            // Flowmailer's only POST to webhooks configured in fixtures or `/_emulator/webhooks`.
            sources: (configuration.postflareWebhooks ? [postflare] : []) + [flowmailer],
            vendors: vendors,
            changes: changes,
            journal: deliveryJournal,
            tls: {
                do { return try TLSContext.makeClient(extraCAFiles: extraCAFiles) } catch {
                    logger.error(
                        "webhook TLS client: \(error); https endpoints are checked against the system store only"
                    )
                    return try? TLSContext.makeClient()
                }
            },
            logger: logger
        )
        // Fixtures first, then the data directory's state (when it holds any) replaces them: a restart shows
        // what was there at shutdown, and an empty directory starts from the fixtures.
        if let directory = configuration.dataDirectory {
            let store: FileStateStore
            do { store = try FileStateStore(directory: directory) } catch { throw AppError(error.description) }
            let persistence = Persistence(
                store: store,
                mode: configuration.fsyncMode,
                vendors: vendors,
                clock: clock,
                changes: changes,
                log: { Log.info($0) }
            )
            restoredState = try persistence.restore()
            self.persistence = persistence
        } else {
            persistence = nil
            restoredState = false
        }
        let persistence = self.persistence
        // Router names in the dispatcher's order (the control router first), so rules compare vendors as indices.
        let faults = FaultPlan(routerNames: ["emulator"] + vendors.map(\.name))
        self.faults = faults
        if let file = configuration.faultsFile {
            faults.add(try MailDouble.loadFaults(file, vendors: vendors.map(\.name)), at: clock.now())
        }
        let control = ControlAPI(
            clock: clock,
            startedAt: startedAt,
            vendors: vendors,
            changes: changes,
            token: configuration.controlToken,
            requests: requestJournal,
            deliveries: deliveryJournal,
            faults: faults,
            operations: operations,
            logger: logger
        )
        // The order does not matter: the dispatcher lets the most specific route template win.
        var controlRouter = control.makeRouter()
        controlRouter.name = "emulator"
        let vendorRouters = vendors.map { vendor in
            var router = vendor.makeRouter()
            router.name = vendor.name
            return router
        }
        dispatcher = Dispatcher(routers: [controlRouter] + vendorRouters)
        permanentObservers = changes.observerCount

        var server = ServerConfiguration()
        server.hosts = configuration.hosts
        server.httpsPort = configuration.httpsPort
        server.httpPort = configuration.httpPort
        if configuration.threads > 0 { server.threads = configuration.threads }
        server.tls = tlsContext
        server.http1Limits.maxBodyBytes = configuration.maxBodyBytes
        server.http2Settings.maxBodyBytes = configuration.maxBodyBytes
        server.keepAliveTimeout = configuration.keepAliveTimeout
        server.headerReadTimeout = configuration.headerReadTimeout
        server.drainTimeout = configuration.drainTimeout
        server.log = { message in logger.warning("\(message)") }
        let dispatcher = self.dispatcher
        // `refuse` rules: a connection accepted on a refused address is closed before any byte.
        server.acceptFilter = { localAddress in
            !faults.hasListenerRules || faults.refusal(localAddress: localAddress) == nil
        }
        let injector = FaultInjector(plan: faults, dispatcher: dispatcher, vendors: vendors)
        // The server's own errors (parse errors, limits, timeouts) in the format of the vendor the request names.
        server.errorResponder = { context in
            dispatcher.errorResponse(for: context.partialRequest, status: context.status, message: context.message)
        }
        // The request journal: every vendor request (not the control routes), by the router that answered.
        let journal = requestJournal.isEnabled ? requestJournal : nil
        let routerNames = dispatcher.routers.map { $0.name == "emulator" ? nil : $0.name }
        let metrics = RequestMetrics(
            routers: dispatcher.routers.map { ($0.name, $0.registeredRoutes.map(\.template)) }
        )
        // Decided once: with request lines off (the default `notice`), the request path builds none.
        let requestLines: Logger.Level? =
            logger.logLevel <= .info ? .info : configuration.logRequests ? .notice : nil
        var requestLogger = logger
        if configuration.logRequests, logger.logLevel > .info { requestLogger.logLevel = .notice }
        let lineLogger = requestLogger
        self.server = HTTPServer(configuration: server) { request in
            let started = RequestJournal.now()
            let shard = metrics.shard()
            let requestID = RequestID.of(request, random: &shard.owner.pointee.random)
            let resolution = dispatcher.resolve(request)
            // No rule set (the usual case): one atomic load, then straight to the dispatcher.
            var response =
                faults.isEmpty
                ? dispatcher.respond(to: request, resolution: resolution)
                : injector.respond(to: request, resolution: resolution)
            let slot = metrics.slot(router: resolution.router, route: resolution.route, in: shard)
            let method = RequestMetrics.methodIndex(request.method)
            if let fault = response.faultID {
                metrics.recordFault(router: resolution.router, rule: fault)
                Self.logFault(
                    logger,
                    fault,
                    request,
                    resolution,
                    routerNames: dispatcher.routers.map(\.name),
                    requestID
                )
            }
            if let deferred = response.deferred {
                deferred.whenComplete { final in
                    // 499: the server's own completion when the client hung up (never sent).
                    let status = final.connectionAction.map(Self.unanswered) == true ? 0 : final.status.code
                    metrics.record(slot: slot, method: method, status: status, seconds: RequestJournal.now() - started)
                }
                response = response.transformed(shellFaultID: response.faultID) {
                    $0.headers.add(name: RequestID.header, value: requestID)
                }
            } else {
                let status = response.connectionAction.map(Self.unanswered) == true ? 0 : response.status.code
                shard.record(slot: slot, method: method, status: status, seconds: RequestJournal.now() - started)
                response.headers.add(name: RequestID.header, value: requestID)
            }
            if let level = requestLines { Self.log(lineLogger, level, request, response, requestID, started) }
            if let persistence {
                response = Self.persisting(
                    response,
                    request,
                    vendor: resolution.router.flatMap { routerNames[$0] },
                    persistence
                )
            }
            guard let journal else { return response }
            // The control router's own routes are not journaled; a request no router answered is, vendor null.
            if let index = resolution.router, routerNames[index] == nil { return response }
            journal.record(
                request,
                vendor: resolution.router.flatMap { routerNames[$0] },
                route: resolution.route,
                response: response,
                started: started,
                fault: response.faultID
            )
            return response
        }
        let sender = webhookSender
        let httpServer = self.server
        operations.attach(
            Operations.Sources(
                requests: metrics,
                // Weak: the server holds the handler, which reaches these sources through the control routes.
                connections: { [weak httpServer] in httpServer?.connectionStats ?? ConnectionStats() },
                deliveries: { [weak sender] in sender?.outcomes.withLock { $0 } ?? [:] }
            )
        )
    }

    /// Counts a request's change for the writer; under `--fsync always` holds a 2xx answer to a mutating
    /// request until a commit that includes it is on disk (a deferred answer, no event-loop thread waits).
    private static func persisting(
        _ response: Response,
        _ request: Request,
        vendor: String?,
        _ persistence: Persistence
    ) -> Response {
        guard
            let generation = persistence.noteRequest(
                method: request.method,
                status: response.status.code,
                vendor: vendor
            )
        else { return response }
        guard persistence.mode == .always, response.deferred == nil, response.stream == nil,
            response.connectionAction == nil
        else { return response }
        let promise = ResponsePromise()
        persistence.afterCommit(generation) { committed in
            promise.complete(committed ? response : Self.notPersisted)
        }
        return .later(promise)
    }

    /// The answer instead of a 2xx whose change could not be written (`--fsync always`, disk full).
    static let notPersisted = Response.json(
        ["message": "the change was made but could not be written to --data-dir; see the emulator's log"],
        status: .serviceUnavailable
    )

    /// Whether a fault's connection action means nothing was sent (a drop or reset, not a slow body).
    static func unanswered(_ action: ConnectionAction) -> Bool {
        switch action {
        case .close, .reset, .rstStream, .goaway: true
        case .slowBody: false
        }
    }

    /// The request line: `GET /path → 200` with the id, the peer, the protocol and the latency as metadata.
    private static func log(
        _ logger: Logger,
        _ level: Logger.Level,
        _ request: Request,
        _ response: Response,
        _ id: String,
        _ started: Double
    ) {
        let status = response.deferred == nil ? String(response.status.code) : "deferred"
        var metadata: Logger.Metadata = [
            "event": "request", "id": "\(id)", "remote": "\(request.remoteAddress)",
            "protocol": "\(request.version.rawValue)",
        ]
        if response.deferred == nil {
            metadata["status"] = .stringConvertible(response.status.code)
            metadata["latency_ms"] = .stringConvertible(((RequestJournal.now() - started) * 1_000_000).rounded() / 1000)
        }
        if let fault = response.faultID { metadata["fault"] = "\(fault)" }
        logger.log(
            level: level,
            "\(request.method) \(request.target) → \(status)\(response.faultID.map { " (fault \($0))" } ?? "")",
            metadata: metadata
        )
    }

    /// A fault rule acted on a request: one structured record (notice), whatever the request-line level.
    private static func logFault(
        _ logger: Logger,
        _ fault: String,
        _ request: Request,
        _ resolution: Dispatcher.Resolution,
        routerNames: [String],
        _ id: String
    ) {
        logger.notice(
            "fault \(fault) acted on \(request.method) \(request.target)",
            metadata: [
                "event": "fault.fired", "rule": "\(fault)", "id": "\(id)",
                "vendor": "\(resolution.router.map { routerNames[$0] } ?? "none")",
                "route": "\(resolution.route ?? "unmatched")",
            ]
        )
    }

    /// The rules of a `--faults` file (a JSON array of rules, or one rule); a file that is missing, not JSON
    /// or holds a bad rule fails start-up with a message naming it.
    static func loadFaults(_ path: String, vendors: [String]) throws -> [FaultRule] {
        guard let f = fopen(path, "rb") else { throw AppError("--faults \(path): cannot read the file") }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        guard let json = try? JSON.parse(bytes) else { throw AppError("--faults \(path): the file is not JSON") }
        do {
            return try FaultRuleParser.parseBody(json, vendors: vendors).rules
        } catch {
            let message = (try? JSON.parse(error.response.body))?["message"]?.stringValue ?? "a rule is not valid"
            throw AppError("--faults \(path): \(message)")
        }
    }

    public func start() throws {
        try server.start()
        persistence?.start()
        webhookSender.start()
        backgroundWorker.start(backgroundWork)
        // Fixtures (and any restored state) were loaded in init, and every listener is bound now.
        operations.phase = .ready
    }

    /// `/_emulator/readyz` answers 200 only while this is true (after `start`, before `shutdown`).
    public var isReady: Bool { operations.phase == .ready }

    /// Starts the server's drain (stop accepting, finish in-flight requests), then stops the webhook sender
    /// (joining its thread, after at most one delivery in flight) and the background worker (after at most one
    /// batch). The drain starts first so that a slow delivery does not eat into the drain timeout.
    public func shutdown(drainTimeout: Double? = nil) {
        operations.phase = .draining
        server.shutdown(drainTimeout: drainTimeout)
        webhookSender.stop()
        backgroundWorker.stop()
    }

    /// Waits for the server to stop, then (with `--data-dir`) commits the state a last time: every request
    /// that was answered is then on disk.
    public func wait() {
        server.wait()
        finishPersistence()
    }

    /// `wait()` without the last commit (the executable disarms its drain watchdog in between).
    public func waitForServer() { server.wait() }

    /// The last commit (after the server stopped); once, later calls do nothing.
    public func finishPersistence() {
        guard let persistence else { return }
        persistenceStopped.withLock { stopped in
            guard stopped == nil else { return }
            do {
                try persistence.stop()
                stopped = .some(nil)
            } catch {
                stopped = .some("\(error)")
            }
        }
    }

    /// After `wait()`: why the last commit failed, or nil when it worked (or nothing is persisted).
    public var persistenceError: String? { persistenceStopped.withLock { $0 ?? nil } }
    /// After `wait()`: connections closed with requests unfinished because the drain timeout passed.
    public var connectionsCutOff: Int { server.connectionsCutOff }
    public var httpsPort: Int? { server.httpsPort }
    public var httpPort: Int? { server.httpPort }

    /// The ready file's JSON: how scripts and tests find ports chosen with 0.
    public func readyJSON() -> JSON {
        [
            "https_port": .int(httpsPort), "http_port": .int(httpPort), "ca_file": .string(caFile),
            "pid": .int(Int(getpid())),
        ]
    }

    /// Writes the ready file atomically (write a temporary file, then rename). When `path` is a FIFO,
    /// writes into it directly: a script or test can then block on reading it instead of polling.
    public func writeReadyFile(_ path: String) throws {
        let bytes = readyJSON().serialized() + [0x0A]
        var st = stat()
        if stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO {
            guard let f = fopen(path, "wb") else { throw AppError("cannot open ready FIFO \(path)") }
            fwrite(bytes, 1, bytes.count, f)
            fclose(f)
            return
        }
        let tmp = path + ".tmp"
        guard let f = fopen(tmp, "wb") else { throw AppError("cannot write ready file \(path)") }
        fwrite(bytes, 1, bytes.count, f)
        fclose(f)
        guard rename(tmp, path) == 0 else { throw AppError("cannot rename ready file into \(path)") }
    }

    /// The start-up banner: URLs, the CA to trust, credentials to try.
    public func banner() -> String {
        var lines = [
            "MailDouble \(ControlAPI.version) — local emulator of Flowmailer, Postflare (Resend) and Flowdock APIs"
        ]
        let host = configuration.hosts.first ?? "127.0.0.1"
        let shown = host == "127.0.0.1" || host == "0.0.0.0" || host == "::" ? "localhost" : host
        if let p = httpsPort { lines.append("  HTTPS  https://\(shown):\(p)  (HTTP/1.1 and HTTP/2)") }
        if let p = httpPort { lines.append("  HTTP   http://\(shown):\(p)  (HTTP/1.1 and h2c prior knowledge)") }
        lines.append("  listening on \(configuration.hosts.joined(separator: ", "))")
        if let ca = caFile {
            lines.append("  CA certificate: \(ca)\(certificatesCreated ? " (created now)" : "")")
            if let container = ContainerHost.detect(), let onHost = container.hostPath(of: ca) {
                // The path above is the container's; the host reads the same file through the mounted volume.
                lines.append("  on the host (the mounted volume): \(onHost)")
                lines.append("    curl --cacert \(onHost) https://localhost:\(httpsPort ?? 8443)/_emulator/health")
            } else if ContainerHost.detect() != nil {
                lines.append(
                    "  in a container: mount a host directory at \(MailDouble.parentDirectory(ca)) "
                        + "(-v \"$PWD/.maildouble:\(MailDouble.parentDirectory(ca))\") to read ca.pem on the host"
                )
            } else {
                lines.append("    curl --cacert \(ca) https://localhost:\(httpsPort ?? 8443)/_emulator/health")
            }
        }
        let fixtures = configuration.fixturesDirectory
        lines.append("  fixtures: \(fixtures == Fixtures.none ? "none (every vendor starts empty)" : fixtures)")
        return lines.joined(separator: "\n")
    }

    /// Logs that the emulator serves: in text the banner as it always was (at notice), in JSON one `started`
    /// record with the same facts as fields.
    public func announceStart() {
        guard logger.logLevel <= .notice else { return }
        if configuration.logFormat == .text {
            configuration.logSink.write(Array((banner() + "\n").utf8))
            return
        }
        var metadata: Logger.Metadata = [
            "event": "started", "version": "\(ControlAPI.version)",
            "hosts": .array(configuration.hosts.map { .string($0) }), "fixtures": "\(configuration.fixturesDirectory)",
            "pid": .stringConvertible(Int(getpid())),
        ]
        if let p = httpsPort { metadata["https_port"] = .stringConvertible(p) }
        if let p = httpPort { metadata["http_port"] = .stringConvertible(p) }
        if let ca = caFile {
            metadata["ca_file"] = "\(ca)"
            if let onHost = ContainerHost.detect()?.hostPath(of: ca) { metadata["ca_file_on_host"] = "\(onHost)" }
        }
        logger.notice("MailDouble \(ControlAPI.version) started", metadata: metadata)
    }

    static func parentDirectory(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        var base = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var rel = Substring(path)
        while rel.hasPrefix("./") { rel = rel.dropFirst(2) }
        if !base.hasSuffix("/") { base += "/" }
        return base + rel
    }
}

public struct AppError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Minimal stderr logging (Glibc's `stderr` global is not usable under Swift 6 strict concurrency).
public enum Log {
    public static func info(_ message: String) { emit(message) }
    public static func error(_ message: String) { emit("error: " + message) }
    static func emit(_ message: String) {
        let line = Array((message + "\n").utf8)
        line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }
}
