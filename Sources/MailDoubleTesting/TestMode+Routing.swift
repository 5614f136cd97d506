// SPDX-License-Identifier: Apache-2.0
import HTTPCore
public import Routing

/// Runs `body` with a client for `mode` that reaches `router` (one vendor's routes).
public func withTestClient<Result>(
    _ mode: TestMode,
    router: Router,
    _ body: (any TestClient) throws -> Result
) throws -> Result {
    try withTestClient(mode, responder: { router.respond(to: $0) }, body)
}

/// Runs `body` with a client for `mode` that reaches `dispatcher` (several vendors, as the app wires them).
public func withTestClient<Result>(
    _ mode: TestMode,
    dispatcher: Dispatcher,
    _ body: (any TestClient) throws -> Result
) throws -> Result {
    try withTestClient(mode, responder: { dispatcher.respond(to: $0) }, body)
}
