// SPDX-License-Identifier: Apache-2.0
public import HTTPCore

/// A sent or posted message in the shape every vendor shares, for inspection across vendors (the control
/// plane, the web inbox). Each vendor maps its own records into it; fields a vendor lacks stay empty.
public struct InspectedMessage: Sendable {
    public struct Attachment: Sendable, Equatable {
        public var name: String
        public var contentType: String
        public var size: Int

        public init(name: String, contentType: String, size: Int) {
            self.name = name
            self.contentType = contentType
            self.size = size
        }
    }

    public struct Event: Sendable, Equatable {
        /// The vendor's own event name (`DELIVERED`, `email.delivered`, `message`).
        public var type: String
        public var at: Timestamp
        public var detail: String?

        public init(type: String, at: Timestamp, detail: String? = nil) {
            self.type = type
            self.at = at
            self.detail = detail
        }
    }

    public var vendor: String
    public var tenant: String
    public var id: String
    public var created: Timestamp
    public var from: String?
    public var to: [String] = []
    public var cc: [String] = []
    public var bcc: [String] = []
    public var subject: String?
    public var text: String?
    public var html: String?
    public var headers: [(name: String, value: String)] = []
    public var attachments: [Attachment] = []
    /// The vendor's status or last event now (`DELIVERED`, `delivered`); nil where the vendor has none.
    public var status: String?
    /// What happened to it so far, oldest first, on the emulator clock.
    public var events: [Event] = []
    /// Where the vendor's own API shows it (a path on the emulator: `/545/messages/…`, `/emails/…`).
    public var vendorPath: String

    public init(vendor: String, tenant: String, id: String, created: Timestamp, vendorPath: String) {
        self.vendor = vendor
        self.tenant = tenant
        self.id = id
        self.created = created
        self.vendorPath = vendorPath
    }

    /// The JSON the control plane answers with.
    public var json: JSON {
        var o = JSONObject()
        o["vendor"] = .string(vendor)
        o["tenant"] = .string(tenant)
        o["id"] = .string(id)
        o["created_at"] = .string(created.iso8601())
        o["from"] = .string(from)
        o["to"] = .array(to.map { .string($0) })
        o["cc"] = .array(cc.map { .string($0) })
        o["bcc"] = .array(bcc.map { .string($0) })
        o["subject"] = .string(subject)
        o["text"] = .string(text)
        o["html"] = .string(html)
        o["headers"] = .array(headers.map { ["name": .string($0.name), "value": .string($0.value)] })
        o["attachments"] = .array(
            attachments.map {
                ["name": .string($0.name), "content_type": .string($0.contentType), "size": .int($0.size)]
            }
        )
        o["status"] = .string(status)
        o["events"] = .array(
            events.map { ["type": .string($0.type), "at": .string($0.at.iso8601()), "detail": .string($0.detail)] }
        )
        o["vendor_path"] = .string(vendorPath)
        return .object(o)
    }
}

extension InspectedMessage {
    /// The newest `limit` of several newest-first lists (one per tenant or vendor, in arrival order of the
    /// lists), by creation time. Ties keep the arrival order reversed, as reading the oldest-first listing
    /// backwards does: a later list's message first, and within a list its own (newest-first) order.
    public static func mergedNewest(_ lists: [[InspectedMessage]], limit: Int) -> [InspectedMessage] {
        guard lists.count > 1 else { return Array((lists.first ?? []).prefix(limit)) }
        var all: [(message: InspectedMessage, list: Int, position: Int)] = []
        for (list, messages) in lists.enumerated() {
            for (position, m) in messages.enumerated() { all.append((m, list, position)) }
        }
        all.sort { a, b in
            if a.message.created != b.message.created { return a.message.created > b.message.created }
            return a.list != b.list ? a.list > b.list : a.position < b.position
        }
        return all.prefix(limit).map(\.message)
    }
}
