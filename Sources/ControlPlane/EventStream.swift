// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// `GET /_emulator/events`: the change feed as Server-Sent Events (`text/event-stream`). Each change is
/// `id: <seq>\nevent: <kind>\ndata: {"seq","kind","vendor","tenant","id","at","detail"}\n\n`.
///
/// - Where it starts: after `Last-Event-ID` (the header an EventSource sends when it reconnects), else after
///   `?since=`, else at the newest change (only changes from now on). What the feed still holds after that
///   point is replayed first; a resume point older than the feed's oldest change starts at the oldest.
/// - Filters: `vendor`, `tenant`, `kind` (a change kind: `message.stored`, `event.added`,
///   `delivery.attempted`, `reset`, `messages.deleted`; repeatable).
/// - A `: keep-alive` comment every `heartbeatSeconds` of real time, from the server's loop timers.
/// - One change-feed observer per stream, removed when the stream ends (client hang-up, server drain).
///   The observer does not format the change it is handed: it reads the feed from the last sequence number
///   sent, under the stream's own lock, so concurrent appenders can neither reorder nor duplicate events.
struct EventStreamRoute: Sendable {
    let changes: ChangeFeed
    let vendors: [String]
    let heartbeatSeconds: Double
    /// What a `tenant=` value means per vendor (`ControlPlane.nativeTenants`).
    let nativeTenants: @Sendable (String) -> [String: String]

    func open(_ request: Request) throws(HTTPError) -> Response {
        let vendor = try QueryParsing.vendor(request, among: vendors)
        let tenant = request.query("tenant")
        let native = tenant.map(nativeTenants) ?? [:]
        var kinds: Set<String> = []
        for k in request.queryValues("kind") {
            guard Change.Kind(rawValue: k) != nil else {
                throw HTTPError(
                    .badRequest,
                    message:
                        "Unknown kind '\(k)'; use message.stored, event.added, delivery.attempted, reset or messages.deleted."
                )
            }
            kinds.insert(k)
        }
        var after = changes.lastSeq
        for (name, value) in [("Last-Event-ID", request.headers["Last-Event-ID"]), ("since", request.query("since"))] {
            guard let value else { continue }
            guard let seq = UInt64(value.trimmingSpaces()) else {
                throw HTTPError(.badRequest, message: "'\(name)' is a change sequence number.")
            }
            after = seq
            break
        }
        let stream = ResponseStream(
            heartbeat: ResponseStream.Heartbeat(seconds: heartbeatSeconds, bytes: Array(": keep-alive\n\n".utf8))
        )
        let changes = self.changes
        let kindFilter = kinds
        let sent = Locked(after)
        let pump: @Sendable () -> Void = {
            sent.withLock { last in
                let fresh = changes.changes(after: last)
                guard let newest = fresh.last?.seq else { return }
                last = newest
                var out: [UInt8] = []
                for change in fresh {
                    if let vendor, change.vendor != vendor { continue }
                    if let tenant, change.tenant != tenant, native[change.vendor] != change.tenant { continue }
                    if !kindFilter.isEmpty && !kindFilter.contains(change.kind.rawValue) { continue }
                    Self.frame(change, into: &out)
                }
                if !out.isEmpty { stream.write(out) }
            }
        }
        // A comment first, so that clients see the stream open before the first change.
        stream.write(Array(": stream open\n\n".utf8))
        // Observe first, then replay: a change appended in between is read by one of the two pumps.
        let token = changes.observe { _ in pump() }
        stream.onClose { changes.removeObserver(token) }
        pump()
        return .streaming(
            stream,
            headers: [
                "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
            ]
        )
    }

    /// One event: `id`, `event` and a one-line JSON `data`.
    static func frame(_ c: Change, into out: inout [UInt8]) {
        let data: JSON = [
            "seq": .int(Int64(c.seq)), "kind": .string(c.kind.rawValue), "vendor": .string(c.vendor),
            "tenant": .string(c.tenant), "id": .string(c.id), "at": .string(c.at.iso8601()),
            "detail": .string(c.detail),
        ]
        out.append(contentsOf: "id: \(c.seq)\nevent: \(c.kind.rawValue)\ndata: ".utf8)
        out.append(contentsOf: data.serialized())
        out.append(contentsOf: "\n\n".utf8)
    }
}
