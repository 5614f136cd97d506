// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Testing

@testable import PostflareAPI

@Suite struct SvixTests {
    @Test func sha256KnownAnswers() {
        #expect(Base64.encode(Svix.sha256(Array("abc".utf8))) == "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
        #expect(Base64.encode(Svix.sha256([])) == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        #expect(Svix.sha256(million).count == 32)
    }

    /// The verified vector of spec §6.3 (recomputed there with Python's hmac).
    @Test func svixSignatureMatchesTheSpecVector() {
        let sig = Svix.signature(
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
            timestamp: 1_614_265_330,
            body: Array(#"{"test": 2432232314}"#.utf8)
        )
        #expect(sig == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func base64RoundTrip() {
        let bytes: [UInt8] = Array(0...255)
        #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        #expect(Base64.decode("a*b") == nil)
    }
}
