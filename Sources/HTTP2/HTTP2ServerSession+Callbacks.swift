// SPDX-License-Identifier: Apache-2.0
internal import CNghttp2

// The C callbacks nghttp2 calls during `mem_recv` / `mem_send`. Each one is a file-private free function
// (never a closure written in main.swift, which Swift 6 would infer @MainActor): it recovers the session
// from the user-data pointer (passed unretained; the session owns the nghttp2 object) and forwards to a
// method. No method throws: stream-level problems are answered on the stream, so these callbacks only
// return NGHTTP2_ERR_CALLBACK_FAILURE for pointers nghttp2 promises never to pass as NULL, after leaving
// the reason in `richerError` for `receive`/`drainOutput` to throw.

extension HTTP2ServerSession {
    /// Registers the callbacks on `callbacks` (copied by `nghttp2_session_server_new`). No send callback:
    /// output is pulled with `nghttp2_session_mem_send`.
    static func installCallbacks(_ callbacks: OpaquePointer) {
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, onBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, onHeader)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, onDataChunkRecv)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, onFrameRecv)
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, onFrameSend)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, onStreamClose)
        nghttp2_session_callbacks_set_send_data_callback(callbacks, onSendData)
    }

    /// The data provider used for every response body (the stream id locates the body).
    static func makeDataProvider() -> nghttp2_data_provider {
        nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: onReadResponseBody)
    }
}

@inline(__always)
private func owner(_ userData: UnsafeMutableRawPointer) -> HTTP2ServerSession {
    Unmanaged<HTTP2ServerSession>.fromOpaque(userData).takeUnretainedValue()
}

private let callbackFailure = NGHTTP2_ERR_CALLBACK_FAILURE.rawValue

/// Records why a callback failed (when the session is known) and returns NGHTTP2_ERR_CALLBACK_FAILURE.
private func fail(_ userData: UnsafeMutableRawPointer?, _ callback: String) -> Int32 {
    if let userData {
        owner(userData).richerError = HTTP2Error(
            code: Int(callbackFailure),
            description: "nghttp2 passed NULL to \(callback)"
        )
    }
    return callbackFailure
}

private func onBeginHeaders(
    _ session: OpaquePointer?,
    _ frame: UnsafePointer<nghttp2_frame>?,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let userData else { return fail(userData, "onBeginHeaders") }
    // Only a request's HEADERS opens a stream; trailers (NGHTTP2_HCAT_HEADERS) belong to an existing one.
    if frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST {
        owner(userData).beginRequest(streamID: frame.pointee.hd.stream_id)
    }
    return 0
}

private func onHeader(
    _ session: OpaquePointer?,
    _ frame: UnsafePointer<nghttp2_frame>?,
    _ name: UnsafePointer<UInt8>?,
    _ nameLength: Int,
    _ value: UnsafePointer<UInt8>?,
    _ valueLength: Int,
    _ flags: UInt8,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    // name and value may be NULL when empty: UnsafeBufferPointer accepts a nil start with count 0.
    guard let frame, let userData else { return fail(userData, "onHeader") }
    owner(userData).receiveHeader(
        streamID: frame.pointee.hd.stream_id,
        isTrailer: frame.pointee.headers.cat != NGHTTP2_HCAT_REQUEST,
        name: UnsafeBufferPointer(start: name, count: nameLength),
        value: UnsafeBufferPointer(start: value, count: valueLength)
    )
    return 0
}

private func onDataChunkRecv(
    _ session: OpaquePointer?,
    _ flags: UInt8,
    _ streamID: Int32,
    _ data: UnsafePointer<UInt8>?,
    _ length: Int,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let userData else { return fail(userData, "onDataChunkRecv") }
    // `data` is only valid during this call: receiveBody copies it.
    owner(userData).receiveBody(streamID: streamID, chunk: UnsafeBufferPointer(start: data, count: length))
    return 0
}

private func onFrameRecv(
    _ session: OpaquePointer?,
    _ frame: UnsafePointer<nghttp2_frame>?,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let userData else { return fail(userData, "onFrameRecv") }
    let header = frame.pointee.hd
    let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
    switch header.type {
    case UInt8(NGHTTP2_HEADERS.rawValue):
        owner(userData).receivedHeaders(
            streamID: header.stream_id,
            isRequest: frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST,
            endStream: endStream
        )
    case UInt8(NGHTTP2_DATA.rawValue) where endStream:
        owner(userData).receivedEndStream(streamID: header.stream_id)
    default:
        break
    }
    return 0
}

private func onFrameSend(
    _ session: OpaquePointer?,
    _ frame: UnsafePointer<nghttp2_frame>?,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let userData else { return fail(userData, "onFrameSend") }
    let header = frame.pointee.hd
    let type = header.type
    if header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0,
        type == UInt8(NGHTTP2_DATA.rawValue) || type == UInt8(NGHTTP2_HEADERS.rawValue)
    {
        owner(userData).sentEndStream(streamID: header.stream_id)
    }
    return 0
}

private func onStreamClose(
    _ session: OpaquePointer?,
    _ streamID: Int32,
    _ errorCode: UInt32,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let userData else { return fail(userData, "onStreamClose") }
    owner(userData).streamClosed(streamID: streamID)
    return 0
}

private func onReadResponseBody(
    _ session: OpaquePointer?,
    _ streamID: Int32,
    _ buffer: UnsafeMutablePointer<UInt8>?,
    _ length: Int,
    _ dataFlags: UnsafeMutablePointer<UInt32>?,
    _ source: UnsafeMutablePointer<nghttp2_data_source>?,
    _ userData: UnsafeMutableRawPointer?
) -> Int {
    guard let dataFlags, let userData else { return Int(fail(userData, "onReadResponseBody")) }
    return owner(userData).readResponseBody(streamID: streamID, maxLength: length, flags: dataFlags)
}

private func onSendData(
    _ session: OpaquePointer?,
    _ frame: UnsafeMutablePointer<nghttp2_frame>?,
    _ frameHeader: UnsafePointer<UInt8>?,
    _ length: Int,
    _ source: UnsafeMutablePointer<nghttp2_data_source>?,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let frameHeader, let userData else { return fail(userData, "onSendData") }
    owner(userData).sendData(
        streamID: frame.pointee.hd.stream_id,
        frameHeader: UnsafeBufferPointer(start: frameHeader, count: 9),
        padding: Int(frame.pointee.data.padlen),
        length: length
    )
    return 0
}
