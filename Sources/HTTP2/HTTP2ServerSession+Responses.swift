// SPDX-License-Identifier: Apache-2.0
internal import CNghttp2
import HTTPCore

/// Where one field's name and value sit in `headerBytes` while a header block is assembled.
struct HeaderSpan {
    var name: Int
    var nameLength: Int
    var value: Int
    var valueLength: Int
}

extension HTTP2ServerSession {
    /// Queues HEADERS (+ DATA) for `response` on `stream`. Header names and values are packed into one
    /// reused byte buffer; `nghttp2_submit_response` copies them (no NGHTTP2_NV_FLAG_NO_COPY_*), so the
    /// pointers only need to live for the call.
    func submitResponse(on stream: HTTP2Stream, _ response: Response, isHEAD: Bool, date: String) {
        let code = response.status.code
        // RFC 9110 §6.4.1: 1xx, 204 and 304 responses have no content; §8.6: no content-length on 1xx/204.
        let hasNoContent = code < 200 || code == 204 || code == 304
        let sendsBody = !isHEAD && !hasNoContent && !response.body.isEmpty

        headerBytes.removeAll(keepingCapacity: true)
        headerSpans.removeAll(keepingCapacity: true)
        append(name: ":status", value: String(code))
        var hasDate = false
        var declaredLength: String?
        for field in response.headers {
            switch field.name.lowercased() {
            // RFC 9113 §8.2.2: connection-specific fields make an HTTP/2 message malformed.
            case "connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection":
                continue
            case "content-length":
                declaredLength = field.value  // replaced by the real length below
                continue
            case "date":
                hasDate = true
            default:
                break
            }
            append(name: field.name, value: field.value)
        }
        if !hasDate { append(name: "date", value: date) }
        if !(code < 200 || code == 204) {
            if !response.body.isEmpty || !(isHEAD || code == 304) {
                if code != 304 { append(name: "content-length", value: String(response.body.count)) }
            } else if let declaredLength {
                // HEAD or 304 without a body: the handler's content-length describes the GET representation.
                append(name: "content-length", value: declaredLength)
            }
        }

        if sendsBody {
            stream.responseBody = response.body
            stream.responseOffset = 0
        }
        let rv = headerBytes.withUnsafeMutableBufferPointer { bytes -> Int32 in
            let base = bytes.baseAddress!  // never empty: `:status` is always there
            nameValues.removeAll(keepingCapacity: true)
            for span in headerSpans {
                nameValues.append(
                    nghttp2_nv(
                        name: base + span.name, value: base + span.value, namelen: span.nameLength,
                        valuelen: span.valueLength, flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)))
            }
            guard sendsBody else {
                return nghttp2_submit_response(session, stream.id, nameValues, nameValues.count, nil)
            }
            // nghttp2 copies the provider struct, so a stack value is enough.
            var provider = Self.makeDataProvider()
            return nghttp2_submit_response(session, stream.id, nameValues, nameValues.count, &provider)
        }
        // Fails only when the stream is gone (reset in the same read); on_stream_close cleans up.
        if rv != 0 { stream.responseBody = [] }
    }

    /// Appends one field; names are lower-cased (RFC 9113 §8.2: uppercase names are malformed).
    private func append(name: String, value: String) {
        let nameStart = headerBytes.count
        for byte in name.utf8 { headerBytes.append(byte >= 65 && byte <= 90 ? byte | 0x20 : byte) }
        let valueStart = headerBytes.count
        headerBytes.append(contentsOf: value.utf8)
        headerSpans.append(
            HeaderSpan(
                name: nameStart, nameLength: valueStart - nameStart, value: valueStart,
                valueLength: headerBytes.count - valueStart))
    }

    /// nghttp2 asks for the next DATA frame of `streamID`. With NGHTTP2_DATA_FLAG_NO_COPY nothing is copied
    /// into nghttp2's buffer: `sendData` then writes the frame straight into the output buffer.
    func readResponseBody(streamID: Int32, maxLength: Int, flags: UnsafeMutablePointer<UInt32>) -> Int {
        guard let stream = streams[streamID] else {
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)  // resets a stream we no longer know
        }
        let count = min(maxLength, stream.responseBody.count - stream.responseOffset)
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
        if end == stream.responseBody.count { stream.responseBody = [] }
    }

    /// Our END_STREAM went out on `streamID`. For a request we rejected while the client was still sending
    /// its body, tell it to stop: RST_STREAM(NO_ERROR) after a complete response (RFC 9113 §8.1).
    func sentEndStream(streamID: Int32) {
        guard let stream = streams[streamID], stream.rejection != nil, !stream.remoteEnded else { return }
        _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, NGHTTP2_NO_ERROR.rawValue)
    }
}
