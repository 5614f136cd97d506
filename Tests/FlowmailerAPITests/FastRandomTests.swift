// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Testing

@testable import FlowmailerAPI

@Suite struct FastRandomTests {
    @Test func shapes() {
        var rng = FastRandom(seed: 42)
        let uuid = rng.uuid()
        #expect(IDs.isUUID(uuid))
        #expect(Array(uuid)[14] == "4")
        #expect("89ab".contains(Array(uuid)[19]))
        let hex = rng.hex(18)
        #expect(hex.count == 18 && hex.allSatisfy(\.isHexDigit))
        #expect(rng.hex(18) != hex)
    }
}
