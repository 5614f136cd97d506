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
struct FlowThread: Sendable, Codable {
    var id: String
    var flowID: String
    var title: String
    var body: String
    var externalURL: JSON
    var status: JSON
    var actions: JSON
    var fields: JSON
    var source: JSON
    var externalThreadID: String?
    var sourceID: Int?
    var initialMessage: Int
    var activities: Int
    var internalComments: Int
    var externalComments: Int
    var createdAt: Int64
    var updatedAt: Int64
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
