// SPDX-License-Identifier: Apache-2.0
import HTTP1
import HTTP2
import HTTPCore

/// A streamed response on an HTTP/1.1 connection (loop thread only).
final class StreamedResponse {
    let source: ResponseStream
    /// Chunked framing (HTTP/1.1); an HTTP/1.0 client gets the bytes as they are, ended by closing.
    let chunked: Bool
    var headSent = false
    var ended = false

    init(source: ResponseStream, chunked: Bool) {
        self.source = source
        self.chunked = chunked
    }
}

/// Streamed responses (`Response.stream`, Server-Sent Events): the handler writes into a `ResponseStream`
/// from any thread; its wake-up runs `pumpStreams` on this connection's loop, which frames what was written
/// (a chunk, DATA frames) into the one gathered write. A stream keeps the connection busy (no keep-alive
/// timeout), ends when the handler finishes it, is cancelled when the client hangs up, and is ended by a
/// drain.
extension Connection {
    /// HTTP/1.1: queues the head as a slot that stays until the stream ends, so pipelined responses behind
    /// it keep their order.
    func startStream(_ source: ResponseStream, _ response: Response, version: HTTPVersion, keepAlive: Bool) {
        let keep = keepAlive && version != .http1_0
        var head: [UInt8] = []
        HTTP1Serializer.writeStreamHead(response, version: version, keepAlive: keep, date: loop.dateString, into: &head)
        let streamed = StreamedResponse(source: source, chunked: version != .http1_0)
        slots.append(Slot(serial: nextSerial, bytes: head, closeAfter: !keep, stream: streamed))
        nextSerial += 1
        if !keep { lifecycle.closeAfterFlush() }
        attachWake(source)
        releaseSlots()
    }

    /// HTTP/2: the session queued HEADERS and parks the DATA until bytes come.
    func attachHTTP2(_ source: ResponseStream) {
        attachWake(source)
        if case .http2(let session) = codec { session.pumpStreams() }
    }

    /// HTTP/1.1: frames what the handler wrote into the output; on its end, the last chunk.
    func pumpHTTP1(_ streamed: StreamedResponse) {
        let (bytes, finished) = streamed.source.take()
        if streamed.chunked {
            HTTP1Serializer.writeChunk(bytes, into: &plainOut)
        } else {
            plainOut.append(contentsOf: bytes)
        }
        if finished, let i = slots.firstIndex(where: { $0.stream === streamed }) { end(slot: i) }
    }

    /// Marks the stream of slot `i` ended: its slot's bytes become the last chunk (after the head, if that
    /// has not gone out yet).
    private func end(slot i: Int) {
        guard let streamed = slots[i].stream, !streamed.ended else { return }
        streamed.ended = true
        slots[i].bytes = (slots[i].bytes ?? []) + (streamed.chunked ? HTTP1Serializer.lastChunk : [])
        if !streamed.chunked {
            slots[i].closeAfter = true
            lifecycle.closeAfterFlush()
        }
    }

    /// The stream's wake-up: find this connection on its loop and pump. Arms the heartbeat, if any.
    private func attachWake(_ source: ResponseStream) {
        let loop = self.loop
        let (fd, id) = (self.fd, self.id)
        source.attach {
            loop.execute {
                guard let c = loop.connections[fd], c.id == id else { return }
                c.pumpStreams()
            }
        }
        armHeartbeat(source)
    }

    private func armHeartbeat(_ source: ResponseStream) {
        guard let heartbeat = source.heartbeat, heartbeat.seconds > 0 else { return }
        hasArmedTimers = true
        let loop = self.loop
        let (fd, id) = (self.fd, self.id)
        loop.schedule(after: heartbeat.seconds, owner: id) {
            guard let c = loop.connections[fd], c.id == id, source.write(heartbeat.bytes) else { return }
            c.armHeartbeat(source)
        }
    }

    /// On the loop, after a stream's wake-up.
    func pumpStreams() {
        switch codec {
        case .http1:
            guard let first = slots.first, let streamed = first.stream, streamed.headSent, !streamed.ended else {
                return
            }
            pumpHTTP1(streamed)
            releaseSlots()
            lifecycle.activity(now: loop.now)
            if slots.isEmpty && !lifecycle.closeRequested { driveHTTP1() }
        case .http2(let session):
            session.pumpStreams()
            lifecycle.activity(now: loop.now)
            flushHTTP2Output()
        case .detecting:
            return
        }
        flush()
    }

    /// The connection closed: every stream's writer is told.
    func cancelStreams() {
        for slot in slots { slot.stream?.source.cancel() }
        if case .http2(let session) = codec { session.cancelStreams() }
    }

    /// Server drain: every stream ends after what it holds (its writer told), so the drain does not wait.
    /// - Returns: whether an HTTP/1.1 stream's last bytes now wait in the output (to flush before closing).
    @discardableResult
    func endStreamsForDrain() -> Bool {
        switch codec {
        case .http1:
            guard slots.contains(where: { $0.stream != nil }) else { return false }
            for i in slots.indices {
                guard let streamed = slots[i].stream, !streamed.ended else { continue }
                if streamed.headSent { pumpHTTP1(streamed) }
                streamed.source.cancel()
                end(slot: i)
            }
            releaseSlots()
            return true
        case .http2(let session):
            guard session.streamingCount > 0 else { return false }
            session.endStreams()
            flushHTTP2Output()
            return false
        case .detecting:
            return false
        }
    }
}
