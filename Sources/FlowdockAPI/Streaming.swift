// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// The Streaming API (spec §3.11, `docs/streaming.md`): `GET /flows?filter=org/flow,…` and
/// `GET /flows/:organization/:flow` on `stream.flowdock.com`, with the REST API's authentication. Every
/// message stored in a streamed flow from then on is written at once — posts, comments, and the
/// `message-edit` / `tag-change` events of edits — as the REST API renders it:
/// - `Accept: text/event-stream`: Server-Sent Events, `id: <flow id>:<message id>` and `data: <message>`; a
///   reconnect's `Last-Event-ID` resumes that flow after that message (the other flows from now on);
/// - otherwise (`application/json`, the default): each message as JSON followed by `\r\n` (objects separated
///   by `\r`, as documented; the newline and the keep-alives are white space a JSON reader skips).
/// A newline (`: keep-alive` in SSE) every `streamHeartbeatSeconds` keeps idle connections open. `user=1` adds
/// the user's private messages (sent and received; SSE id `private:<other user id>:<message id>`).
extension FlowdockAPI {
    static let streamHost = "stream.flowdock.com"
    static let streamHeartbeatSeconds = 15.0

    static func isStreamRequest(_ r: Request) -> Bool { r.host == streamHost }

    /// `flowPath` is the `:organization/:flow` of `GET /flows/:organization/:flow`, nil for `GET /flows`.
    func openStream(_ r: Request, flowPath: (org: String, flow: String)?) throws -> Response {
        let uid = try Access.user(r)
        let eventStream = r.headers["Accept"]?.lowercased().contains("text/event-stream") == true
        var resume: (flowID: String, id: Int)?
        if eventStream, let last = r.headers["Last-Event-ID"]?.trimmingSpaces(), !last.isEmpty {
            guard let colon = last.lastIndex(of: ":"), let id = Int(last[last.index(after: colon)...]) else {
                throw FlowdockError.validation("Last-Event-ID", "is not an id this stream sent")
            }
            resume = (String(last[..<colon]), id)
        }
        // Each streamed flow with the id of the last message already sent.
        let cursors: [(flowID: String, last: Int)] = try store.withState { s in
            var flowIDs: [String] = []
            if let flowPath {
                flowIDs = [try s.flow(flowPath.org, flowPath.flow, for: .user(uid)).id]
            } else {
                let filter = (r.query("filter") ?? "").trimmingSpaces()
                if filter.isEmpty {
                    // "One of filter or user is required" (docs/streaming.md).
                    guard r.query("user") == "1" else { throw FlowdockError.validation("filter", "can't be blank") }
                }
                for item in filter.split(separator: ",") {
                    let name = String(item).trimmingSpaces()
                    let parts = name.split(separator: "/", omittingEmptySubsequences: false)
                    var byName: Flow?
                    if parts.count == 2 { byName = try? s.flow(String(parts[0]), String(parts[1]), for: .user(uid)) }
                    let flow = try byName ?? s.flow(id: name, for: .user(uid))
                    if !flowIDs.contains(flow.id) { flowIDs.append(flow.id) }
                }
            }
            return flowIDs.map { id in
                if let resume, resume.flowID == id { return (id, resume.id) }
                return (id, s.messages[id]?.values.last?.id ?? 0)
            }
        }
        let stream = ResponseStream(
            heartbeat: ResponseStream.Heartbeat(
                seconds: Self.streamHeartbeatSeconds,
                bytes: Array((eventStream ? ": keep-alive\n\n" : "\n").utf8)
            )
        )
        let store = self.store
        let withPrivate = r.query("user") == "1"
        // Private conversations: the other user's id with the last message id sent, from now on.
        let privateStart: [Int: Int] =
            withPrivate
            ? try store.withState { s in
                var out: [Int: Int] = [:]
                for (key, table) in s.privateMessages where key.low == uid || key.high == uid {
                    out[key.low == uid ? key.high : key.low] = table.values.last?.id ?? 0
                }
                return out
            } : [:]
        let privateSent = Locked(privateStart)
        let privatePump: @Sendable () -> Void = {
            privateSent.withLock { last in
                let fresh: [(Int, Int, JSON)] =
                    (try? store.withState { s in
                        var out: [(Int, Int, JSON)] = []
                        for (key, table) in s.privateMessages where key.low == uid || key.high == uid {
                            let other = key.low == uid ? key.high : key.low
                            for m in table.values where m.id > last[other] ?? 0 {
                                out.append((other, m.id, s.privateMessageJSON(m)))
                            }
                        }
                        return out
                    }) ?? []
                guard !fresh.isEmpty else { return }
                var bytes: [UInt8] = []
                for (other, id, json) in fresh {
                    last[other] = max(last[other] ?? 0, id)
                    if eventStream {
                        bytes +=
                            Array("id: private:\(other):\(id)\ndata: ".utf8) + json.serialized() + Array("\n\n".utf8)
                    } else {
                        bytes += json.serialized() + [0x0D, 0x0A]
                    }
                }
                stream.write(bytes)
            }
        }
        let sent = Locked(Dictionary(uniqueKeysWithValues: cursors.map { ($0.flowID, $0.last) }))
        let pump: @Sendable () -> Void = {
            // Under the stream's lock, so two pumps neither reorder nor repeat messages.
            sent.withLock { last in
                let fresh: [(String, Int, JSON)] =
                    (try? store.withState { s in
                        var out: [(String, Int, JSON)] = []
                        for (flowID, after) in last {
                            guard let table = s.messages[flowID] else { continue }
                            for m in table.values where m.id > after && !m.removed {
                                out.append((flowID, m.id, s.messageJSON(m)))
                            }
                        }
                        return out
                    }) ?? []
                guard !fresh.isEmpty else { return }
                var bytes: [UInt8] = []
                for (flowID, id, json) in fresh {
                    last[flowID] = max(last[flowID] ?? 0, id)
                    if eventStream {
                        bytes += Array("id: \(flowID):\(id)\ndata: ".utf8) + json.serialized() + Array("\n\n".utf8)
                    } else {
                        bytes += json.serialized() + [0x0D, 0x0A]
                    }
                }
                stream.write(bytes)
            }
        }
        // Observe first, then catch up: a message stored in between is read by one of the two pumps.
        let token = store.changes.observe { change in
            if change.vendor == FlowdockAPI.vendorName { pump() }
        }
        stream.onClose { store.changes.removeObserver(token) }
        if withPrivate {
            let privateToken = store.observePrivateMessages { privatePump() }
            stream.onClose { store.removePrivateObserver(privateToken) }
        }
        if eventStream { stream.write(Array(": stream open\n\n".utf8)) } else { stream.write([0x0A]) }
        pump()
        let headers: HTTPHeaders = [
            "Content-Type": eventStream ? "text/event-stream; charset=utf-8" : "application/json; charset=utf-8",
            "Cache-Control": "no-cache", "X-Accel-Buffering": "no",
        ]
        return .streaming(stream, headers: headers)
    }
}
