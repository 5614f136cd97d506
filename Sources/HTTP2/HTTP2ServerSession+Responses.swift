// SPDX-License-Identifier: Apache-2.0
internal import CNghttp2
import HTTPCore

/// How the session treats a response header field, matched case-insensitively without allocating.
private enum FieldKind {
    case connectionSpecific, contentLength, date, other

    init(_ name: String) {
        switch name.utf8.count {
        case 4 where HTTPHeaders.equalNames(name, "date"): self = .date
        case 7 where HTTPHeaders.equalNames(name, "upgrade"): self = .connectionSpecific
        case 10 where HTTPHeaders.equalNames(name, "connection") || HTTPHeaders.equalNames(name, "keep-alive"):
            self = .connectionSpecific
        case 14 where HTTPHeaders.equalNames(name, "content-length"): self = .contentLength
        case 16 where HTTPHeaders.equalNames(name, "proxy-connection"): self = .connectionSpecific
        case 17 where HTTPHeaders.equalNames(name, "transfer-encoding"): self = .connectionSpecific
        default: self = .other
        }
    }
}

extension HTTP2ServerSession {
    /// Queues HEADERS (+ DATA) for `response` on `stream`.
    func submitResponse(on stream: HTTP2Stream, _ response: Response, isHEAD: Bool, date: String) {
        let code = response.status.code
        // RFC 9110 §6.4.1: 1xx, 204 and 304 responses have no content; §8.6: no content-length on 1xx/204.
        let hasNoContent = code < 200 || code == 204 || code == 304
        // A streamed body: DATA frames as the handler writes, no content-length.
        let streamed = !isHEAD && !hasNoContent ? response.stream : nil
        if streamed == nil { response.stream?.cancel() }
        let sendsBody = streamed != nil || (!isHEAD && !hasNoContent && !response.body.isEmpty)

        // Work on a uniquely referenced local (no exclusivity checks per byte on a class property).
        var block = headerBlock
        headerBlock = HTTP2HeaderBlock()
        defer { headerBlock = block }
        block.reset()
        block.append(name: ":status", value: String(code))
        var hasDate = false
        var declaredLength: String?
        for field in response.headers {
            switch FieldKind(field.name) {
            case .connectionSpecific:
                continue  // RFC 9113 §8.2.2: connection-specific fields make an HTTP/2 message malformed.
            case .contentLength:
                declaredLength = field.value  // replaced by the real length below
                continue
            case .date:
                hasDate = true
            case .other:
                break
            }
            block.append(name: field.name, value: field.value)
        }
        if !hasDate { block.append(name: "date", value: date) }
        // RFC 9110 §8.6: none on 1xx/204. A 304, or a HEAD answered without a body, describes the
        // representation a GET would get, so the handler's own value (if any) is kept for those.
        if code == 304 {
            if let declaredLength { block.append(name: "content-length", value: declaredLength) }
        } else if code >= 200 && code != 204 && streamed == nil {
            let length = isHEAD && response.body.isEmpty ? declaredLength ?? "0" : String(response.body.count)
            block.append(name: "content-length", value: length)
        }

        if let streamed {
            stream.responseStream = streamed
            streamingIDs.insert(stream.id)
        } else if sendsBody {
            stream.responseBody = response.body
            stream.responseOffset = 0
        }
        let rv = block.withNameValues { fields, count -> Int32 in
            guard sendsBody else { return nghttp2_submit_response(session, stream.id, fields, count, nil) }
            // nghttp2 copies the provider struct, so a stack value is enough.
            var provider = Self.makeDataProvider()
            return nghttp2_submit_response(session, stream.id, fields, count, &provider)
        }
        // Fails only when the stream is gone (reset in the same read); on_stream_close cleans up.
        if rv != 0 {
            stream.responseBody = []
            if let streamed {
                streamingIDs.remove(stream.id)
                stream.responseStream = nil
                streamed.cancel()
            }
        }
    }

    /// Moves what handlers wrote into their streamed responses since the last call into DATA frames (sent by
    /// the next `drainOutput`). Call on the connection's thread when a stream wakes it.
    public func pumpStreams() {
        for id in streamingIDs {
            guard let stream = streams[id], let source = stream.responseStream, !stream.streamEnded else { continue }
            let (bytes, finished) = source.take()
            if bytes.isEmpty && !finished { continue }
            if stream.responseOffset == stream.responseBody.count {
                stream.responseBody = bytes
                stream.responseOffset = 0
            } else {
                stream.responseBody.append(contentsOf: bytes)
            }
            if finished { stream.streamEnded = true }
            _ = nghttp2_session_resume_data(session, id)
        }
    }

    /// Ends every streamed response after what it holds (server drain); their writers are told (`cancel`).
    public func endStreams() {
        for id in streamingIDs {
            guard let stream = streams[id], let source = stream.responseStream, !stream.streamEnded else { continue }
            let (bytes, _) = source.take()
            stream.responseBody.append(contentsOf: bytes)
            stream.streamEnded = true
            source.cancel()
            _ = nghttp2_session_resume_data(session, id)
        }
    }

    /// Tells every streamed response's writer that the connection is gone.
    public func cancelStreams() {
        for id in streamingIDs { streams[id]?.responseStream?.cancel() }
        streamingIDs.removeAll()
    }

    /// Whether `streamID` carries a streamed response that is still open.
    public func isStreaming(_ streamID: Int32) -> Bool { streamingIDs.contains(streamID) }

    /// Streamed responses still open: the connection is busy while there are any.
    public var streamingCount: Int { streamingIDs.count }

    /// nghttp2 asks for the next DATA frame of `streamID`. With NGHTTP2_DATA_FLAG_NO_COPY nothing is copied
    /// into nghttp2's buffer: `sendData` then writes the frame straight into the output buffer.
    func readResponseBody(streamID: Int32, maxLength: Int, flags: UnsafeMutablePointer<UInt32>) -> Int {
        guard let stream = streams[streamID] else {
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)  // resets a stream we no longer know
        }
        if stream.responseStream != nil {
            let available = stream.responseBody.count - stream.responseOffset
            guard available > 0 else {
                // Nothing written yet: nghttp2 parks the stream until `pumpStreams` resumes it.
                guard stream.streamEnded else { return Int(NGHTTP2_ERR_DEFERRED.rawValue) }
                flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue  // an empty last frame, built by nghttp2
                return 0
            }
            let count = min(maxLength, available)
            stream.responseOffset += count
            var dataFlags = NGHTTP2_DATA_FLAG_NO_COPY.rawValue
            if stream.streamEnded && stream.responseOffset == stream.responseBody.count {
                dataFlags |= NGHTTP2_DATA_FLAG_EOF.rawValue
            }
            flags.pointee |= dataFlags
            return count
        }
        let available = min(stream.responseBody.count, stream.responseLimit ?? Int.max) - stream.responseOffset
        // A paced body with nothing released yet: `releaseBody` resumes it (nghttp2_session_resume_data).
        if available <= 0 && stream.responseOffset < stream.responseBody.count {
            return Int(NGHTTP2_ERR_DEFERRED.rawValue)
        }
        let count = min(maxLength, available)
        stream.responseOffset += count
        var dataFlags = NGHTTP2_DATA_FLAG_NO_COPY.rawValue
        if stream.responseOffset == stream.responseBody.count { dataFlags |= NGHTTP2_DATA_FLAG_EOF.rawValue }
        flags.pointee |= dataFlags
        return count
    }

    /// Writes one whole DATA frame into the output buffer (nghttp2 `send_data_callback` contract: the 9-byte
    /// frame header, the pad-length octet if padded, the payload, then the padding). The payload is the
    /// `length` bytes `readResponseBody` just accounted for.
    func sendData(streamID: Int32, frameHeader: UnsafeBufferPointer<UInt8>, padding: Int, length: Int) {
        guard let stream = streams[streamID] else { return }
        output.append(contentsOf: frameHeader)
        if padding > 0 { output.append(UInt8(padding - 1)) }
        let end = stream.responseOffset
        output.append(contentsOf: stream.responseBody[(end - length)..<end])
        if padding > 1 { output.append(contentsOf: repeatElement(0, count: padding - 1)) }
        if end == stream.responseBody.count {
            stream.responseBody = []
            stream.responseOffset = 0
        }
    }

    /// Our END_STREAM went out on `streamID`: the response is complete.
    func sentEndStream(streamID: Int32) {
        guard let stream = streams[streamID] else { return }
        stream.responseSent = true
        stopDiscardingIfNeeded(stream)
    }

    /// For a request we rejected while its body was still coming, the client should stop once it reads our
    /// response (curl does). If it keeps sending more than `maxBodyBytes` after that, tell it to stop with
    /// RST_STREAM(NO_ERROR) after the complete response (RFC 9113 §8.1). Not sooner: curl 7.88 drops a
    /// response that is followed by RST_STREAM while it is still uploading, and reports error 92.
    func stopDiscardingIfNeeded(_ stream: HTTP2Stream) {
        guard stream.rejection != nil, stream.responseSent, !stream.remoteEnded, !stream.resetSent,
            stream.discardedBytes > settings.maxBodyBytes
        else { return }
        stream.resetSent = true
        _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream.id, NGHTTP2_NO_ERROR.rawValue)
    }
}
