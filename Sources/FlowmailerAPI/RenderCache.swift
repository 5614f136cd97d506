// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// The serialized wire forms of one message, one slot per combination of `add*` flags. Only a settled
/// message (every planned change already visible) is cached, because its JSON no longer depends on the
/// clock; listing pages are then a concatenation of stored bytes. Copies of a `StoredMessage` share the
/// cache; a mutation (resume) installs a fresh one.
final class RenderCache: @unchecked Sendable {
    // @unchecked: `slots` is only read or written while holding `RenderCache.lock`.
    private var slots: [[UInt8]?] = []

    /// One lock for every cache, held only to copy an array reference in or out: a lock per message would
    /// cost every submit its own heap mutex.
    private static let lock = Locked(())

    func bytes(slot: Int, render: () -> [UInt8]) -> [UInt8] {
        let cached = Self.lock.withLock { _ in slot < slots.count ? slots[slot] : nil }
        if let cached { return cached }
        // Rendered outside the lock; two racing readers produce identical bytes, so either may win.
        let fresh = render()
        Self.lock.withLock { _ in
            if slots.isEmpty { slots = Array(repeating: nil, count: MessageFlags.combinations) }
            slots[slot] = fresh
        }
        return fresh
    }
}

extension MessageFlags {
    static let combinations = 16

    /// The cache slot of this flag combination.
    var slot: Int { (events ? 1 : 0) | (headers ? 2 : 0) | (onlineLink ? 4 : 0) | (tags ? 8 : 0) }
}

extension StoredMessage {
    /// When the last planned change becomes visible; from then on the JSON is fixed.
    var settledAt: Timestamp {
        var t = inserted
        for e in eventTimeline where e.inserted > t { t = e.inserted }
        // Checked one by one: an array literal here allocated on every listed message.
        if let c = processedAt, c > t { t = c }
        if let c = backendStart, c > t { t = c }
        if let c = backendDone, c > t { t = c }
        return t
    }

    /// `json(at:flags:)` serialized, from the cache once the message has settled.
    func jsonBytes(at now: Timestamp, flags: MessageFlags) -> [UInt8] {
        guard now >= settledAt else { return json(at: now, flags: flags).serialized() }
        return cache.bytes(slot: flags.slot) { json(at: now, flags: flags).serialized() }
    }
}

extension FlowmailerAPI {
    /// A JSON array response assembled from already serialized elements.
    static func jsonArray(_ elements: [[UInt8]], status: HTTPStatus, headers: HTTPHeaders) -> Response {
        var body: [UInt8] = []
        body.reserveCapacity(elements.reduce(2) { $0 + $1.count + 1 })
        body.append(UInt8(ascii: "["))
        for (i, e) in elements.enumerated() {
            if i > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: e)
        }
        body.append(UInt8(ascii: "]"))
        var h = headers
        h.replaceOrAdd(name: "Content-Type", value: FlowmailerError.contentType)
        return Response(status: status, headers: h, body: body)
    }
}
