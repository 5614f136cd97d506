// SPDX-License-Identifier: Apache-2.0
import CNghttp2
import Testing

@testable import HTTP2

/// The response header block handed to nghttp2: names lower-cased, values as given, and the per-response
/// unique `x-request-id` marked never-indexed so that it does not churn the HPACK dynamic table.
@Suite struct HTTP2HeaderBlockTests {
    @Test func namesAreLowerCasedAndOnlyTheRequestIDIsNeverIndexed() {
        var block = HTTP2HeaderBlock()
        block.append(name: "Content-Type", value: "Application/JSON")
        block.append(name: "X-Request-Id", value: "0123456789abcde")
        block.append(name: "x-request-ix", value: "same length, other name")
        let fields: [(String, String, UInt8)] = block.withNameValues { nv, count in
            (0..<count).map { i in
                let name = String(decoding: UnsafeBufferPointer(start: nv[i].name, count: nv[i].namelen), as: UTF8.self)
                let value = String(
                    decoding: UnsafeBufferPointer(start: nv[i].value, count: nv[i].valuelen),
                    as: UTF8.self
                )
                return (name, value, nv[i].flags)
            }
        }
        let none = UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)
        let noIndex = UInt8(NGHTTP2_NV_FLAG_NO_INDEX.rawValue)
        #expect(fields.map(\.0) == ["content-type", "x-request-id", "x-request-ix"])
        #expect(fields.map(\.1) == ["Application/JSON", "0123456789abcde", "same length, other name"])
        #expect(fields.map(\.2) == [none, noIndex, none])
        block.reset()
        block.append(name: "A", value: "b")
        #expect(block.withNameValues { _, count in count } == 1)
    }
}
