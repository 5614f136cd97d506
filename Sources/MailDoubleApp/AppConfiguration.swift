// SPDX-License-Identifier: Apache-2.0
public import Logging

/// Everything the `maildouble` command line configures. Every field has a flag and an environment twin
/// (see the executable); the defaults here are the documented defaults.
public struct AppConfiguration: Sendable {
    public var hosts: [String] = ["127.0.0.1"]
    /// nil = HTTPS off; 0 = pick a free port.
    public var httpsPort: Int? = 8443
    /// nil = plain HTTP off (`--no-http`); 0 = pick a free port.
    public var httpPort: Int? = 8080
    public var threads: Int = 0  // 0 = one per core
    /// Where the development CA and server certificate live (created on first start).
    public var stateDirectory: String = "./.maildouble"
    /// Bring your own certificate chain and key instead of the development CA.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// Directory holding `flowmailer.json`, `postflare.json`, `flowdock.json`; `none` seeds nothing. A directory
    /// that does not exist or cannot be read fails start-up.
    public var fixturesDirectory: String = "fixtures"
    /// Written once listening: `{"https_port":…,"http_port":…,"ca_file":"…","pid":…}`.
    public var readyFile: String?
    public var maxBodyBytes: Int = 41_943_040
    public var keepAliveTimeout: Double = 75
    public var headerReadTimeout: Double = 10
    public var drainTimeout: Double = 10
    public var flowmailerRateLimit: Int = 0
    public var flowmailerTokenLifetime: Int = 60
    public var postflareRateLimit: Int = 10
    /// Messages kept per tenant (Flowmailer account, Postflare team, Flowdock flow); oldest dropped beyond.
    public var maxMessages: Int = 100_000
    /// Requests kept in the request journal (`GET /_emulator/requests`); 0 = off. The webhook delivery journal
    /// keeps as many attempts (10,000 when this is 0).
    public var journalSize: Int = 10_000
    /// When set, `/_emulator/` routes but health want `Authorization: Bearer <token>`.
    public var controlToken: String?
    /// A JSON file of fault rules (an array, as `POST /_emulator/faults` takes) loaded at start (`--faults`).
    public var faultsFile: String?
    /// Status for an unknown or deleted Postflare API key: 400 `validation_error` (what the live API was
    /// seen to return), 401, or the documented 403 `invalid_api_key`.
    public var postflareInvalidKeyStatus: Int = 400
    /// Postflare sending quotas (emails per day / month per team); nil = off.
    public var postflareDailyQuota: Int?
    public var postflareMonthlyQuota: Int?
    /// POST Postflare webhook deliveries to their endpoints (`--postflare-webhooks on|off`). When off, no
    /// sender thread runs and no events are generated at all (webhooks are still created, listed and edited),
    /// so sending costs nothing extra.
    public var postflareWebhooks = true
    /// `--log-requests`: request lines even when `logLevel` is above `info` (they are logged at `notice` then).
    public var logRequests = false
    /// `--log-format text|json`.
    public var logFormat: LogFormat = .text
    /// `--log-level`: `notice` by default, which keeps start-up, shutdown, webhook deliveries and faults and
    /// leaves out the per-request lines (`info`), so a default run prints what it printed before and the request
    /// path builds no log line.
    public var logLevel: Logger.Level = .notice
    /// Where log lines go (tests capture them).
    public var logSink: LogSink = .standardError
    /// Start with the emulator clock frozen at this many ms since the epoch (reproducible tests).
    public var frozenClockMillis: Int64?

    public init() {}
}
