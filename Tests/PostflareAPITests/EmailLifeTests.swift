// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import PostflareAPI

@Suite struct EmailLifeTests {
    static let addresses = [
        "delivered@resend.dev", "bounced@resend.dev", "complained@resend.dev", "suppressed@resend.dev",
        "BOUNCED@Resend.Dev", "bounced+run-7@resend.dev", "complained+x@RESEND.dev", "suppressed+x@resend.dev",
        "delivered+label@resend.dev", "someone@example.org", "bounced@resend.dev.example.org",
        "bounced@sub.resend.dev", "Acme <bounced@resend.dev>", "  bounced@resend.dev  ", "+bounced@resend.dev",
        "bounced@resend.dev@", "bouncé@resend.dev", "bounced", "@resend.dev", "bounced@", "a@b@resend.dev",
        "\"Quoted\" <complained+q@resend.dev>", "suppressed@resend.dev>", "", "bouncedx@resend.dev",
        "bounce@resend.dev", "BoUnCeD+A+B@rEsEnD.DeV",
    ]

    /// The allocation-free path answers exactly as the general one wherever it answers at all.
    @Test(arguments: addresses)
    func plainPathAgreesWithTheGeneralOne(address: String) {
        if let plain = EmailLife.plainOutcome(address) {
            #expect(plain == EmailLife.generalOutcome(address), "\(address)")
        }
    }

    @Test func plainPathCoversTheTestAddresses() {
        #expect(EmailLife.plainOutcome("bounced+run-7@resend.dev") == .bounced)
        #expect(EmailLife.plainOutcome("Complained@Resend.dev") == .complained)
        #expect(EmailLife.plainOutcome("suppressed@resend.dev") == .suppressed)
        #expect(EmailLife.plainOutcome("suppressed+x@resend.dev") == .delivered)
        #expect(EmailLife.plainOutcome("person@example.org") == .delivered)
        #expect(EmailLife.plainOutcome("Acme <bounced@resend.dev>") == nil)
        #expect(EmailLife.outcome(of: "Acme <bounced@resend.dev>") == .bounced)
    }
}
