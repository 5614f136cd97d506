// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import FlowmailerAPI

/// `--max-messages` per account: the oldest are dropped (and counted) at the write that passes the cap.
@Suite struct MessageCapTests {
    @Test func theOldestMessagesOfAnAccountAreDroppedBeyondTheCap() throws {
        let h = try Harness(options: .init(maxMessagesPerAccount: 3))
        let token = try h.token()
        let body =
            #"{"messageType":"EMAIL","senderAddress":"a@example.com","recipientAddress":"b@example.com","subject":"s","text":"t"}"#
        var ids: [String] = []
        for _ in 0..<5 {
            let r = h.api(.POST, "/545/messages/submit", token: token, body: body)
            #expect(r.status == .created)
            ids.append(String(r.headers["Location"]?.split(separator: "/").last ?? ""))
        }
        for id in ids.prefix(2) { #expect(h.api(.GET, "/545/messages/\(id)", token: token).status == .notFound) }
        for id in ids.suffix(3) { #expect(h.api(.GET, "/545/messages/\(id)", token: token).status == .ok) }
        let list = h.api(.GET, "/545/messages", token: token, headers: [("Range", "items=:100")])
        #expect(try JSON.parse(list.body).arrayValue?.count == 3)
        #expect(h.api.evictedMessages >= 2)
    }
}
