// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// The state of one request/response exchange, kept in the session's dictionary keyed by stream id (never
/// handed to C as a pointer). Created on the request's HEADERS, removed in `on_stream_close`.
final class HTTP2Stream {
    enum Phase {
        /// Request headers or body still arriving.
        case receiving
        /// The request was handed to the server; waiting for `respond`.
        case dispatched
        /// The response was submitted (by the server, or by the session for a rejected request).
        case responded
    }

    let id: Int32
    var phase = Phase.receiving

    // Request under construction. RFC 9113 §8.3.1: pseudo-header fields arrive before regular fields
    // (nghttp2's HTTP messaging checks enforce it), so `:authority` can become the first `Host` field.
    var method: String?
    var path: String?
    var hasAuthority = false
    var headers = HTTPHeaders()
    /// RFC 9113 §8.2.3: a client may split `cookie` into several fields; they are joined with "; " before
    /// the request is handed to code written against HTTP/1.1 semantics.
    var cookie: String?
    /// Header list size as SETTINGS_MAX_HEADER_LIST_SIZE counts it (RFC 9113 §6.5.2).
    var headerListSize = 0
    var body: [UInt8] = []
    /// True once the client sent END_STREAM.
    var remoteEnded = false
    /// Set when the request breaks a limit or is malformed; the session answers with this status itself.
    var rejection: HTTPStatus?
    /// Body bytes of a rejected request, dropped as they arrive.
    var discardedBytes = 0
    /// True once our END_STREAM went out.
    var responseSent = false
    /// True once we sent RST_STREAM(NO_ERROR) to stop a rejected upload.
    var resetSent = false

    // Response body served by the data provider.
    var responseBody: [UInt8] = []
    var responseOffset = 0
    /// A streamed response's source (`Response.stream`): its bytes are moved into `responseBody` by
    /// `pumpStreams`, and the data provider defers while none wait. `streamEnded` once it finished.
    var responseStream: ResponseStream?
    var streamEnded = false
    /// A paced body: how many bytes of `responseBody` may be sent so far (nil: all of them).
    var responseLimit: Int?

    init(id: Int32) { self.id = id }

    /// The request as handlers see it.
    func makeRequest(isSecure: Bool, remoteAddress: String) -> Request {
        var headers = self.headers
        if let cookie { headers.add(name: "cookie", value: cookie) }
        return Request(
            method: HTTPMethod(method ?? "GET"),
            target: path ?? "/",
            headers: headers,
            body: body,
            version: .http2,
            isSecure: isSecure,
            remoteAddress: remoteAddress
        )
    }
}
