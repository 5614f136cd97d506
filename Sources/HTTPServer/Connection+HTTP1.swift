// SPDX-License-Identifier: Apache-2.0
import HTTP1
import HTTPCore

extension Connection {
    func makeHTTP1Parser() -> HTTP1Parser {
        HTTP1Parser(limits: configuration.http1Limits, isSecure: isSecure, remoteAddress: remoteAddress)
    }

    func receiveHTTP1(_ bytes: UnsafeRawBufferPointer) {
        guard case .http1(var parser) = codec else { return }
        // Take the parser out of `codec` first, so its buffer is uniquely referenced and compacts in place.
        codec = .detecting
        // A first byte starts the head's clock; a large read (a body, a big head) is progress, not a slow drip.
        lifecycle.http1BytesArrived(count: bytes.count, parserIdle: parser.isIdle, now: loop.now)
        parser.append(bytes)
        codec = .http1(parser)
        driveHTTP1()
    }

    /// Parses and dispatches every complete request buffered, within the pipeline limit.
    func driveHTTP1() {
        guard case .http1(var parser) = codec else { return }
        // The parser is a value: take it out of `codec` while working so it is not copied on each mutation.
        codec = .detecting
        defer { codec = .http1(parser) }
        while !lifecycle.closeRequested && slots.count < configuration.maxPipelinedRequests
            && plainOut.count + socketOut.count - socketOutOffset <= Connection.outputHighWater
        {
            switch parser.next() {
            case .needMoreData:
                lifecycle.http1NeedsMoreData(parserIdle: parser.isIdle)
                return
            case .expectContinue:
                // RFC 9110 §10.1.1: tell the client to send the body. Interim responses keep request order.
                appendSlot(bytes: HTTP1Serializer.continueResponse, closeAfter: false)
            case .request(let request, let keepAlive):
                lifecycle.http1RequestParsed(moreBuffered: !parser.isIdle, now: loop.now)
                dispatchHTTP1(request, keepAlive: keepAlive)
            case .failure(let status):
                queueErrorAndClose(parser.errorContext(status: status, message: Connection.explain(status)))
                return
            }
        }
    }

    private func dispatchHTTP1(_ request: Request, keepAlive: Bool) {
        let isHEAD = request.method == .HEAD
        let version = request.version
        var request = request
        request.localAddress = localAddress
        let response = loop.core.respond(to: request)
        if response.deferred == nil, response.connectionAction != nil {
            // A fault: it takes a slot, so that it acts in pipeline order, after the answers ahead of it.
            let serial = nextSerial
            nextSerial += 1
            slots.append(Slot(serial: serial, bytes: nil, closeAfter: !keepAlive))
            if !keepAlive { lifecycle.closeAfterFlush() }
            fillSlot(serial, response: response, version: version, keepAlive: keepAlive, isHEAD: isHEAD)
            return
        }
        if let promise = response.deferred {
            armDeadline(of: promise)
            let serial = nextSerial
            nextSerial += 1
            slots.append(Slot(serial: serial, bytes: nil, closeAfter: !keepAlive))
            if !keepAlive { lifecycle.closeAfterFlush() }
            let loop = self.loop
            let (fd, id) = (self.fd, self.id)
            promise.whenComplete { final in
                loop.execute {
                    guard let c = loop.connections[fd], c.id == id else { return }  // gone meanwhile
                    final.stream?.cancel()  // streams are for direct answers only
                    c.completeSlot(serial, response: final, version: version, keepAlive: keepAlive, isHEAD: isHEAD)
                }
            }
            return
        }
        if let stream = response.stream {
            if !isHEAD {
                startStream(stream, response, version: version, keepAlive: keepAlive && !loop.isShuttingDown)
                return
            }
            stream.cancel()  // a HEAD gets the head only
        }
        queueResponse(response, version: version, keepAlive: keepAlive && !loop.isShuttingDown, isHEAD: isHEAD)
    }

    /// Serializes a response with the loop's cached `Date`, appending to `buffer`.
    private func serialize(
        _ response: Response,
        version: HTTPVersion,
        keepAlive: Bool,
        isHEAD: Bool,
        into buffer: inout [UInt8]
    ) {
        HTTP1Serializer.write(
            response,
            version: version,
            keepAlive: keepAlive,
            isHEAD: isHEAD,
            date: loop.dateString,
            into: &buffer
        )
    }

    /// Queues a finished response behind any response still being produced. With nothing ahead of it (the
    /// usual case) it is serialized straight into the output, without an intermediate copy of the body.
    private func queueResponse(_ response: Response, version: HTTPVersion, keepAlive: Bool, isHEAD: Bool) {
        if slots.isEmpty {
            if !keepAlive { lifecycle.closeAfterFlush() }
            serialize(response, version: version, keepAlive: keepAlive, isHEAD: isHEAD, into: &plainOut)
        } else {
            var bytes: [UInt8] = []
            serialize(response, version: version, keepAlive: keepAlive, isHEAD: isHEAD, into: &bytes)
            appendSlot(bytes: bytes, closeAfter: !keepAlive)
        }
    }

    /// Queues finished response bytes behind any response still being produced.
    private func appendSlot(bytes: [UInt8], closeAfter: Bool) {
        if closeAfter { lifecycle.closeAfterFlush() }
        if slots.isEmpty {
            plainOut.append(contentsOf: bytes)
        } else {
            slots.append(Slot(serial: nextSerial, bytes: bytes, closeAfter: closeAfter))
            nextSerial += 1
        }
    }

    /// A deferred response arrived (on the loop thread): fill its slot and release what is now in order.
    func completeSlot(_ serial: UInt64, response: Response, version: HTTPVersion, keepAlive: Bool, isHEAD: Bool) {
        fillSlot(serial, response: response, version: version, keepAlive: keepAlive, isHEAD: isHEAD)
        lifecycle.activity(now: loop.now)
        if slots.isEmpty && !lifecycle.closeRequested { driveHTTP1() }  // resume a pipeline held at the limit
        flush()
    }

    /// Puts a finished response into its slot and releases what is now in order (without flushing).
    private func fillSlot(_ serial: UInt64, response: Response, version: HTTPVersion, keepAlive: Bool, isHEAD: Bool) {
        guard let i = slots.firstIndex(where: { $0.serial == serial }) else { return }
        switch response.connectionAction {
        case .close, .goaway, .reset, .rstStream:
            slots[i].bytes = []  // nothing of this answer is sent
            slots[i].action = response.connectionAction
        case nil, .slowBody:
            // A server draining for shutdown tells the client this connection ends (RFC 9112 §9.6).
            let keepAlive = keepAlive && !(loop.isShuttingDown && i == slots.count - 1)
            var bytes: [UInt8] = []
            serialize(response, version: version, keepAlive: keepAlive, isHEAD: isHEAD, into: &bytes)
            slots[i].bytes = bytes
            slots[i].action = response.connectionAction
        }
        releaseSlots()
    }

    /// Moves the answers at the head of the pipeline that are ready into the output, carrying out the fault of
    /// a slot when its turn comes: a drop or reset ends the pipeline there (later requests stay unanswered),
    /// a paced body holds the pipeline until its last byte is queued.
    /// A streamed answer's slot (`Response.stream`) stays first while its stream is open: later answers wait.
    func releaseSlots() {
        while pacedBody == nil, let first = slots.first, let ready = first.bytes {
            switch first.action {
            case nil:
                plainOut.append(contentsOf: ready)
                if let streamed = first.stream, !streamed.ended {
                    slots[0].bytes = nil
                    streamed.headSent = true
                    pumpHTTP1(streamed)  // what was written before the head went out; may end it
                    continue
                }
                slots.removeFirst()
            case .close, .goaway:
                slots.removeAll()
                lifecycle.closeAfterFlush()
                return
            case .reset, .rstStream:
                slots.removeAll()
                abortRequested = true
                lifecycle.closeAfterFlush()
                return
            case .slowBody(let rate):
                let head = Self.headLength(ready)
                plainOut.append(contentsOf: ready[..<head])
                guard head < ready.count else {
                    slots.removeFirst()
                    continue
                }
                pacedBody = PacedBody(bytes: Array(ready[head...]), bytesPerSecond: max(1, rate))
                schedulePacing()
                return
            }
        }
    }

    /// Where the head of serialized response bytes ends (after the blank line).
    private static func headLength(_ bytes: [UInt8]) -> Int {
        var i = 3
        while i < bytes.count {
            if bytes[i] == 10 && bytes[i - 1] == 13 && bytes[i - 2] == 10 && bytes[i - 3] == 13 { return i + 1 }
            i += 1
        }
        return bytes.count
    }

    /// A tenth of a second's worth of bytes per tick (one byte per tick below 10 bytes/s).
    private func schedulePacing() {
        guard let paced = pacedBody else { return }
        hasArmedTimers = true
        let interval = paced.bytesPerSecond >= 10 ? 0.1 : 1.0 / Double(paced.bytesPerSecond)
        loop.schedule(after: interval, owner: id) { [weak self] in self?.paceTick() }
    }

    private func paceTick() {
        guard var paced = pacedBody, !lifecycle.isClosed else { return }
        let chunk = paced.bytesPerSecond >= 10 ? paced.bytesPerSecond / 10 : 1
        let end = min(paced.bytes.count, paced.offset + chunk)
        plainOut.append(contentsOf: paced.bytes[paced.offset..<end])
        paced.offset = end
        lifecycle.activity(now: loop.now)
        if end < paced.bytes.count {
            pacedBody = paced
            schedulePacing()
        } else {
            pacedBody = nil
            if !slots.isEmpty { slots.removeFirst() }
            releaseSlots()
            if slots.isEmpty && !lifecycle.closeRequested { driveHTTP1() }
        }
        flush()
    }

    /// Answers a protocol-level failure (400, 408, 413, 417, 431, 501, 505) through the configuration's
    /// `errorResponder` (the vendor's format when the request names one) and closes.
    func queueErrorAndClose(_ context: HTTPErrorContext) {
        let response = context.response(from: configuration.errorResponder)
        queueResponse(response, version: .http1_1, keepAlive: false, isHEAD: false)
        lifecycle.closeAfterFlush(linger: true)
    }

    static func explain(_ status: HTTPStatus) -> String {
        switch status.code {
        case 400: "The request is not valid HTTP/1.1."
        case 408: "The request was not received in time."
        case 413: "The request body is larger than the server accepts."
        case 417: "Only 'Expect: 100-continue' is supported."
        case 431: "The request line and headers are larger than the server accepts (16 KiB)."
        case 501: "This transfer coding is not supported."
        case 505: "Only HTTP/1.0 and HTTP/1.1 are supported on this connection."
        default: status.reason
        }
    }
}
