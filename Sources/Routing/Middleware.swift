// SPDX-License-Identifier: Apache-2.0
public import HTTPCore

/// A route handler. It runs on an event-loop thread: do the work, return the response, never block.
/// To answer later, return `Response.later(promise)` and complete the promise from anywhere.
public typealias Handler = @Sendable (Request) throws -> Response

/// Wraps every request a router dispatches (authentication, rate limiting, content negotiation…).
///
/// The router has already matched the request when middleware runs: `request.route` is the matched template
/// (or nil), `request.routePrefix` the longest template prefix the path reached, and `request.pathParameters`
/// the captures of either — so middleware decides by route, never by re-reading the path. `next` never throws:
/// an error thrown further in is rendered by the router (`HTTPResponseError`, else the router's
/// `internalError`) before it reaches the caller, so middleware sees every answer, errors included, as a
/// `Response` and never converts another layer's error.
public protocol Middleware: Sendable {
    func handle(_ request: Request, next: (Request) -> Response) throws -> Response
}
