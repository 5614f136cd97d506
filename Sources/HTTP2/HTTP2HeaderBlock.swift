// SPDX-License-Identifier: Apache-2.0
internal import CNghttp2

/// A response header block being assembled for `nghttp2_submit_response`: every name and value packed into
/// one byte buffer, turned into an `nghttp2_nv` array only for the duration of the call (nghttp2 copies the
/// fields because no NGHTTP2_NV_FLAG_NO_COPY_* flag is set). The session keeps one and reuses its capacity,
/// so building a block allocates nothing in the steady state.
struct HTTP2HeaderBlock {
    private struct Span {
        var name: Int
        var nameLength: Int
        var value: Int
        var valueLength: Int
        var flags: UInt8
    }

    private var bytes: [UInt8] = []
    private var spans: [Span] = []
    private var nameValues: [nghttp2_nv] = []

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        spans.removeAll(keepingCapacity: true)
    }

    /// Fields whose value differs in every response: HPACK-indexing them (RFC 7541 §6.2.1) would only churn the
    /// dynamic table, an insertion and an eviction per response, so they go as literals never indexed.
    private static let uniquePerResponse: [UInt8] = Array("x-request-id".utf8)

    /// Appends one field. Names are lower-cased: RFC 9113 §8.2 makes uppercase names malformed.
    mutating func append(name: String, value: String) {
        let nameStart = bytes.count
        bytes.append(contentsOf: name.utf8)
        let valueStart = bytes.count
        // Lower-cased in place over contiguous bytes (a per-byte append costs a capacity check each).
        var unique = valueStart - nameStart == Self.uniquePerResponse.count
        bytes.withUnsafeMutableBufferPointer { buffer in
            for i in nameStart..<valueStart {
                let byte = buffer[i]
                if byte >= 65 && byte <= 90 { buffer[i] = byte | 0x20 }
                if unique && buffer[i] != Self.uniquePerResponse[i - nameStart] { unique = false }
            }
        }
        bytes.append(contentsOf: value.utf8)
        spans.append(
            Span(
                name: nameStart,
                nameLength: valueStart - nameStart,
                value: valueStart,
                valueLength: bytes.count - valueStart,
                flags: UInt8(unique ? NGHTTP2_NV_FLAG_NO_INDEX.rawValue : NGHTTP2_NV_FLAG_NONE.rawValue)
            )
        )
    }

    /// Calls `body` with the fields as an `nghttp2_nv` array valid only during the call.
    mutating func withNameValues<R>(_ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        // A local (uniquely referenced, so appends reuse the storage): the closure below may not touch `self`
        // while `bytes` is borrowed.
        var nameValues = self.nameValues
        self.nameValues = []
        defer { self.nameValues = nameValues }
        nameValues.removeAll(keepingCapacity: true)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return body(nameValues, 0) }
            for span in spans {
                nameValues.append(
                    nghttp2_nv(
                        name: base + span.name,
                        value: base + span.value,
                        namelen: span.nameLength,
                        valuelen: span.valueLength,
                        flags: span.flags
                    )
                )
            }
            return nameValues.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
        }
    }
}
