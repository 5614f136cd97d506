// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// An API key of a team. `token` is the bearer secret, shown once at creation.
struct APIKeyRecord: Sendable, Codable {
    var id: String
    var name: String
    var token: String
    var permission: String  // "full_access" | "sending_access"
    var domainId: String?
    var createdAt: Int64
    var seq: Int
}

/// A sent, scheduled or canceled e-mail. Its `last_event` is derived from the clock on read.
struct EmailRecord: Sendable, Codable {
    var id: String
    var from: String
    var to: [String]
    var cc: [String]
    var bcc: [String]
    var replyTo: [String]
    var subject: String
    var html: String?
    var text: String?
    var headers: JSONObject?
    var tags: [JSON]
    var attachments: [AttachmentRecord]
    var createdAt: Int64
    var scheduledAt: Int64?
    /// When the e-mail leaves the queue: its scheduled time, else its creation time.
    var sendAt: Int64
    var canceledAt: Int64?
    var templateId: String?
    var topicId: String?
    var broadcastId: String?
    var seq: Int
    /// A recipient was on the team's suppression list when it was sent.
    var suppressed = false
    /// Events the control plane simulated (`POST /_emulator/messages/postflare/{id}/events`), oldest first.
    var simulated: [SimulatedEvent] = []
    /// The fixed timeline of an e-mail loaded from the fixtures (`emails`, Fixtures+Emails.swift), oldest first:
    /// its `last_event` is the latest entry the clock has reached, not the life its recipients would give it,
    /// and it emits no webhooks. Nil for every e-mail the API sent.
    var recorded: [SimulatedEvent]? = nil
}

/// One event the control plane simulated on an e-mail: its `email.*` name and emulator time.
struct SimulatedEvent: Sendable, Codable, Equatable {
    var type: String
    var at: Int64
}

struct AttachmentRecord: Sendable, Codable {
    var id: String
    var filename: String
    var contentType: String
    var contentId: String?
    var size: Int
    /// The decoded bytes sent as `content` (base64 text or a byte array), for the control plane's download
    /// route; nil for an attachment given only by `path`: the emulator never fetches that URL.
    var content: [UInt8]? = nil
}

struct DomainRecord: Sendable, Codable {
    var id: String
    var name: String
    var region: String
    var createdAt: Int64
    var openTracking: Bool
    var clickTracking: Bool
    var tls: String
    var customReturnPath: String
    var trackingSubdomain: String?
    var sending: Bool
    var receiving: Bool
    /// Fixture domains start verified; created ones are "not_started" until `POST …/verify`.
    var verified: Bool
    var verifyRequestedAt: Int64?
    var seq: Int
}

struct ContactRecord: Sendable, Codable {
    var id: String
    var email: String
    var firstName: String?
    var lastName: String?
    var unsubscribed: Bool
    var properties: JSONObject
    var segmentIds: [String]
    var topics: [String: String]  // topic id → "opt_in" | "opt_out"
    var createdAt: Int64
    var seq: Int
}

extension ContactRecord {
    /// A new contact with only its address, before a create, import or event fills in the rest.
    init(email: String, createdAt: Int64, seq: Int) {
        self.init(
            id: IDs.uuid(),
            email: email,
            firstName: nil,
            lastName: nil,
            unsubscribed: false,
            properties: JSONObject(),
            segmentIds: [],
            topics: [:],
            createdAt: createdAt,
            seq: seq
        )
    }
}

/// A segment; audiences are the same collection under their deprecated name (spec §2.5).
struct SegmentRecord: Sendable, Codable {
    var id: String
    var name: String
    var createdAt: Int64
    var seq: Int
}

struct TopicRecord: Sendable, Codable {
    var id: String
    var name: String
    var description: String?
    var defaultSubscription: String
    var visibility: String
    var createdAt: Int64
    var seq: Int
}

struct ContactPropertyRecord: Sendable, Codable {
    var id: String
    var key: String
    var type: String  // "string" | "number"
    var fallbackValue: JSON
    var createdAt: Int64
    var seq: Int
}

struct TemplateVariable: Sendable, Codable {
    var id: String
    var key: String
    var type: String
    var fallbackValue: JSON
    var createdAt: Int64
}

/// The editable fields of a template version.
struct TemplateContent: Sendable, Codable {
    var name: String
    var alias: String?
    var from: String?
    var subject: String?
    var replyTo: [String]?
    var html: String
    var text: String?
    var variables: [TemplateVariable]
}

struct TemplateRecord: Sendable, Codable {
    var id: String
    var draft: TemplateContent
    /// The content sends use; nil until the first publish.
    var published: TemplateContent?
    var currentVersionId: String
    var createdAt: Int64
    var updatedAt: Int64
    var publishedAt: Int64?
    var hasUnpublishedVersions: Bool
    var seq: Int
}

struct BroadcastRecord: Sendable, Codable {
    var id: String
    var name: String?
    var segmentId: String
    var from: String
    var subject: String
    var replyTo: [String]?
    var previewText: String?
    var html: String?
    var text: String?
    var topicId: String?
    var status: String  // draft | scheduled | queued | sending | sent | canceled
    var createdAt: Int64
    var scheduledAt: Int64?
    var sentAt: Int64?
    var emailIds: [String]
    var seq: Int
}

struct WebhookRecord: Sendable, Codable {
    var id: String
    var endpoint: String
    var events: [String]
    var status: String
    var signingSecret: String
    var createdAt: Int64
    var seq: Int
    /// Set when `Options.webhookEndpointFilter` refuses the endpoint: listed and editable, but no events.
    var muted = false

    /// Enabled and not muted: events are generated and retried for it.
    var receivesEvents: Bool { status == "enabled" && !muted }
}

/// One tenant: a family of API keys and everything they created (spec: "per team").
struct Team: Sendable, Codable {
    var id: String
    /// The account owner's address: the sandbox sender `onboarding@resend.dev` may only write to it.
    var ownerEmail: String
    var rateLimit: Int?
    var keys = OrderedTable<APIKeyRecord>()
    /// Indexed by id with a cached hash (`HashedKey`): growing a `[String: …]` of 100,000 UUIDs rehashed them all.
    var emails = OrderedTable<EmailRecord>()
    /// Inbound e-mails the control plane injected (`GET /emails/receiving`), as many kept as `emailLimit`.
    var receivedEmails = OrderedTable<ReceivedEmailRecord>()
    /// E-mails kept (`Options.maxEmailsPerTeam`, set on every team at start-up) and dropped, oldest first.
    var emailLimit = 100_000
    var evictedEmails = 0
    var domains = OrderedTable<DomainRecord>()
    var contacts = ContactTable()
    var segments = OrderedTable<SegmentRecord>()
    var topics = OrderedTable<TopicRecord>()
    var properties = OrderedTable<ContactPropertyRecord>()
    var templates = OrderedTable<TemplateRecord>()
    var broadcasts = OrderedTable<BroadcastRecord>()
    var webhooks = OrderedTable<WebhookRecord>()
    /// Every event handed to the delivery worker, with its attempts (`GET /webhooks/{id}/events`).
    var webhookEvents = OrderedTable<WebhookEventRecord>()
    var suppressions = OrderedTable<SuppressionRecord>()
    var logs = OrderedTable<LogRecord>()
    var events = OrderedTable<EventRecord>()
    /// Domain claims keyed by their placeholder domain's id.
    var claims: [String: DomainClaimRecord] = [:]
    var imports = OrderedTable<ContactImportRecord>()
    var automations = OrderedTable<AutomationRecord>()
    var runs = OrderedTable<AutomationRun>()
    /// The earliest `resumeAt` of a running automation run, so that most requests skip the run scan.
    var runWake: Int64 = .max
    /// Webhook events not yet collected, and e-mails whose life still has events to emit.
    var pendingEvents: [WebhookEvent] = []
    var trackedEmails: [String: Int] = [:]
    /// Sends counted for the daily/monthly quotas: (time, count).
    @CodedSendLog var sendLog: [(at: Int64, count: Int)] = []

    init(id: String, ownerEmail: String, rateLimit: Int? = nil) {
        self.id = id
        self.ownerEmail = ownerEmail
        self.rateLimit = rateLimit
    }

    func contact(idOrEmail: String) -> ContactRecord? {
        if let c = contacts[idOrEmail] { return c }
        return contacts.id(forEmail: idOrEmail).flatMap { contacts[$0] }
    }

    func template(idOrAlias: String) -> TemplateRecord? {
        if let t = templates[idOrAlias] { return t }
        return templates.values.first { $0.draft.alias == idOrAlias || $0.published?.alias == idOrAlias }
    }

    func verifiedDomain(named name: String, now: Int64) -> DomainRecord? {
        domains.values.first { $0.name.lowercased() == name && $0.status(now: now) == "verified" }
    }
}
