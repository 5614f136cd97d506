// SPDX-License-Identifier: Apache-2.0
public import HTTPCore

/// An incremental, sans-IO HTTP/1.1 request parser (RFC 9112).
///
/// The connection appends the bytes it reads and calls `next()` until it returns `.needMoreData`; several
/// pipelined requests may come out of one read. The parser owns one growable byte buffer with a read cursor:
/// parsing moves the cursor and never copies the buffer, and consumed bytes are dropped only when `append` finds
/// the buffer fully consumed (the common case: a reset, no copy) or mostly consumed (an amortised memmove).
///
/// For a typical keep-alive GET read in one piece, the only allocations are those of the `Request` itself (its
/// header array and strings over 15 bytes): the buffer and the field list keep their capacity across requests.
///
/// Not `Sendable`: one connection owns it on one thread.
public struct HTTP1Parser {
    /// Bytes received and not yet dropped; `machine.cursor` is the first one not consumed.
    private var storage: [UInt8] = []
    private var machine: StateMachine

    // Reclaim the consumed prefix with a memmove once it is at least this long and at least half the buffer,
    // so a slow pipelining client costs O(1) amortised per byte.
    private static let compactionThreshold = 4096
    // A fully consumed buffer keeps its capacity for the next request unless a large body made it this big.
    private static let retainedCapacity = 65536

    /// - Parameters:
    ///   - limits: header and body limits enforced while parsing.
    ///   - isSecure: copied into every `Request` (the connection came over TLS).
    ///   - remoteAddress: copied into every `Request` (the peer's address as text).
    public init(limits: HTTP1Limits = HTTP1Limits(), isSecure: Bool = false, remoteAddress: String = "") {
        machine = StateMachine(limits: limits, isSecure: isSecure, remoteAddress: remoteAddress)
    }

    /// Buffers bytes read from the connection.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty, !machine.isFailed else { return }
        reclaimConsumedBytes()
        storage.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
    }

    /// Buffers bytes read from the connection.
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Returns the next event for the bytes buffered so far. Call repeatedly until `.needMoreData` (pipelining:
    /// several requests may be buffered). After `.failure` the parser stays failed.
    public mutating func next() -> HTTP1ParseEvent {
        let event = storage.withUnsafeBufferPointer { machine.next($0) }
        if case .failure = event {
            // The connection is about to close: nothing buffered will be parsed again.
            storage = []
            machine.shift(by: machine.cursor)
        }
        return event
    }

    /// What is known of the request that failed (after `.failure`) or of the one being read (a timeout), for the
    /// server's error answer: its request line once parsed and the `HTTPErrorContext.relevantHeaderNames` fields
    /// received so far. `reason` defaults to the parser's own reason for the failure.
    public func errorContext(status: HTTPStatus, reason: String? = nil, message: String) -> HTTPErrorContext {
        let known = machine.failure?.known ?? machine.known()
        return HTTPErrorContext(
            status: status,
            reason: reason ?? machine.failure.map { "\($0.reason)" } ?? status.reason,
            message: message,
            method: known.method,
            target: known.target,
            headers: known.headers,
            version: known.version,
            isSecure: machine.isSecure
        )
    }

    /// True when bytes of an incomplete request are buffered (the server applies its header/body read timeout).
    public var hasBufferedBytes: Bool {
        !machine.isFailed && (machine.cursor < storage.count || !machine.isBetweenRequests)
    }

    /// True when no partial request is buffered (the server applies its keep-alive idle timeout).
    public var isIdle: Bool {
        !machine.isFailed && machine.cursor == storage.count && machine.isBetweenRequests
    }

    private mutating func reclaimConsumedBytes() {
        let consumed = machine.cursor
        guard consumed > 0 else { return }
        if consumed == storage.count {
            if storage.capacity > Self.retainedCapacity {
                storage = []
            } else {
                storage.removeAll(keepingCapacity: true)
            }
        } else if consumed >= Self.compactionThreshold && consumed * 2 >= storage.count {
            storage.removeSubrange(0..<consumed)
        } else {
            return
        }
        machine.shift(by: consumed)
    }
}

// One connection owns a parser on one event-loop thread.
@available(*, unavailable)
extension HTTP1Parser: Sendable {}
