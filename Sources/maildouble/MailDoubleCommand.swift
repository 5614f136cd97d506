// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import CLinux
import Glibc
import Logging
import MailDoubleApp

/// `maildouble`: serves the emulator until SIGINT/SIGTERM, then drains and exits: 0 when every in-flight
/// request finished within `--drain-timeout`, 3 when the timeout cut work off (README, Command line).
/// Every flag has an environment twin (`--https-port` ↔ `MAILDOUBLE_HTTPS_PORT`); a flag wins over its twin.
@main
struct MailDoubleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maildouble",
        abstract: "A local emulator of the Flowmailer, Postflare (Resend) and Flowdock HTTP APIs.",
        discussion: "Every option can also be set through the environment variable named in its help.",
        version: "0.1.0"
    )

    @Option(
        name: .customLong("host"),
        help: "Address to listen on; repeat for several (IPv4/IPv6). [MAILDOUBLE_HOST, comma-separated]"
    )
    var hosts: [String] = Env.list("MAILDOUBLE_HOST") ?? ["127.0.0.1"]

    @Option(help: "HTTPS port (HTTP/1.1 + h2 via ALPN); 0 picks a free port. [MAILDOUBLE_HTTPS_PORT]")
    var httpsPort: Int = Env.int("MAILDOUBLE_HTTPS_PORT") ?? 8443

    @Option(help: "Plain HTTP port (HTTP/1.1 + h2c prior knowledge); 0 picks a free port. [MAILDOUBLE_HTTP_PORT]")
    var httpPort: Int = Env.int("MAILDOUBLE_HTTP_PORT") ?? 8080

    @Flag(help: "Do not listen on plain HTTP. [MAILDOUBLE_NO_HTTP=1]")
    var noHttp: Bool = Env.bool("MAILDOUBLE_NO_HTTP") ?? false

    @Flag(help: "Do not listen on HTTPS. [MAILDOUBLE_NO_HTTPS=1]")
    var noHttps: Bool = Env.bool("MAILDOUBLE_NO_HTTPS") ?? false

    @Option(help: "Event-loop threads; 0 = one per core. [MAILDOUBLE_THREADS]")
    var threads: Int = Env.int("MAILDOUBLE_THREADS") ?? 0

    @Option(help: "Directory for the development CA and server certificate. [MAILDOUBLE_STATE_DIR]")
    var stateDir: String = Env.string("MAILDOUBLE_STATE_DIR") ?? "./.maildouble"

    @Option(
        name: .customLong("tls-cert"),
        help: "PEM certificate chain to serve instead of the development CA's. [MAILDOUBLE_TLS_CERT]"
    )
    var tlsCertFlag: String?
    /// The flag, else its environment twin (an optional option cannot take a default value).
    var tlsCert: String? { tlsCertFlag ?? Env.string("MAILDOUBLE_TLS_CERT") }

    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert. [MAILDOUBLE_TLS_KEY]")
    var tlsKeyFlag: String?
    /// The flag, else its environment twin (an optional option cannot take a default value).
    var tlsKey: String? { tlsKeyFlag ?? Env.string("MAILDOUBLE_TLS_KEY") }

    @Option(
        help: ArgumentHelp(
            "Fixtures directory (flowmailer.json, postflare.json, flowdock.json); 'none' starts empty. [MAILDOUBLE_FIXTURES]",
            discussion: "Default: the installed ../share/maildouble/fixtures beside the binary, else ./fixtures."
        )
    )
    var fixtures: String = Env.string("MAILDOUBLE_FIXTURES") ?? InstalledPaths.defaultFixtures()

    @Option(
        name: .customLong("ready-file"),
        help: "Write {\"https_port\",\"http_port\",\"ca_file\",\"pid\"} here once listening. [MAILDOUBLE_READY_FILE]"
    )
    var readyFileFlag: String?
    /// The flag, else its environment twin (an optional option cannot take a default value).
    var readyFile: String? { readyFileFlag ?? Env.string("MAILDOUBLE_READY_FILE") }

    @Option(help: "Largest request body accepted (413 beyond). [MAILDOUBLE_MAX_BODY_BYTES]")
    var maxBodyBytes: Int = Env.int("MAILDOUBLE_MAX_BODY_BYTES") ?? 41_943_040

    @Option(help: "Seconds an idle keep-alive connection stays open. [MAILDOUBLE_KEEP_ALIVE_TIMEOUT]")
    var keepAliveTimeout: Double = Env.double("MAILDOUBLE_KEEP_ALIVE_TIMEOUT") ?? 75

    @Option(help: "Seconds a client has to send a request head (slow-drip cut-off). [MAILDOUBLE_HEADER_READ_TIMEOUT]")
    var headerReadTimeout: Double = Env.double("MAILDOUBLE_HEADER_READ_TIMEOUT") ?? 10

    @Option(help: "Seconds in-flight requests get after SIGTERM/SIGINT. [MAILDOUBLE_DRAIN_TIMEOUT]")
    var drainTimeout: Double = Env.double("MAILDOUBLE_DRAIN_TIMEOUT") ?? 10

    @Option(help: "Flowmailer requests per second per account; 0 = off. [MAILDOUBLE_FLOWMAILER_RATE_LIMIT]")
    var flowmailerRateLimit: Int = Env.int("MAILDOUBLE_FLOWMAILER_RATE_LIMIT") ?? 0

    @Option(help: "Flowmailer OAuth token lifetime in (emulator) seconds. [MAILDOUBLE_FLOWMAILER_TOKEN_LIFETIME]")
    var flowmailerTokenLifetime: Int = Env.int("MAILDOUBLE_FLOWMAILER_TOKEN_LIFETIME") ?? 60

    @Option(
        help:
            "Messages kept per tenant (Flowmailer account, Postflare team, Flowdock flow); the oldest are dropped beyond it. [MAILDOUBLE_MAX_MESSAGES]"
    )
    var maxMessages: Int = Env.int("MAILDOUBLE_MAX_MESSAGES") ?? 100_000

    @Option(
        help:
            "Requests kept in the request journal (GET /_emulator/requests); 0 turns it off. [MAILDOUBLE_JOURNAL_SIZE]"
    )
    var journalSize: Int = Env.int("MAILDOUBLE_JOURNAL_SIZE") ?? 10_000

    @Option(
        name: .customLong("control-token"),
        help: "Require 'Authorization: Bearer T' on /_emulator/ routes but health. [MAILDOUBLE_CONTROL_TOKEN]"
    )
    var controlTokenFlag: String?
    /// The flag, else its environment twin (an optional option cannot take a default value).
    var controlToken: String? { controlTokenFlag ?? Env.string("MAILDOUBLE_CONTROL_TOKEN") }

    @Option(
        name: .customLong("faults"),
        help: "A JSON file of fault rules (as POST /_emulator/faults takes) loaded at start. [MAILDOUBLE_FAULTS]"
    )
    var faultsFlag: String?
    /// The flag, else its environment twin (an optional option cannot take a default value).
    var faults: String? { faultsFlag ?? Env.string("MAILDOUBLE_FAULTS") }

    @Option(help: "Postflare requests per second per team; 0 = off. [MAILDOUBLE_POSTFLARE_RATE_LIMIT]")
    var postflareRateLimit: Int = Env.int("MAILDOUBLE_POSTFLARE_RATE_LIMIT") ?? 10

    @Option(help: "Status for an unknown Postflare API key: 400, 401 or 403. [MAILDOUBLE_POSTFLARE_INVALID_KEY_STATUS]")
    var postflareInvalidKeyStatus: Int = Env.int("MAILDOUBLE_POSTFLARE_INVALID_KEY_STATUS") ?? 400

    @Option(
        name: .customLong("postflare-daily-quota"),
        help: "Postflare emails per team per day; unset = no quota. [MAILDOUBLE_POSTFLARE_DAILY_QUOTA]"
    )
    var postflareDailyQuotaFlag: Int?
    /// The flag, else its environment twin (an optional option cannot take a default value).
    var postflareDailyQuota: Int? { postflareDailyQuotaFlag ?? Env.int("MAILDOUBLE_POSTFLARE_DAILY_QUOTA") }

    @Option(
        name: .customLong("postflare-monthly-quota"),
        help: "Postflare emails per team per month; unset = no quota. [MAILDOUBLE_POSTFLARE_MONTHLY_QUOTA]"
    )
    var postflareMonthlyQuotaFlag: Int?
    /// The flag, else its environment twin (an optional option cannot take a default value).
    var postflareMonthlyQuota: Int? { postflareMonthlyQuotaFlag ?? Env.int("MAILDOUBLE_POSTFLARE_MONTHLY_QUOTA") }

    @Option(help: "POST Postflare webhook deliveries to their endpoints: on or off. [MAILDOUBLE_POSTFLARE_WEBHOOKS]")
    var postflareWebhooks: String = Env.string("MAILDOUBLE_POSTFLARE_WEBHOOKS") ?? "on"

    @Flag(help: "Log one line per request even above --log-level info. [MAILDOUBLE_LOG_REQUESTS=1]")
    var logRequests: Bool = Env.bool("MAILDOUBLE_LOG_REQUESTS") ?? false

    @Option(help: "Log records as text or json, one per line on stderr. [MAILDOUBLE_LOG_FORMAT]")
    var logFormat: String = Env.string("MAILDOUBLE_LOG_FORMAT") ?? "text"

    @Option(
        help:
            "trace, debug, info (adds a line per request), notice, warning, error or critical. [MAILDOUBLE_LOG_LEVEL]"
    )
    var logLevel: String = Env.string("MAILDOUBLE_LOG_LEVEL") ?? "notice"

    @Flag(
        help:
            "Do not serve: ask the emulator these flags describe for /_emulator/readyz; exit 0 when ready, else 1 (the image's HEALTHCHECK)."
    )
    var healthcheck = false

    func validate() throws {
        for (name, port) in [("--https-port", httpsPort), ("--http-port", httpPort)] where !(0...65535).contains(port) {
            throw ValidationError("\(name) must be between 0 and 65535")
        }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if noHttp && noHttps { throw ValidationError("--no-http and --no-https leave nothing to serve") }
        if hosts.isEmpty { throw ValidationError("give at least one --host") }
        if threads < 0 || threads > 256 { throw ValidationError("--threads must be between 0 and 256") }
        if maxBodyBytes < 1 { throw ValidationError("--max-body-bytes must be positive") }
        if maxMessages < 1 { throw ValidationError("--max-messages must be at least 1") }
        if journalSize < 0 || journalSize > 10_000_000 {
            throw ValidationError("--journal-size must be between 0 and 10000000")
        }
        for (name, seconds) in [
            ("--drain-timeout", drainTimeout), ("--keep-alive-timeout", keepAliveTimeout),
            ("--header-read-timeout", headerReadTimeout),
        ] where !(seconds.isFinite && seconds >= 0) {
            throw ValidationError("\(name) must be a number of seconds, 0 or more")
        }
        if ![400, 401, 403].contains(postflareInvalidKeyStatus) {
            throw ValidationError("--postflare-invalid-key-status must be 400, 401 or 403")
        }
        if LogFormat(rawValue: logFormat.lowercased()) == nil {
            throw ValidationError("--log-format must be text or json")
        }
        if Logger.Level(rawValue: logLevel.lowercased()) == nil {
            throw ValidationError(
                "--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        if !["on", "off"].contains(postflareWebhooks.lowercased()) {
            throw ValidationError("--postflare-webhooks must be on or off")
        }
        for (name, quota) in [("daily", postflareDailyQuota), ("monthly", postflareMonthlyQuota)] where (quota ?? 1) < 1
        {
            throw ValidationError("--postflare-\(name)-quota must be positive")
        }
    }

    func run() throws {
        var c = AppConfiguration()
        c.hosts = hosts.flatMap { $0.split(separator: ",").map(String.init) }
        c.httpsPort = noHttps ? nil : httpsPort
        c.httpPort = noHttp ? nil : httpPort
        c.threads = threads
        c.stateDirectory = stateDir
        c.tlsCertificate = tlsCert
        c.tlsKey = tlsKey
        c.fixturesDirectory = fixtures
        c.readyFile = readyFile
        c.maxBodyBytes = maxBodyBytes
        c.keepAliveTimeout = keepAliveTimeout
        c.headerReadTimeout = headerReadTimeout
        c.drainTimeout = drainTimeout
        c.flowmailerRateLimit = flowmailerRateLimit
        c.flowmailerTokenLifetime = flowmailerTokenLifetime
        c.postflareRateLimit = postflareRateLimit
        c.maxMessages = maxMessages
        c.journalSize = journalSize
        c.controlToken = controlToken
        c.faultsFile = faults
        c.postflareInvalidKeyStatus = postflareInvalidKeyStatus
        c.postflareDailyQuota = postflareDailyQuota
        c.postflareMonthlyQuota = postflareMonthlyQuota
        c.postflareWebhooks = postflareWebhooks.lowercased() == "on"
        c.logRequests = logRequests
        c.logFormat = LogFormat(rawValue: logFormat.lowercased()) ?? .text
        c.logLevel = Logger.Level(rawValue: logLevel.lowercased()) ?? .notice
        let logger = Logger.mailDouble(format: c.logFormat, level: c.logLevel)
        if healthcheck {
            guard let problem = MailDouble.probeReadiness(c) else { return }
            logger.error("not ready: \(problem)", metadata: ["event": "healthcheck.failed"])
            throw ExitCode(1)
        }

        // Block the shutdown signals before any thread starts so that every loop thread inherits the mask
        // and only this thread receives them, in sigwait below.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        signal(SIGPIPE, SIG_IGN)

        let emulator: MailDouble
        do {
            emulator = try MailDouble(configuration: c)
            try emulator.start()
        } catch {
            logger.critical("maildouble: \(error)", metadata: ["event": "start.failed"])
            throw ExitCode(1)
        }
        emulator.announceStart()
        if let readyFile { try emulator.writeReadyFile(readyFile) }

        var received: Int32 = 0
        sigwait(&signals, &received)
        logger.notice(
            "received signal \(received): draining in-flight requests (up to \(drainTimeout) s)",
            metadata: ["event": "stop.begin", "signal": .stringConvertible(Int(received))]
        )
        // The loops close what is unfinished at the drain deadline; the watchdog, half a second later, ends
        // the process even when a handler never returns to its loop. Either way: exit by deadline + 1 s.
        let watchdog = DrainWatchdog(timeout: drainTimeout + 0.5)
        watchdog.arm()
        DrainWatchdog.exitOnNextSignal(signals)
        emulator.shutdown()
        emulator.wait()
        watchdog.disarm()
        let cutOff = emulator.connectionsCutOff
        if cutOff > 0 {
            logger.notice(
                "stopped: the drain timeout closed \(cutOff) connection(s) with requests unfinished",
                metadata: ["event": "stopped", "cut_off": .stringConvertible(cutOff)]
            )
            throw ExitCode(DrainWatchdog.cutOffExitStatus)
        }
        logger.notice("stopped", metadata: ["event": "stopped", "cut_off": .stringConvertible(0)])
    }
}

/// Reads the environment twins of the flags.
enum Env {
    static func string(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        let s = String(cString: v)
        return s.isEmpty ? nil : s
    }
    static func int(_ name: String) -> Int? { string(name).flatMap { Int($0) } }
    static func double(_ name: String) -> Double? { string(name).flatMap { Double($0) } }
    static func bool(_ name: String) -> Bool? {
        guard let s = string(name)?.lowercased() else { return nil }
        return ["1", "true", "yes", "on"].contains(s)
    }
    static func list(_ name: String) -> [String]? {
        string(name).map { $0.split(separator: ",").map(String.init) }
    }
}
