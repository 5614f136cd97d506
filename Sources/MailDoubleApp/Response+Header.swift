// SPDX-License-Identifier: Apache-2.0
import HTTPCore

extension Response {
    /// This answer with one more header field; a deferred answer gets it when its promise completes. Built like
    /// `with(connectionAction:faultID:)`: the server arms the outer promise, which carries the inner's deadline,
    /// completes the inner on expiry (so its cleanup runs) and hands a hang-up's 499 back to it.
    func adding(header name: String, value: String) -> Response {
        guard let inner = deferred else {
            var r = self
            r.headers.add(name: name, value: value)
            return r
        }
        let outer: ResponsePromise
        if let t = inner.timeout {
            outer = ResponsePromise(timeoutMilliseconds: t.milliseconds) {
                let r = t.onTimeout()
                inner.complete(r)
                return r
            }
        } else {
            outer = ResponsePromise()
        }
        inner.whenComplete { final in
            var r = final
            r.headers.add(name: name, value: value)
            outer.complete(r)
        }
        outer.whenComplete { inner.complete($0) }
        var r = Response.later(outer)
        r.faultID = faultID
        return r
    }
}
