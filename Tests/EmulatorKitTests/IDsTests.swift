// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Testing

@Suite struct IDsTests {
    @Test func uuidsAreVersion4AndUnique() {
        let ids = (0..<1000).map { _ in IDs.uuid() }
        #expect(Set(ids).count == 1000)
        #expect(ids.allSatisfy { IDs.isUUID($0) && Array($0)[14] == "4" && "89ab".contains(Array($0)[19]) })
        #expect(!IDs.isUUID("not-a-uuid"))
        #expect(IDs.hex(18).count == 18)
    }

    /// The version and variant bits are forced whatever the random words hold; the text is lower-case.
    @Test func uuidFromWordsSetsVersionAndVariant() {
        #expect(IDs.uuid(0, 0) == "00000000-0000-4000-8000-000000000000")
        #expect(IDs.uuid(.max, .max) == "ffffffff-ffff-4fff-bfff-ffffffffffff")
        // Bytes are taken least significant first from each word.
        #expect(IDs.uuid(0x0706_0504_0302_0100, 0x0F0E_0D0C_0B0A_0908) == "00010203-0405-4607-8809-0a0b0c0d0e0f")
    }

    @Test func uuidsAreUniqueAcrossThreads() async {
        let batches = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 { group.addTask { (0..<2_000).map { _ in IDs.uuid() } } }
            var all: [[String]] = []
            for await batch in group { all.append(batch) }
            return all
        }
        let ids = batches.flatMap { $0 }
        #expect(ids.count == 8_000)
        #expect(Set(ids).count == 8_000)
    }

    @Test(arguments: [
        ("4EF9A417-02E9-4D39-AD75-9611E0FCC33C", true), ("4ef9a417-02e9-4d39-ad75-9611e0fcc33c", true),
        ("4ef9a417-02e9-4d39-ad75-9611e0fcc33", false), ("4ef9a41702e9-4d39-ad75-9611e0fcc33c-", false),
        ("4ef9a417-02e9-4d39-ad75-9611e0fcc33g", false), ("4ef9a417_02e9_4d39_ad75_9611e0fcc33c", false),
        ("", false),
    ])
    func recognizesCanonicalUUIDs(text: String, isUUID: Bool) {
        #expect(IDs.isUUID(text) == isUUID)
    }

    @Test(arguments: [0, 1, 2, 7, 32, 33])
    func hexHasTheAskedLengthAndLowerCaseDigits(count: Int) {
        let hex = IDs.hex(count)
        #expect(hex.count == count)
        #expect(hex.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test(arguments: [0, 1, 7, 8, 9, 100])
    func randomBytesHasTheAskedCount(count: Int) {
        #expect(IDs.randomBytes(count).count == count)
    }

    @Test func randomDrawsFromItsAlphabet() {
        let text = IDs.random(500, alphabet: "xyz")
        #expect(text.count == 500)
        #expect(Set(text) == ["x", "y", "z"])  // 500 draws from 3 letters miss one with odds of ~1e-88
        #expect(IDs.random(40).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }

    @Test func hexStringEncodesEveryByte() {
        #expect(IDs.hexString([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
        #expect(IDs.hexString([]) == "")
    }
}
