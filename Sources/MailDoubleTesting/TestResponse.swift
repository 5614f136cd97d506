// SPDX-License-Identifier: Apache-2.0
public import HTTPCore

/// A complete response as a test sees it, from either mode.
///
/// A live server adds the fields it owns (`Date`, `Content-Length`, `Connection`), and answers `HEAD` without
/// a body; everything a handler set arrives unchanged in both modes.
public struct TestResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON, or `.null` when it is empty or not JSON (assert on the value, not on a throw).
    public var json: JSON { (try? JSON.parse(body)) ?? .null }

    /// The same status, fields and body as a `Response` value, for helpers written against `Response`.
    public var response: Response { Response(status: status, headers: headers, body: body) }
}
