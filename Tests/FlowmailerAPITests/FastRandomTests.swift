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

    /// Both the bit-group path (power-of-two alphabets) and the division path reach every character.
    @Test func stringsCoverTheirAlphabet() {
        var rng = FastRandom(seed: 7)
        let base64 = rng.string(4000, alphabet: WebLink.alphabet)
        #expect(base64.utf8.count == 4000)
        #expect(Set(base64.utf8) == Set(WebLink.alphabet))
        let digits = Array("0123456789".utf8)
        #expect(Set(rng.string(1000, alphabet: digits).utf8) == Set(digits))
        let token = WebLink.token(&rng).split(separator: ":")
        #expect(token.map(\.count) == [11, 22, 128, 43])
        #expect(rng.uuid().count == 36)
    }
}
