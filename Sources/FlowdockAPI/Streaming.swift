// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// §3.11 the Streaming API: `GET /flows?filter=org/flow,…` and `GET /flows/:organization/:flow` on
/// `stream.flowdock.com` (the same routes on `api.flowdock.com` are the REST flow list and flow). Same auth as
/// REST (Basic with a user token, `access_token`).
///
/// - `Accept: application/json` (the default): each message as one JSON object followed by `\r\n`; a lone
///   `\n` is the keep-alive. The official node client (flowdock/node-flowdock `src/stream.coffee`,
///   `buffer_parser.coffee`) splits the body on `\r\n` and JSON-parses each piece, so an object always ends in
///   `\r\n` and a keep-alive is never a `\r\n` of its own (it would parse as empty). A client splitting on `\r`
///   (the docs' wording) sees the same objects with a leading newline, which JSON ignores.
/// - `Accept: text/event-stream` (or `?accept=text/event-stream`, the Ruby EventSource example's query):
///   Server-Sent Events, `id:` + `data:` per message; `Last-Event-ID` resumes after that event.
/// - Event ids are the emulator's change-feed sequence numbers, because Flowdock message ids are per flow and
///   a stream spans flows. Resuming replays what the feed still holds after that id.
/// - Messages posted through REST (any event: `message`, `comment`, `message-edit`, `tag-change`, …) appear
///   on every open stream of their flow at once: the stream follows the change feed.
/// - Simplified: `user=1` is accepted but private messages are not streamed (they are not on the change
///   feed); `active` and `presence` are accepted and ignored (the emulator keeps no presence).
extension FlowdockAPI {
    static let streamHost = "stream.flowdock.com"

    /// Whether this request is for the streaming host rather than REST.
    static func isStreamRequest(_ request: Request) -> Bool { request.host == streamHost }

    /// Opens a stream of the flows `filter` names (`org/flow` or flow ids, comma-separated), or of the one flow
    /// `org`/`flow` of the path.
    func openStream(_ request: Request, org: String? = nil, flow: String? = nil) throws -> Response {
        let uid = try Access.user(request)
        let input = try Body.parse(request)
        let wantsPrivate = try input.bool("user") ?? false
        let flowIDs: [String] = try store.withState { s in
            if let org, let flow { return [try s.flow(org, flow, for: .user(uid)).id] }
            let filter = (input.string("filter") ?? "").split(separator: ",").map { $0.trimmingSpaces() }
                .filter { !$0.isEmpty }
            if filter.isEmpty && !wantsPrivate {
                throw FlowdockError.badRequest("filter or user parameter is required")
            }
            return try filter.map { item in
                let parts = item.split(separator: "/", omittingEmptySubsequences: false)
                if parts.count == 2 { return try s.flow(String(parts[0]), String(parts[1]), for: .user(uid)).id }
                return try s.flow(id: item, for: .user(uid)).id
            }
        }
        let accept = (input.string("accept") ?? request.headers["Accept"] ?? "").lowercased()
        let sse = accept.contains("text/event-stream")
        var after = store.changes.lastSeq
        if sse, let last = request.headers["Last-Event-ID"] {
            guard let seq = UInt64(last.trimmingSpaces()) else {
                throw FlowdockError.badRequest("Last-Event-ID is not an event id of this stream")
            }
            after = seq
        }
        // A change's id is `inspectionID(flow:id:)`: what comes before its last colon names the flow.
        var prefixes: [String: String] = [:]
        for id in flowIDs { prefixes[String(Self.inspectionID(flow: id, id: 0).dropLast(2))] = id }
        let stream = ResponseStream(
            heartbeat: ResponseStream.Heartbeat(
                seconds: options.streamHeartbeatSeconds,
                bytes: Array((sse ? ": keep-alive\n\n" : "\n").utf8)
            )
        )
        let store = self.store
        let wanted = prefixes
        let sent = Locked(after)
        let pump: @Sendable () -> Void = {
            sent.withLock { last in
                let fresh = store.changes.changes(after: last)
                guard let newest = fresh.last?.seq else { return }
                last = newest
                var picked: [(seq: UInt64, flowID: String, id: Int)] = []
                for change in fresh where change.kind == .messageStored && change.vendor == FlowdockAPI.vendorName {
                    guard let colon = change.id.utf8.lastIndex(of: UInt8(ascii: ":")),
                        let flowID = wanted[String(change.id[..<colon])],
                        let number = Int(change.id[change.id.index(after: colon)...])
                    else { continue }
                    picked.append((change.seq, flowID, number))
                }
                guard !picked.isEmpty else { return }
                let rendered: [(UInt64, [UInt8])] =
                    (try? store.withState { s in
                        picked.compactMap { p in
                            guard let m = s.messages[p.flowID]?[p.id], !m.removed else { return nil }
                            return (p.seq, s.messageJSON(m).serialized())
                        }
                    }) ?? []
                var out: [UInt8] = []
                for (seq, json) in rendered {
                    if sse {
                        out.append(contentsOf: "id: \(seq)\ndata: ".utf8)
                        out.append(contentsOf: json)
                        out.append(contentsOf: "\n\n".utf8)
                    } else {
                        out.append(contentsOf: json)
                        out.append(contentsOf: "\r\n".utf8)
                    }
                }
                if !out.isEmpty { stream.write(out) }
            }
        }
        // The first bytes tell the client the stream is open before any message: a keep-alive.
        stream.write(Array((sse ? ": stream open\n\n" : "\n").utf8))
        // Observe first, then catch up: a change appended in between is read by one of the two pumps.
        let token = store.changes.observe { _ in pump() }
        stream.onClose { store.changes.removeObserver(token) }
        pump()
        return .streaming(
            stream,
            headers: [
                "Content-Type": sse ? "text/event-stream; charset=utf-8" : "application/json; charset=utf-8",
                "Cache-Control": "no-cache",
            ]
        )
    }
}
