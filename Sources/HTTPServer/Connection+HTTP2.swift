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
        var request = request
        request.localAddress = localAddress
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
                    c.answerHTTP2(s, streamID: streamID, response: final, isHEAD: isHEAD)
                    c.lifecycle.activity(now: loop.now)
                    c.flushHTTP2Output()
                    c.flush()
                }
            }
            return
        }
        answerHTTP2(session, streamID: streamID, response: response, isHEAD: isHEAD)
        if let stream = response.stream, session.isStreaming(streamID) { attachHTTP2(stream) }
    }

    /// Submits the answer on its stream, or carries out its fault: a drop closes the connection after what is
    /// queued, `reset` is a TCP reset, `rstStream` resets only the stream, `goaway` names the stream before
    /// this one as the last processed and closes, `slowBody` releases the body a tenth of a second at a time.
    private func answerHTTP2(_ session: HTTP2ServerSession, streamID: Int32, response: Response, isHEAD: Bool) {
        switch response.connectionAction {
        case nil:
            session.respond(streamID: streamID, response: response, isHEAD: isHEAD, date: loop.dateString)
        case .close:
            session.abandon(streamID: streamID)
            lifecycle.closeAfterFlush()
        case .reset:
            session.abandon(streamID: streamID)
            abortRequested = true
            lifecycle.closeAfterFlush()
        case .rstStream(let code):
            session.resetStream(streamID: streamID, code: code)
        case .goaway(let code):
            session.abandon(streamID: streamID)
            session.goAway(lastStreamID: max(0, streamID - 2), code: code)
            lifecycle.closeAfterFlush()
        case .slowBody(let rate):
            session.respond(
                streamID: streamID,
                response: response,
                isHEAD: isHEAD,
                date: loop.dateString,
                releasedBodyBytes: 0
            )
            paceHTTP2(streamID: streamID, released: 0, bytesPerSecond: max(1, rate))
        }
    }

    /// Lets the next tenth of a second's worth of a paced body go (nghttp2 resumes the deferred DATA).
    private func paceHTTP2(streamID: Int32, released: Int, bytesPerSecond: Int) {
        hasArmedTimers = true
        let interval = bytesPerSecond >= 10 ? 0.1 : 1.0 / Double(bytesPerSecond)
        let chunk = bytesPerSecond >= 10 ? bytesPerSecond / 10 : 1
        loop.schedule(after: interval, owner: id) { [weak self] in
            guard let self, !self.lifecycle.isClosed, case .http2(let session) = self.codec else { return }
            let more = session.releaseBody(streamID: streamID, upTo: released + chunk)
            self.lifecycle.activity(now: self.loop.now)
            self.flushHTTP2Output()
            self.flush()
            if more { self.paceHTTP2(streamID: streamID, released: released + chunk, bytesPerSecond: bytesPerSecond) }
        }
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
