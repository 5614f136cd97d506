// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import FlowdockAPI
import FlowmailerAPI
import Glibc
import HTTPCore
import HTTPServer
import PostflareAPI
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
    let server: HTTPServer
    /// Delivers Postflare webhooks while the server runs; nil when `postflareWebhooks` is off.
    let webhookSender: WebhookSender?
    /// Applies queued Postflare contact imports in batches, woken by the requests that queue them.
    let backgroundWorker: BackgroundWorker
    private let backgroundWork: @Sendable () -> Bool

    public init(configuration: AppConfiguration) throws {
        self.configuration = configuration
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
                    in: configuration.stateDirectory, dnsNames: DevCertificates.defaultDNSNames,
                    ipAddresses: DevCertificates.defaultIPAddresses)
                tlsContext = try TLSContext(certificateChainFile: files.serverCertificate, privateKeyFile: files.serverKey)
                caFile = MailDouble.absolutePath(files.caCertificate)
                created = wasCreated
            }
        }
        self.caFile = caFile
        certificatesCreated = created

        let fixtures = configuration.fixturesDirectory
        var flowmailerOptions = FlowmailerAPI.Options()
        MailDouble.configure(&flowmailerOptions, configuration)
        var postflareOptions = PostflareAPI.Options()
        MailDouble.configure(&postflareOptions, configuration)
        let worker = BackgroundWorker(log: { Log.error($0) })
        backgroundWorker = worker
        postflareOptions.onPendingWork = { worker.wake() }
        let flowmailer = try FlowmailerAPI(
            clock: clock, fixtures: try Fixtures.load(vendor: "flowmailer", directory: fixtures), options: flowmailerOptions)
        let postflare = try PostflareAPI(
            clock: clock, fixtures: try Fixtures.load(vendor: "postflare", directory: fixtures), options: postflareOptions)
        backgroundWork = { postflare.processPendingWork() }
        if configuration.postflareWebhooks {
            // Endpoints served with the emulator's own certificates (its dev CA) verify like public ones.
            // Built on the first https delivery: loading the system CA store took ~30 ms of every start-up.
            let extraCAFiles = caFile.map { [$0] } ?? []
            webhookSender = WebhookSender(
                postflare: postflare,
                tls: {
                    do { return try TLSContext.makeClient(extraCAFiles: extraCAFiles) } catch {
                        Log.error("webhook TLS client: \(error); https endpoints are checked against the system store only")
                        return try? TLSContext.makeClient()
                    }
                }
            ) { Log.info($0) }
        } else {
            webhookSender = nil
        }
        let flowdock = try FlowdockAPI(clock: clock, fixtures: try Fixtures.load(vendor: "flowdock", directory: fixtures))
        let control = ControlAPI(
            clock: clock, startedAt: startedAt,
            resetters: [
                ("flowmailer", { flowmailer.reset() }), ("postflare", { postflare.reset() }),
                ("flowdock", { flowdock.reset() }),
            ])
        // Flowmailer comes last: its routes start with a `{account_id}` capture, which would otherwise catch
        // the literal first segments of the others (`/v1/messages`, `/flows/…`).
        dispatcher = Dispatcher(
            routers: [control.makeRouter(), postflare.makeRouter(), flowdock.makeRouter(), flowmailer.makeRouter()])

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
        server.log = { message in Log.error(message) }
        let dispatcher = self.dispatcher
        let logRequests = configuration.logRequests
        self.server = HTTPServer(configuration: server) { request in
            let response = dispatcher.respond(to: request)
            if logRequests {
                Log.info("\(request.remoteAddress) \(request.version.rawValue) \(request.method) \(request.target) → \(response.deferred == nil ? String(response.status.code) : "deferred")")
            }
            return response
        }
    }

    public func start() throws {
        try server.start()
        webhookSender?.start()
        backgroundWorker.start(backgroundWork)
    }

    /// Stops the webhook sender (joining its thread, after at most one delivery in flight) and the background
    /// worker (after at most one batch), then the server.
    public func shutdown(drainTimeout: Double? = nil) {
        webhookSender?.stop()
        backgroundWorker.stop()
        server.shutdown(drainTimeout: drainTimeout)
    }

    public func wait() { server.wait() }
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
        var lines = ["MailDouble \(ControlAPI.version) — local emulator of Flowmailer, Postflare (Resend) and Flowdock APIs"]
        let host = configuration.hosts.first ?? "127.0.0.1"
        let shown = host == "127.0.0.1" || host == "0.0.0.0" || host == "::" ? "localhost" : host
        if let p = httpsPort { lines.append("  HTTPS  https://\(shown):\(p)  (HTTP/1.1 and HTTP/2)") }
        if let p = httpPort { lines.append("  HTTP   http://\(shown):\(p)  (HTTP/1.1 and h2c prior knowledge)") }
        lines.append("  listening on \(configuration.hosts.joined(separator: ", "))")
        if let ca = caFile {
            lines.append("  CA certificate: \(ca)\(certificatesCreated ? " (created now)" : "")")
            lines.append("    curl --cacert \(ca) https://localhost:\(httpsPort ?? 8443)/_emulator/health")
        }
        lines.append("  fixtures: \(configuration.fixturesDirectory)")
        return lines.joined(separator: "\n")
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
