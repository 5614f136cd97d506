// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// A Flowdock user (§4.3). `apiTokens` authenticate as Basic username, Bearer or `?access_token=` (§1.1).
struct User: Sendable, Codable {
    var id: Int
    var nick: String
    var name: String
    var email: String
    var avatar: String?
    var website: String?
    var apiTokens: [String]
    var password: String?
    var status: String?
}

/// An organization (§4.4); `members` maps user id → admin flag.
struct Organization: Sendable, Codable {
    var id: Int
    var parameterizedName: String
    var name: String
    var userLimit: Int
    var active: Bool
    var members: [Int: Bool]
    var memberOrder: [Int]
}

/// A flow (§4.1). `members` are the users who joined it; `blocked` are disabled flow users (§3.2).
struct Flow: Sendable, Codable {
    var id: String
    var organizationID: Int
    var parameterizedName: String
    var name: String
    var accessMode: String
    var open: Bool
    var disabled: Bool
    var description: String?
    var webURL: String?
    var apiToken: String
    var joinHash: String
    var members: [Int]
    var blocked: Set<Int>
    var createdAt: Int64
}

/// One stored flow message (§4.5). `id` is unique only within the flow.
struct Message: Sendable, Codable {
    var id: Int
    var flowID: String
    var event: String
    var content: JSON
    var tags: [String]
    var uuid: String
    var user: String
    var sent: Int64
    var app: JSON
    var attachments: [JSON]
    var threadID: String?
    var edited: Int64?
    /// Event-specific fields kept verbatim (`title`, `body`, `author`, `external_user_name`, `_application`…).
    var extra: JSONObject
    var removed: Bool = false

    /// A `message-edit` or `tag-change` event an edit stored: listed by the API, not inspected as a message.
    var isEditEvent: Bool { event == "message-edit" || event == "tag-change" }
}

/// A thread (§4.6). Every top-level message starts one; its state is updated by posting `thread` (§3.4).
/// What most threads never set (a body, an external URL, a status, actions, fields, a source, an external id)
/// sits in one shared box, absent while all of it is the default: a chat thread is then a few words.
struct FlowThread: Sendable {
    var id: String
    var flowID: String
    var title: String
    var initialMessage: Int
    var activities: Int
    var internalComments: Int
    var externalComments: Int
    var createdAt: Int64
    var updatedAt: Int64
    private var details: Details?

    /// The rarely set part; `Details()` is what a thread started by a chat message has.
    struct Parts: Sendable, Equatable {
        var body = ""
        var externalURL: JSON = .null
        var status: JSON = .null
        var actions: JSON = []
        var fields: JSON = []
        var source: JSON = .null
        var externalThreadID: String? = nil
        var sourceID: Int? = nil
    }

    private final class Details: Sendable {
        let parts: Parts
        init(_ parts: Parts) { self.parts = parts }
    }

    init(
        id: String,
        flowID: String,
        title: String,
        body: String,
        externalURL: JSON,
        status: JSON,
        actions: JSON,
        fields: JSON,
        source: JSON,
        externalThreadID: String?,
        sourceID: Int?,
        initialMessage: Int,
        activities: Int,
        internalComments: Int,
        externalComments: Int,
        createdAt: Int64,
        updatedAt: Int64
    ) {
        self.id = id
        self.flowID = flowID
        self.title = title
        self.initialMessage = initialMessage
        self.activities = activities
        self.internalComments = internalComments
        self.externalComments = externalComments
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        parts = Parts(
            body: body,
            externalURL: externalURL,
            status: status,
            actions: actions,
            fields: fields,
            source: source,
            externalThreadID: externalThreadID,
            sourceID: sourceID
        )
    }

    var parts: Parts {
        get { details?.parts ?? Parts() }
        set { details = newValue == Parts() ? nil : Details(newValue) }
    }

    var body: String {
        get { parts.body }
        set { parts.body = newValue }
    }
    var externalURL: JSON {
        get { parts.externalURL }
        set { parts.externalURL = newValue }
    }
    var status: JSON {
        get { parts.status }
        set { parts.status = newValue }
    }
    var actions: JSON {
        get { parts.actions }
        set { parts.actions = newValue }
    }
    var fields: JSON {
        get { parts.fields }
        set { parts.fields = newValue }
    }
    var source: JSON {
        get { parts.source }
        set { parts.source = newValue }
    }
    var externalThreadID: String? {
        get { details?.parts.externalThreadID }
        set { parts.externalThreadID = newValue }
    }
    var sourceID: Int? {
        get { details?.parts.sourceID }
        set { parts.sourceID = newValue }
    }
}

/// The layout the state file has always had: every field under its own key, in declaration order.
extension FlowThread: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, flowID, title, body, externalURL, status, actions, fields, source, externalThreadID, sourceID
        case initialMessage, activities, internalComments, externalComments, createdAt, updatedAt
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            flowID: try c.decode(String.self, forKey: .flowID),
            title: try c.decode(String.self, forKey: .title),
            body: try c.decode(String.self, forKey: .body),
            externalURL: try c.decode(JSON.self, forKey: .externalURL),
            status: try c.decode(JSON.self, forKey: .status),
            actions: try c.decode(JSON.self, forKey: .actions),
            fields: try c.decode(JSON.self, forKey: .fields),
            source: try c.decode(JSON.self, forKey: .source),
            externalThreadID: try c.decodeIfPresent(String.self, forKey: .externalThreadID),
            sourceID: try c.decodeIfPresent(Int.self, forKey: .sourceID),
            initialMessage: try c.decode(Int.self, forKey: .initialMessage),
            activities: try c.decode(Int.self, forKey: .activities),
            internalComments: try c.decode(Int.self, forKey: .internalComments),
            externalComments: try c.decode(Int.self, forKey: .externalComments),
            createdAt: try c.decode(Int64.self, forKey: .createdAt),
            updatedAt: try c.decode(Int64.self, forKey: .updatedAt)
        )
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let p = parts
        try c.encode(id, forKey: .id)
        try c.encode(flowID, forKey: .flowID)
        try c.encode(title, forKey: .title)
        try c.encode(p.body, forKey: .body)
        try c.encode(p.externalURL, forKey: .externalURL)
        try c.encode(p.status, forKey: .status)
        try c.encode(p.actions, forKey: .actions)
        try c.encode(p.fields, forKey: .fields)
        try c.encode(p.source, forKey: .source)
        try c.encodeIfPresent(p.externalThreadID, forKey: .externalThreadID)
        try c.encodeIfPresent(p.sourceID, forKey: .sourceID)
        try c.encode(initialMessage, forKey: .initialMessage)
        try c.encode(activities, forKey: .activities)
        try c.encode(internalComments, forKey: .internalComments)
        try c.encode(externalComments, forKey: .externalComments)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}

/// An integration source (§4.7). A removed source keeps its token so that posts get 410 (§6.11).
struct Source: Sendable, Codable {
    var id: Int
    var flowID: String
    var name: String
    var externalURL: String?
    var flowToken: String
    var creatorID: Int
    var application: JSON
    var errorMessage: String
    var configurationURL: String?
    var createdAt: Int64
    var updatedAt: Int64
    var removed: Bool
}

/// A flow invitation (§4.8).
struct Invitation: Sendable, Codable {
    var id: Int
    var flowID: String
    var email: String
    var state: String
    var message: String?
}

/// A private message (§3.5); ids are per conversation.
struct PrivateMessage: Sendable, Codable {
    var id: Int
    var from: Int
    var to: Int
    var content: String
    var uuid: String
    var sent: Int64
}

/// An uploaded file, served from `/files/<id>/<hash>/<name>` (§3.9).
struct StoredFile: Sendable, Codable {
    var id: Int
    var hash: String
    var fileName: String
    var contentType: String
    var data: [UInt8]
    /// Signs the short-lived download URL the API redirects to (the real API redirects to signed S3 URLs).
    var downloadKey: String

    var path: String { "/files/\(id)/\(hash)/\(URLCoding.percentEncode(fileName))" }
}

/// Who made the request: a user, a source through its `flow_token`, or the deprecated Push API's flow
/// token in the path (`pushToken`). Messages of the last two have `"user": "0"`.
enum Principal: Sendable, Equatable {
    case user(Int)
    case source(Int)
    case pushToken

    var userID: Int? { if case .user(let id) = self { id } else { nil } }
}

extension Message: OrderedRow {
    var rowID: Int { id }
    var orderKey: Int { id }
}

extension PrivateMessage: OrderedRow {
    var rowID: Int { id }
    var orderKey: Int { id }
}
