// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import FlowdockAPI
import HTTPCore
import Testing

/// `--max-messages` per flow: the oldest are dropped and counted, ids keep counting up.
@Suite struct MessageCapTests {
    @Test func theOldestMessagesOfAFlowAreDroppedBeyondTheCap() throws {
        var options = FlowdockAPI.Options()
        options.maxMessagesPerFlow = 5
        let c = try Client(options: options)
        // acme/my-flow holds four fixture messages (ids 1–4).
        var ids: [Int] = []
        for i in 0..<4 {
            let r = c.send(
                .POST,
                "/flows/acme/my-flow/messages",
                json: ["event": "message", "content": .string("m\(i)")]
            )
            #expect(r.status == 201)
            ids.append(r.json["id"]?.intValue ?? 0)
        }
        #expect(ids == [5, 6, 7, 8])
        #expect(c.send(.GET, "/flows/acme/my-flow/messages/1").status == 404)
        #expect(c.send(.GET, "/flows/acme/my-flow/messages/3").status == 404)
        #expect(c.send(.GET, "/flows/acme/my-flow/messages/4").status == 200)
        #expect(c.send(.GET, "/flows/acme/my-flow/messages").json.arrayValue?.count == 5)
        #expect(c.api.evictedMessages == 3)
        #expect(c.send(.GET, "/flows/acme/my-flow").json["last_message_id"]?.intValue == 8)
    }
}
