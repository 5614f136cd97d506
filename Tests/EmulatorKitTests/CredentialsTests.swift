// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@Suite struct CredentialsTests {
    @Test func bearerIgnoresCaseAndWhiteSpaceAndEmptyTokens() {
        #expect(Credentials.bearer(["Authorization": "Bearer abc"]) == "abc")
        #expect(Credentials.bearer(["Authorization": "  bearer \t abc  "]) == "abc")
        #expect(Credentials.bearer(["Authorization": "BEARER abc"]) == "abc")
        #expect(Credentials.bearer(["Authorization": "Bearer"]) == nil)
        #expect(Credentials.bearer(["Authorization": "Bearer   "]) == nil)
        #expect(Credentials.bearer(["Authorization": "Bearerabc"]) == nil)
        #expect(Credentials.bearer(["Authorization": "Basic abc"]) == nil)
        #expect(Credentials.bearer(HTTPHeaders()) == nil)
    }

    @Test func basicSplitsAtTheFirstColon() {
        // "user:p@ss:wörd" — RFC 7617 lets the password hold colons.
        let encoded = Base64.encode(Array("user:p@ss:wörd".utf8))
        #expect(
            Credentials.basic(["Authorization": "Basic \(encoded)"])
                == .userPassword(user: "user", password: "p@ss:wörd")
        )
        #expect(
            Credentials.basic(encoded: Base64.encode(Array("token".utf8))) == .userPassword(user: "token", password: "")
        )
        #expect(Credentials.basic(["Authorization": "basic !!!"]) == .malformed)
        #expect(Credentials.basic(["Authorization": "Bearer x"]) == nil)
    }
}
