// SPDX-License-Identifier: Apache-2.0
import HTTP2
import HTTPCore

extension Connection {
    func makeHTTP2() -> Codec {
        do {
            let session = try HTTP2ServerSession(
                settings: configuration.http2Settings,
                isSecure: isSecure,
                remoteAddress: remoteAddress,
                errorResponder: configuration.errorResponder
            )
            return .http2(session)
        } catch {
            loop.core.log("HTTP/2 session for \(remoteAddress) failed: \(error)")
            lifecycle.closeAfterFlush()
            return .detecting
        }
    }

    func receiveHTTP2(_ bytes: UnsafeRawBufferPointer) {
        guard case .http2(let session) = codec else { return }
        let requests: [(streamID: Int32, request: Request)]
        do {
            requests = try session.receive(bytes)
        } catch {
            // A connection error: nghttp2 has queued GOAWAY; send it and close.
            loop.core.log("HTTP/2 error from \(remoteAddress): \(error)")
            flushHTTP2Output()
            lifecycle.closeAfterFlush()
            return
        }
        for (streamID, request) in requests {
            dispatchHTTP2(session, streamID: streamID, request: request)
        }
        flushHTTP2Output()
    }

    private func dispatchHTTP2(_ session: HTTP2ServerSession, streamID: Int32, request: Request) {
        let isHEAD = request.method == .HEAD
        let response = loop.core.respond(to: request)
        if let promise = response.deferred {
            armDeadline(of: promise)
            let loop = self.loop
            let (fd, id) = (self.fd, self.id)
            promise.whenComplete { final in
                loop.execute {
                    guard let c = loop.connections[fd], c.id == id, case .http2(let s) = c.codec else {
                        final.stream?.cancel()
                        return
                    }
                    final.stream?.cancel()  // streams are for direct answers only
                    var final = final
                    final.stream = nil
                    s.respond(streamID: streamID, response: final, isHEAD: isHEAD, date: loop.dateString)
                    c.lifecycle.activity(now: loop.now)
                    c.flushHTTP2Output()
                    c.flush()
                }
            }
            return
        }
        session.respond(streamID: streamID, response: response, isHEAD: isHEAD, date: loop.dateString)
        if let stream = response.stream, session.isStreaming(streamID) { attachHTTP2(stream) }
    }

    /// Moves the frames nghttp2 wants to send into the connection's output (one write per wake-up).
    func flushHTTP2Output() {
        guard case .http2(let session) = codec else { return }
        do {
            try session.drainOutput(into: &plainOut)
        } catch {
            loop.core.log("HTTP/2 output to \(remoteAddress) failed: \(error)")
            lifecycle.closeAfterFlush()
        }
        if session.isFinished { lifecycle.closeAfterFlush() }
    }
}
