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
    }

    private var bytes: [UInt8] = []
    private var spans: [Span] = []
    private var nameValues: [nghttp2_nv] = []

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        spans.removeAll(keepingCapacity: true)
    }

    /// Appends one field. Names are lower-cased: RFC 9113 §8.2 makes uppercase names malformed.
    mutating func append(name: String, value: String) {
        let nameStart = bytes.count
        for byte in name.utf8 { bytes.append(byte >= 65 && byte <= 90 ? byte | 0x20 : byte) }
        let valueStart = bytes.count
        bytes.append(contentsOf: value.utf8)
        spans.append(
            Span(
                name: nameStart,
                nameLength: valueStart - nameStart,
                value: valueStart,
                valueLength: bytes.count - valueStart
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
                        flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)
                    )
                )
            }
            return nameValues.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
        }
    }
}
