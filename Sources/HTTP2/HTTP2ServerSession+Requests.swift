// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTPCore

// Building `Request` values from nghttp2's receive callbacks. nghttp2's HTTP messaging checks already
// validated field names and values (RFC 9113 §8.2.1), pseudo-header placement and the request's
// content-length against the DATA it carried; what remains here is mapping and our own limits.

extension HTTP2ServerSession {
    func beginRequest(streamID: Int32) {
        streams[streamID] = HTTP2Stream(id: streamID)
    }

    func receiveHeader(
        streamID: Int32,
        isTrailer: Bool,
        name: UnsafeBufferPointer<UInt8>,
        value: UnsafeBufferPointer<UInt8>
    ) {
        guard let stream = streams[streamID], stream.phase == .receiving, stream.rejection == nil else { return }
        // RFC 9113 §6.5.2: the list size counts name and value octets plus 32 per field. Trailers count too.
        stream.headerListSize += name.count + value.count + 32
        if stream.headerListSize > Int(settings.maxHeaderListSize) {
            stream.rejection = .requestHeaderFieldsTooLarge
            // Free the list but keep what names the vendor, for the error answer.
            var kept = HTTPHeaders()
            for field in stream.headers where HTTPErrorContext.isRelevant(field.name) {
                kept.add(name: field.name, value: field.value)
            }
            stream.headers = kept
            return
        }
        // Trailer fields are accepted but not surfaced: no emulated API reads them.
        if isTrailer { return }
        let valueText = String(decoding: value, as: UTF8.self)
        if name.first == UInt8(ascii: ":") {
            switch String(decoding: name, as: UTF8.self) {
            case ":method": stream.method = valueText
            case ":path": stream.path = valueText
            case ":authority":
                // RFC 9113 §8.3.1: :authority replaces Host; handlers read Host (HTTP/1.1 semantics).
                stream.hasAuthority = true
                stream.headers.add(name: "host", value: valueText)
            default: break  // :scheme (checked present by nghttp2); a server never reads it
            }
            return
        }
        let nameText = String(decoding: name, as: UTF8.self)
        switch nameText {
        case "host" where stream.hasAuthority:
            // RFC 9113 §8.3.1: when both are present, :authority wins.
            break
        case "cookie":
            stream.cookie = stream.cookie.map { $0 + "; " + valueText } ?? valueText
        default:
            stream.headers.add(name: nameText, value: valueText)
        }
    }

    /// A HEADERS frame was fully received: the request header block (`isRequest`) or trailers.
    func receivedHeaders(streamID: Int32, isRequest: Bool, endStream: Bool) {
        guard let stream = streams[streamID] else { return }  // may arrive after on_stream_close
        if isRequest, stream.phase == .receiving { validateHeaders(stream) }
        if endStream { receivedEndStream(streamID: streamID) }
    }

    private func validateHeaders(_ stream: HTTP2Stream) {
        if stream.rejection == nil {
            if stream.method == "CONNECT" {
                // RFC 9113 §8.5: CONNECT turns the stream into a tunnel; an API emulator proxies nothing.
                stream.rejection = .badRequest
            } else if stream.method == nil || stream.path == nil {
                // nghttp2 resets requests without :method or :path itself (RFC 9113 §8.3.1); kept as a
                // safety net should its HTTP messaging checks ever be disabled.
                stream.rejection = .badRequest
            } else if let declared = stream.headers["content-length"], let length = Int(declared) {
                if length > settings.maxBodyBytes {
                    stream.rejection = .contentTooLarge
                } else {
                    stream.body.reserveCapacity(length)
                }
            }
        }
        if stream.rejection != nil { reject(stream) }
    }

    func receiveBody(streamID: Int32, chunk: UnsafeBufferPointer<UInt8>) {
        guard let stream = streams[streamID] else { return }
        if stream.rejection != nil {
            // Already answered: drop the bytes (nghttp2 still credits the flow-control windows for them).
            stream.discardedBytes += chunk.count
            stopDiscardingIfNeeded(stream)
            return
        }
        guard stream.phase == .receiving else { return }
        if stream.body.count + chunk.count > settings.maxBodyBytes {
            // Without content-length the limit is only known to be broken now: answer 413 at once rather
            // than buffering the rest.
            stream.rejection = .contentTooLarge
            stream.discardedBytes = stream.body.count + chunk.count
            stream.body = []
            reject(stream)
            return
        }
        stream.body.append(contentsOf: chunk)
    }

    /// The client finished its side of the stream (END_STREAM on HEADERS or DATA): the request is complete.
    func receivedEndStream(streamID: Int32) {
        guard let stream = streams[streamID] else { return }
        stream.remoteEnded = true
        guard stream.phase == .receiving else { return }
        if stream.rejection != nil {
            reject(stream)  // trailers pushed the header list over the limit
            return
        }
        stream.phase = .dispatched
        dispatchedCount += 1
        completed.append(
            (streamID: streamID, request: stream.makeRequest(isSecure: isSecure, remoteAddress: remoteAddress))
        )
        // The request holds its own references now; drop ours so the body is freed with the request.
        stream.body = []
        stream.headers = HTTPHeaders()
    }

    func streamClosed(streamID: Int32) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        if stream.phase == .dispatched { dispatchedCount -= 1 }
        // A streamed response ends with its stream (sent, or reset by the client): tell its writer.
        if let source = stream.responseStream {
            streamingIDs.remove(streamID)
            source.cancel()
        }
    }

    /// Answers a request the server never sees (its `rejection` status) through `errorResponder`, which may
    /// render it in the format of the vendor the request names. A body still coming is discarded (see
    /// `stopDiscardingIfNeeded`).
    private func reject(_ stream: HTTP2Stream) {
        guard let status = stream.rejection, stream.phase == .receiving else { return }
        stream.phase = .responded
        let message: String
        let reason: String
        switch status.code {
        case 413:
            (reason, message) = ("body over limit", "The request body exceeds \(settings.maxBodyBytes) bytes.")
        case 431:
            reason = "header list over limit"
            message = "The request header list exceeds \(settings.maxHeaderListSize) bytes."
        default:
            (reason, message) =
                stream.method == "CONNECT"
                ? ("CONNECT", "CONNECT is not supported.") : ("malformed request", "Malformed HTTP/2 request.")
        }
        var relevant = HTTPHeaders()
        for field in stream.headers where HTTPErrorContext.isRelevant(field.name) {
            relevant.add(name: field.name, value: field.value)
        }
        let context = HTTPErrorContext(
            status: status,
            reason: reason,
            message: message,
            method: stream.method.map { HTTPMethod($0) },
            target: stream.path,
            headers: relevant,
            version: .http2,
            isSecure: isSecure
        )
        let response = context.response(from: errorResponder)
        submitResponse(on: stream, response, isHEAD: stream.method == "HEAD", date: lastDate ?? currentHTTPDate())
    }

    private func currentHTTPDate() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return HTTPDate.format(epochSeconds: Int64(now.tv_sec))
    }
}
