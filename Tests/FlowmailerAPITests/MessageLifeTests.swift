// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import FlowmailerAPI

@Suite struct MessageLifeTests {
    @Test func receivedLineUsesAmsterdamTime() throws {
        let winter = try #require(Timestamp.parseISO8601("2021-12-30T13:04:08Z"))
        #expect(winter.rfc5322Amsterdam() == "Thu, 30 Dec 2021 14:04:08 +0100 (CET)")
        let summer = try #require(Timestamp.parseISO8601("2024-07-01T10:00:00Z"))
        #expect(summer.rfc5322Amsterdam() == "Mon, 01 Jul 2024 12:00:00 +0200 (CEST)")
        // Summer time starts on the last Sunday of March at 01:00 UTC (31 March 2024).
        #expect(
            try #require(Timestamp.parseISO8601("2024-03-31T00:59:59Z")).rfc5322Amsterdam().hasSuffix("+0100 (CET)")
        )
        #expect(
            try #require(Timestamp.parseISO8601("2024-03-31T01:00:00Z")).rfc5322Amsterdam().hasSuffix("+0200 (CEST)")
        )
        #expect(winter.rfc5322() == "Thu, 30 Dec 2021 13:04:08 +0000")
    }

    @Test func outcomeKeywords() {
        #expect(Outcome.forRecipient("bounce@x.test") == .hardbounce)
        #expect(Outcome.forRecipient("Bounce+42@x.test") == .hardbounce)
        #expect(Outcome.forRecipient("bounced@x.test") == .delivered)
        #expect(Outcome.forRecipient("softbounce-1@x.test") == .softbounce)
        #expect(Outcome.forRecipient("error7@x.test") == .error)
        #expect(Outcome.forRecipient("+31612345678") == .delivered)
    }

    @Test func scheduledMessageWaitsForItsTime() throws {
        let clock = EmulatorClock(frozenAtMillis: 1_700_000_000_000)
        let h = try Harness(clock: clock)
        let token = try h.token()
        let id = try h.submit(token: token, extra: #","scheduleAt":"2023-11-14T22:13:30Z""#)  // +10 s
        clock.advance(bySeconds: 5)
        #expect(h.api(.GET, "/545/messages/\(id)", token: token).json["status"] == "SUBMITTED")
        clock.advance(bySeconds: 8)
        #expect(h.api(.GET, "/545/messages/\(id)", token: token).json["status"] == "DELIVERED")
    }

    @Test func dateRangeAcceptsEveryOffsetSpelling() throws {
        let h = try Harness()
        let token = try h.token()
        for range in [
            "2021-12-30T00:00:00Z,2021-12-31T00:00:00Z", "2021-12-30T01:00:00+0100,2021-12-31T01:00:00+0100",
            "2021-12-30T01:00:00+01:00,2021-12-31T00:00:00%2B00:00",
            "2021-12-30T00%3A00%3A00Z%2C2021-12-31T00%3A00%3A00Z",
        ] {
            let r = h.api(.GET, "/545/messages;daterange=\(range)", token: token, headers: [("Range", "items=:10")])
            #expect(r.json.arrayValue?.count == 3, "\(range)")
        }
        let none = h.api(
            .GET,
            "/545/messages;daterange=2021-12-31T00:00:00Z,2022-01-01T00:00:00Z",
            token: token,
            headers: [("Range", "items=:10")]
        )
        #expect(none.json == [])
    }

    /// `StoredMessage` shares its fields copy-on-write: mutating a copy must leave the original untouched.
    @Test func storedMessageCopiesAreIndependent() throws {
        let h = try Harness()
        let original = try #require(try h.api.store.read("545") { $0.messages.values.first })
        var copy = original
        copy.subject = "changed"
        copy.events.append(MessageEvent(id: nil, type: "OPENED", received: copy.inserted, inserted: copy.inserted))
        copy.cache = RenderCache()
        #expect(copy.subject == "changed")
        #expect(original.subject != "changed")
        #expect(copy.events.count == original.events.count + 1)
        #expect(copy.cache !== original.cache)
        #expect(copy.id == original.id)
    }

    /// Two submits in one millisecond (a frozen clock): the second is stored 1 ms later, with its SUBMITTED
    /// event moved along, so keyset paging keeps a strict order; the copy the caller kept is not changed.
    @Test func sameMillisecondInsertsAreShiftedInPlace() throws {
        let clock = EmulatorClock(frozenAtMillis: 1_700_000_000_000)
        let h = try Harness(clock: clock)
        let token = try h.token()
        let a = try h.submit(token: token)
        let b = try h.submit(token: token)
        let (first, second) = try h.api.store.read("545") { acct in (acct.message(a), acct.message(b)) }
        let x = try #require(first)
        let y = try #require(second)
        #expect(x.inserted.millis == 1_700_000_000_000)
        #expect(y.inserted.millis == 1_700_000_000_001)
        #expect(y.events.first { $0.type == "SUBMITTED" }?.inserted == y.inserted)

        var kept = x
        var account = AccountState(id: "1", description: "")
        _ = account.insert(kept)
        let moved = account.insert(kept)  // same insert time again → shifted
        #expect(moved.inserted.millis == kept.inserted.millis + 1)
        #expect(kept.inserted == x.inserted)  // the caller's copy is untouched
        kept.subject = "still independent"
        #expect(account.messages.values.first?.subject != "still independent")
    }

    /// Web links are derived when shown: stable per message, distinct between messages.
    @Test func webLinksAreStableAndDistinct() throws {
        let clock = EmulatorClock(frozenAtMillis: 1_700_000_000_000)
        let h = try Harness(clock: clock)
        let token = try h.token()
        let a = try h.submit(token: token)
        let b = try h.submit(token: token)
        clock.advance(bySeconds: 10)
        let first = h.api(.GET, "/545/messages/\(a)", token: token).json
        let again = h.api(.GET, "/545/messages/\(a)", token: token).json
        let other = h.api(.GET, "/545/messages/\(b)", token: token).json
        let online = try #require(first["onlineLink"]?.stringValue)
        let details = try #require(first["messageDetailsLink"]?.stringValue)
        // The request named a host: the links open the web inbox there (issue 11), this message's view.
        #expect(online == "http://api.flowmailer.net/_emulator/ui/#/message/flowmailer/\(a)/online")
        #expect(details == "http://api.flowmailer.net/_emulator/ui/#/message/flowmailer/\(a)")
        // Without a host they keep the shape of web.flowmailer.net's links, derived from the message's seed.
        #expect(WebLink.online(seed: 7).hasPrefix("https://web.flowmailer.net/viewonline.html?id=VRbzZZWMpsc:"))
        #expect(WebLink.details(seed: 7).hasPrefix("https://web.flowmailer.net/viewmessage.html?id=VRbzZZWMpsc:"))
        #expect(WebLink.details(seed: 7).contains("&code=") && WebLink.online(seed: 7) == WebLink.online(seed: 7))
        #expect(again["onlineLink"]?.stringValue == online)
        #expect(again["messageDetailsLink"]?.stringValue == details)
        #expect(other["onlineLink"]?.stringValue != online)
        #expect(other["messageDetailsLink"]?.stringValue != details)
        // transactionId and messageIdHeader are derived from the id too: same on every read, 32 hex digits.
        let transaction = try #require(first["transactionId"]?.stringValue)
        #expect(transaction.count == 32 && transaction.allSatisfy(\.isHexDigit))
        #expect(again["transactionId"]?.stringValue == transaction)
        #expect(other["transactionId"]?.stringValue != transaction)
        #expect(first["messageIdHeader"] == .string("<\(a)@return.flowmailer.local>"))
    }

    /// A submitted e-mail's headers are rebuilt from the record when shown: the same on every read, with the
    /// submit's display names, own headers, subject and (for HTML) a multipart boundary.
    @Test func submittedHeadersAreRebuiltFaithfully() throws {
        let clock = EmulatorClock(frozenAtMillis: 1_640_869_448_000)  // 2021-12-30T13:04:08Z
        let h = try Harness(clock: clock)
        let token = try h.token()
        let id = try h.submit(
            token: token,
            to: "rcpt@example.com",
            extra: #","headerFromName":"Shop","html":"<p>hi</p>","headers":[{"name":"X-Campaign","value":"42"}]"#
        )
        clock.advance(bySeconds: 10)
        let read = { h.api(.GET, "/545/messages/\(id)?addheaders=true", token: token).json["headersIn"] }
        let headers = try #require(read()?.arrayValue)
        let pairs = headers.map { ($0["name"]?.stringValue ?? "", $0["value"]?.stringValue ?? "") }
        #expect(pairs.map(\.0) == ["Received", "MIME-Version", "From", "To", "X-Campaign", "Subject", "Content-Type"])
        #expect(
            pairs[0].1
                == "from 127.0.0.1 by (Flowmailer API) with HTTP for <rcpt@example.com>; Thu, 30 Dec 2021 14:04:08 +0100 (CET)"
        )
        #expect(pairs[2].1 == "Shop <app@example.com>")
        #expect(pairs[3].1 == "rcpt@example.com")
        #expect(pairs[4].1 == "42")
        #expect(pairs[6].1.hasPrefix("multipart/alternative; boundary=\"----=_Part_"))
        #expect(read() == .array(headers))  // derived, yet stable
    }

    /// A line break in `subject` or `headerFromName` cannot start another header field: the received headers
    /// show the text on one line (inferred: Flowmailer's MTA encodes header text).
    @Test func lineBreaksInSubjectAndSenderNameStayInTheirField() throws {
        let clock = EmulatorClock(frozenAtMillis: 1_640_869_448_000)
        let h = try Harness(clock: clock)
        let token = try h.token()
        let pairs = try h.receivedHeaders(
            submitting:
                #"{"messageType":"EMAIL","senderAddress":"app@example.com","recipientAddress":"rcpt@example.com","headerFromName":"Shop\r\nBcc: victim@example.org","subject":"Hi\r\n\r\nBcc: victim@example.org","text":"hi"}"#,
            token: token
        )
        #expect(!pairs.contains { $0.0.lowercased() == "bcc" })
        #expect(pairs.first { $0.0 == "Subject" }?.1 == "Hi Bcc: victim@example.org")
        #expect(pairs.first { $0.0 == "From" }?.1.hasPrefix("Shop Bcc: victim@example.org") == true)
        #expect(pairs.allSatisfy { MessageHeaderField.isValidValue($0.1) })
    }

    /// A message whose processing fails never shows a Message-ID (official example's ERROR message).
    @Test func failedMessageHasNoMessageId() throws {
        let clock = EmulatorClock(frozenAtMillis: 1_700_000_000_000)
        let h = try Harness(clock: clock)
        let token = try h.token()
        let id = try h.submit(token: token, to: "error@example.com")
        clock.advance(bySeconds: 10)
        let m = h.api(.GET, "/545/messages/\(id)", token: token).json
        #expect(m["status"] == "ERROR")
        #expect(m["messageIdHeader"] == .null)
        #expect(m["transactionId"]?.stringValue?.count == 32)
    }
}
