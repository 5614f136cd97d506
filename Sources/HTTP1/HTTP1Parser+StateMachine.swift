// SPDX-License-Identifier: Apache-2.0
import HTTPCore

extension HTTP1Parser {
    /// The parsing state machine. It reads a borrowed view of the parser's buffer and only moves `cursor`; the
    /// parser owns the bytes and drops consumed ones between calls (then `shift(by:)` rebases the indices).
    struct StateMachine {
        enum State {
            case requestLine
            case headers
            case fixedBody(remaining: Int)
            case chunkSize
            case chunkData(remaining: Int)
            case chunkDataEnd
            case trailers
            case failed(HTTPStatus)
        }

        let limits: HTTP1Limits
        let isSecure: Bool
        let remoteAddress: String
        var state = State.requestLine
        /// The first byte not consumed.
        var cursor = 0
        /// Where the next LF search starts (≥ cursor), so a line that arrives byte by byte is scanned once.
        var scanFrom = 0
        var message = Message()
        /// Header fields of the request being parsed. Kept across requests so its capacity is reused.
        var fields: [(String, String)] = []
        /// What was known of the request that failed, kept for the error answer (set once, on failure).
        var failure: Failure?

        init(limits: HTTP1Limits, isSecure: Bool, remoteAddress: String) {
            self.limits = limits
            self.isSecure = isSecure
            self.remoteAddress = remoteAddress
        }

        var isFailed: Bool {
            if case .failed = state { return true }
            return false
        }

        /// True when nothing of the next request but empty lines has been consumed.
        var isBetweenRequests: Bool {
            if case .requestLine = state { return true }
            return false
        }

        /// Rebases the indices after the parser dropped `n` consumed bytes from the front of its buffer.
        mutating func shift(by n: Int) {
            cursor -= n
            scanFrom -= n
        }

        mutating func next(_ buf: UnsafeBufferPointer<UInt8>) -> HTTP1ParseEvent {
            do throws(HTTP1ParseError) {
                while true {
                    switch state {
                    case .requestLine, .headers:
                        guard try parseHead(buf) else { return .needMoreData }
                        if let event = try finishHead(buf) { return event }
                    case .fixedBody(let remaining):
                        guard readFixedBody(buf, remaining: remaining) else { return .needMoreData }
                        return completeRequest()
                    case .chunkSize:
                        guard try readChunkSize(buf) else { return .needMoreData }
                    case .chunkData(let remaining):
                        guard readChunkData(buf, remaining: remaining) else { return .needMoreData }
                    case .chunkDataEnd:
                        guard try readChunkDataEnd(buf) else { return .needMoreData }
                    case .trailers:
                        guard try readTrailers(buf) else { return .needMoreData }
                        return completeRequest()
                    case .failed(let status):
                        return .failure(status)
                    }
                }
            } catch {
                failure = Failure(reason: error.reason, known: known())
                state = .failed(error.status)
                scanFrom = cursor
                message = Message()
                fields = []
                return .failure(error.status)
            }
        }

        /// Validates the complete head and decides how the body is framed (RFC 9112 §6.3). Returns the event to
        /// report now, or nil to go on reading the body.
        private mutating func finishHead(_ buf: UnsafeBufferPointer<UInt8>) throws(HTTP1ParseError) -> HTTP1ParseEvent?
        {
            // §3.2: 400 for an HTTP/1.1 request without Host, and for any request with more than one. An
            // absolute-form target carries the authority itself (§3.2.2), so we accept it without Host (choice).
            if message.hostCount > 1 { throw .badRequest("more than one Host") }
            if message.version == .http1_1 && message.hostCount == 0 && message.authority == nil {
                throw .badRequest("missing Host")
            }
            // Transfer-Encoding that passes validation is exactly "chunked".
            let chunked = message.transferEncoding.isPresent
            if chunked {
                // §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing, and a message with both
                // Transfer-Encoding and Content-Length is a request-smuggling vector: reject both.
                if message.version == .http1_0 { throw .badRequest("Transfer-Encoding in HTTP/1.0") }
                if message.contentLength != nil { throw .badRequest("Transfer-Encoding with Content-Length") }
                try message.transferEncoding.validate()
            }
            if message.expectation == .unsupported { throw HTTP1ParseError(.expectationFailed, "unsupported Expect") }
            if chunked {
                state = .chunkSize
            } else {
                let length = message.contentLength ?? 0
                if length > limits.maxBodyBytes { throw HTTP1ParseError(.contentTooLarge, "Content-Length over limit") }
                if length == 0 { return completeRequest() }
                state = .fixedBody(remaining: length)
            }
            // RFC 9110 §10.1.1: a server MUST ignore a 100-continue expectation in an HTTP/1.0 request, and need
            // not send 100 once body bytes have arrived.
            if message.expectation == .continue && message.version == .http1_1 && cursor == buf.count {
                return .expectContinue
            }
            return nil
        }

        /// The request line (once parsed) and the relevant fields received so far. Only error answers call it.
        func known() -> Known {
            var known = Known(version: message.version)
            // `target` is set once the request line is parsed (or only its HTTP-version failed to).
            if !message.target.isEmpty {
                known.method = message.method
                known.target = message.target
            }
            for (name, value) in fields where HTTPErrorContext.isRelevant(name) {
                known.headers.add(name: name, value: value)
            }
            if let authority = message.authority { known.headers.replaceOrAdd(name: "Host", value: authority) }
            return known
        }

        /// Builds the request from the parsed pieces and gets ready for the next one.
        private mutating func completeRequest() -> HTTP1ParseEvent {
            var headers = HTTPHeaders(fields)
            fields.removeAll(keepingCapacity: true)
            // §3.2.2: with an absolute-form target the Host field is replaced by the target's authority.
            if let authority = message.authority { headers.replaceOrAdd(name: "Host", value: authority) }
            // §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive" (RFC 9112 Appendix C.2.2).
            let keepAlive =
                message.version == .http1_1
                ? !message.connectionClose
                : message.connectionKeepAlive && !message.connectionClose
            let request = Request(
                method: message.method,
                target: message.target,
                headers: headers,
                body: message.body,
                version: message.version,
                isSecure: isSecure,
                remoteAddress: remoteAddress
            )
            message = Message()
            state = .requestLine
            return .request(request, keepAlive: keepAlive)
        }
    }

    /// Why the parser failed and what it knew of the request by then.
    struct Failure {
        var reason: StaticString
        var known: Known
    }

    /// The parts of a request head an error answer can use to name the vendor.
    struct Known {
        var method: HTTPMethod?
        var target: String?
        var headers = HTTPHeaders()
        var version = HTTPVersion.http1_1
    }

    /// What is known so far of the request being parsed.
    struct Message {
        var method = HTTPMethod.GET
        var target = ""
        var version = HTTPVersion.http1_1
        /// The authority of an absolute-form target, which becomes the Host field.
        var authority: String?
        /// Bytes of request line and header lines consumed (or of trailer lines, once in the trailer section).
        var headBytes = 0
        var emptyLines = 0
        var headerCount = 0
        var hostCount = 0
        var contentLength: Int?
        var transferEncoding = TransferCodings()
        var connectionClose = false
        var connectionKeepAlive = false
        var expectation = Expectation.none
        var body: [UInt8] = []
        /// Running total of chunk sizes, checked against the body limit.
        var chunkedBytes = 0
    }

    enum Expectation {
        case none
        case `continue`
        case unsupported
    }

    /// The transfer codings listed across all Transfer-Encoding fields (RFC 9112 §6.1).
    struct TransferCodings {
        var isPresent = false
        var codingCount = 0
        var chunkedCount = 0
        var lastIsChunked = false

        /// Only a single `chunked` is accepted. We implement no other coding, which §6.1 answers with 501
        /// wherever it appears; otherwise §6.3 requires 400 when chunked is not final, is applied twice (§7)
        /// or the field lists no coding at all.
        func validate() throws(HTTP1ParseError) {
            if codingCount > chunkedCount { throw HTTP1ParseError(.notImplemented, "unsupported transfer coding") }
            if chunkedCount != 1 || !lastIsChunked { throw .badRequest("chunked is not the single transfer coding") }
        }
    }
}
