// SPDX-License-Identifier: Apache-2.0
import HTTP1
import HTTPCore
import Testing

/// A comparable, readable summary of a parse event (Request is not Equatable).
func summary(_ event: HTTP1ParseEvent) -> String {
    switch event {
    case .needMoreData:
        return "needMoreData"
    case .expectContinue:
        return "100-continue"
    case .failure(let status):
        return "failure \(status.code)"
    case .request(let r, let keepAlive):
        let headers = r.headers.map { "\($0.name)=\($0.value)" }.joined(separator: "|")
        let body = String(decoding: r.body, as: UTF8.self)
        return "\(r.method.rawValue) \(r.target) \(r.version.rawValue) keepAlive=\(keepAlive) [\(headers)] body=\(body)"
    }
}

/// Feeds `chunks` one `append` at a time, draining `next()` after each, and returns every event other than
/// `.needMoreData`. Stops at the first failure.
func events(
    _ chunks: [[UInt8]],
    limits: HTTP1Limits = HTTP1Limits(),
    includeContinue: Bool = true
) -> [String] {
    var parser = HTTP1Parser(limits: limits)
    var out: [String] = []
    for chunk in chunks {
        parser.append(chunk)
        drain: while true {
            let event = parser.next()
            switch event {
            case .needMoreData: break drain
            case .expectContinue: if includeContinue { out.append(summary(event)) }
            case .failure:
                out.append(summary(event))
                return out
            case .request: out.append(summary(event))
            }
        }
    }
    return out
}

/// Every way the tests feed an input: whole, split in two at every byte boundary, and one byte at a time.
func splits(_ bytes: [UInt8]) -> [[[UInt8]]] {
    var all: [[[UInt8]]] = [[bytes]]
    for cut in 1..<max(bytes.count, 1) {
        all.append([Array(bytes[..<cut]), Array(bytes[cut...])])
    }
    all.append(bytes.map { [$0] })
    return all
}

/// Parses `input` whole and every split way, expects identical events, and returns them. `100 Continue`
/// depends on whether body bytes arrived with the head, so it is left out of the comparison.
func consistentEvents(
    _ input: String,
    limits: HTTP1Limits = HTTP1Limits(),
    sourceLocation: SourceLocation = #_sourceLocation
) -> [String] {
    let bytes = Array(input.utf8)
    let whole = events([bytes], limits: limits, includeContinue: false)
    for chunks in splits(bytes) {
        let got = events(chunks, limits: limits, includeContinue: false)
        if got != whole {
            Issue.record(
                "split \(chunks.map(\.count)) gave \(got), whole gave \(whole)",
                sourceLocation: sourceLocation
            )
            break
        }
    }
    return whole
}

/// Parses exactly one request from `input` (whole), or records an issue.
func parseOne(
    _ input: String,
    limits: HTTP1Limits = HTTP1Limits(),
    isSecure: Bool = false,
    remoteAddress: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) -> (request: Request, keepAlive: Bool)? {
    var parser = HTTP1Parser(limits: limits, isSecure: isSecure, remoteAddress: remoteAddress)
    parser.append(Array(input.utf8))
    let event = parser.next()
    guard case .request(let request, let keepAlive) = event else {
        Issue.record("expected a request, got \(summary(event))", sourceLocation: sourceLocation)
        return nil
    }
    return (request, keepAlive)
}
