// SPDX-License-Identifier: Apache-2.0

/// An error that knows its answer. The router renders every thrown error that conforms (each vendor's error
/// type does, in its own format); any other error becomes the vendor's 500 and is never echoed.
public protocol HTTPResponseError: Error {
    var response: Response { get }
}

/// An error a handler throws to answer with a specific response. Each vendor module builds these in its
/// own error format (`{statusCode,name,message}`, Flowmailer `allErrors`, Flowdock `{message,errors}`);
/// the router turns them into the response. Any other error becomes a generic 500 and is never echoed.
public struct HTTPError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var response: Response

    public init(_ response: Response) { self.response = response }

    /// A JSON error response.
    public init(
        _ status: HTTPStatus,
        json: JSON,
        headers: HTTPHeaders = HTTPHeaders(),
        contentType: String = "application/json; charset=utf-8"
    ) {
        self.response = .json(json, status: status, headers: headers, contentType: contentType)
    }

    /// A generic JSON error `{"error": reason, "message": message}` for the emulator's own routes.
    public init(_ status: HTTPStatus, message: String) {
        self.init(status, json: ["error": .string(status.reason), "message": .string(message)])
    }

    public var description: String { "HTTPError(\(response.status))" }
}
