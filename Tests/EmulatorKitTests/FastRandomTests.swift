// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Testing

@Suite struct FastRandomTests {
    /// SplitMix64's published output for seed 0 (Vigna's `splitmix64.c`).
    @Test func matchesTheReferenceSplitMix64Sequence() {
        var rng = FastRandom(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func aSeedFixesTheWholeOutput() {
        var a = FastRandom(seed: 1234)
        var b = FastRandom(seed: 1234)
        #expect(a.hex(40) == b.hex(40))
        #expect(a.uuid() == b.uuid())
        #expect(a.string(50, alphabet: Array("xyz".utf8)) == b.string(50, alphabet: Array("xyz".utf8)))
        var c = FastRandom(seed: 1235)
        var d = FastRandom(seed: 1234)
        #expect(c.hex(40) != d.hex(40))
    }

    @Test func unseededGeneratorsDiffer() {
        var a = FastRandom()
        var b = FastRandom()
        #expect(a.next() != b.next())
    }

    @Test func drawsHaveTheRequestedShape() {
        var rng = FastRandom(seed: 42)
        let uuid = rng.uuid()
        #expect(IDs.isUUID(uuid))
        #expect(Array(uuid)[14] == "4")
        #expect("89ab".contains(Array(uuid)[19]))
        let hex = rng.hex(18)
        #expect(hex.count == 18 && hex.allSatisfy(\.isHexDigit))
        var out: [UInt8] = [1]
        rng.append(5, alphabet: FastRandom.hexDigits, to: &out)
        #expect(out.count == 6 && out[0] == 1)
        #expect(rng.string(0, alphabet: FastRandom.hexDigits).isEmpty)
        #expect(Set(rng.string(500, alphabet: Array("ab".utf8)).utf8) == Set("ab".utf8))
    }

    @Test func worksWithTheStandardLibraryRandomAPIs() {
        var rng = FastRandom(seed: 9)
        let values = (0..<200).map { _ in Int.random(in: 0..<10, using: &rng) }
        #expect(Set(values) == Set(0..<10))
        #expect(IDs.isUUID(IDs.uuid()))
    }
}
