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

    /// The web link of a message the emulator stored: its view in the web inbox (`/_emulator/ui/`) at `base`,
    /// so a test or a demo can follow `onlineLink` (the rendered message) or `messageDetailsLink` (the message
    /// with its headers and events, as Flowmailer's dashboard shows it). Fixture messages keep their links.
    static func inbox(base: String, id: String, online: Bool) -> String {
        base + "/_emulator/ui/#/message/flowmailer/" + URLCoding.percentEncode(id) + (online ? "/online" : "")
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
