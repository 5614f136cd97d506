// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// Opaque tokens shaped like the web links of the official example (`VRbzZZWMpsc:<22>:<128>:<43>`).
enum WebLink {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The `onlineLink` of a submitted message, the same every time for one seed.
    static func online(seed: UInt64) -> String {
        var rng = FastRandom(seed: seed)
        return "https://web.flowmailer.net/viewonline.html?id=" + token(&rng)
    }

    /// The `messageDetailsLink` of a submitted message (its own stream of the same seed).
    static func details(seed: UInt64) -> String {
        var rng = FastRandom(seed: ~seed)
        return "https://web.flowmailer.net/viewmessage.html?id=" + token(&rng) + "&code=" + rng.hex(40)
    }

    static func token(_ rng: inout FastRandom) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(12 + 22 + 1 + 128 + 1 + 43)
        out.append(contentsOf: "VRbzZZWMpsc:".utf8)
        rng.append(22, alphabet: alphabet, to: &out)
        out.append(UInt8(ascii: ":"))
        rng.append(128, alphabet: alphabet, to: &out)
        out.append(UInt8(ascii: ":"))
        rng.append(43, alphabet: alphabet, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
