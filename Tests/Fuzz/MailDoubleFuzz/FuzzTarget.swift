// SPDX-License-Identifier: Apache-2.0

/// One libFuzzer target: a name for the command line and the corpus folder, and the function fed each input.
struct FuzzTarget: Sendable {
    let name: String
    let summary: String
    let run: @Sendable (UnsafeRawBufferPointer) -> Void
}

enum FuzzTargets {
    static let all: [FuzzTarget] = CodecTargets.all + VendorTargets.all

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

/// A broken property: trap, so that libFuzzer writes the input as a crash file (with SWIFT_BACKTRACE=enable=no).
func finding(_ message: @autoclosure () -> String) -> Never {
    fatalError("fuzz finding: \(message())")
}

/// FNV-1a: a position derived from the whole input that stays put while the input does.
func inputHash(_ bytes: some Collection<UInt8>) -> Int {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return Int(truncatingIfNeeded: h & 0x7fff_ffff)
}
