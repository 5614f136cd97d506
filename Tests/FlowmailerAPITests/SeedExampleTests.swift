// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Testing

@testable import FlowmailerAPI

/// The official `GET /{account_id}/messages` example (seed 001, spec §3.1), replayed against the fixtures.
@Suite struct SeedExampleTests {
    static let target =
        "/545/messages;daterange=2021-12-30T00:00:00Z,2021-12-31T00:00:00Z?addevents=true&addheaders=true&addonlinelink=true"
    static let contentRange =
        "items 94U34C1I64OJ4CPG64PJ0D1H6OO34CPI60P32C9I6CO32CPG6GO3EP9JC8PJCP9ICKSJ4PJ4C9IMCOPO6O:94V34C1I64OJ4CPG64PJ0D1J6CSJ4E1I60P32C9I6CO32CPG6GOJ4E1P65GM2P9L69IJ4PHPCKR6AP1H64/*"
    static let nextRange = "items=94V34C1I64OJ4CPG64PJ0D1J6CSJ4E1I60P32C9I6CO32CPG6GOJ4E1P65GM2P9L69IJ4PHPCKR6AP1H64:10"

    /// Message 1 of the example, verbatim.
    static let message1 = #"""
        {
          "submitted": "2021-12-30T13:04:07.000Z",
          "id": "20211230130407e3b36e2e92fdbefc86",
          "transactionId": "5f133c15a8de4ddca8fff9a26652b513",
          "messageIdHeader": "<20211230130407e3b36e2e92fdbefc86@return.flowmailer.local>",
          "messageType": "EMAIL",
          "source": {
            "id": "6953",
            "description": "test source a"
          },
          "flow": {
            "id": "16801",
            "description": "test flow 1 (updated)"
          },
          "senderAddress": "support@flowmailer.local",
          "recipientAddress": "richard@flowmailer.local",
          "backendStart": "2021-12-30T13:04:13.122Z",
          "backendDone": "2021-12-30T13:04:28.577Z",
          "headersIn": [
            {
              "name": "Received",
              "value": "from 127.0.0.1 by (Flowmailer API) with HTTP for <richard@flowmailer.local>; Thu, 30 Dec 2021 14:04:08 +0100 (CET)"
            },
            {
              "name": "MIME-Version",
              "value": "1.0"
            },
            {
              "name": "From",
              "value": "Casper Mout <casper@flowmailer.local>"
            },
            {
              "name": "To",
              "value": "Richard van Looijen <richard@flowmailer.local>"
            },
            {
              "name": "X-Flow",
              "value": "flow1"
            },
            {
              "name": "Subject",
              "value": "test message 1"
            },
            {
              "name": "Content-Type",
              "value": "text/plain; charset=UTF-8"
            },
            {
              "name": "Content-Transfer-Encoding",
              "value": "quoted-printable"
            }
          ],
          "headersOut": [
            {
              "name": "MIME-Version",
              "value": "1.0"
            },
            {
              "name": "From",
              "value": "Casper Mout <casper@flowmailer.local>"
            },
            {
              "name": "To",
              "value": "Richard van Looijen <richard@flowmailer.local>"
            },
            {
              "name": "X-Flow",
              "value": "flow1"
            },
            {
              "name": "Subject",
              "value": "test message 1"
            },
            {
              "name": "Content-Type",
              "value": "text/plain; charset=UTF-8"
            },
            {
              "name": "Content-Transfer-Encoding",
              "value": "quoted-printable"
            },
            {
              "name": "Feedback-ID",
              "value": "545:545-6953:545-16801:flowmailer"
            },
            {
              "name": "Message-ID",
              "value": "<20211230130407e3b36e2e92fdbefc86@return.flowmailer.local>"
            },
            {
              "name": "Date",
              "value": "Thu, 30 Dec 2021 13:04:25 +0000"
            },
            {
              "name": "X-Job",
              "value": "fm-6953-16801"
            }
          ],
          "onlineLink": "https://web.flowmailer.net/viewonline.html?id=VRbzZZWMpsc:yqB0A-5zF1Nm5Ra5FC5KcA:I8SgIqmRZHC7oUQ0cOIVv8d-EjZC_GKiE6elZzbebzcluS05rh_0p2Q3WC3jRronKznxAP2D6f3X_pRx6r3W4QjKf0HJ1fhBCm9xKM3KeFX9lZe0xJiWhsYCgimBJiY2:2GnJcdfrRr9p7dKL9aU1pfg7VaqTSRCMMd-Yoo5pt9Y",
          "status": "DELIVERED",
          "subject": "test message 1",
          "from": "casper@flowmailer.local",
          "events": [
            {
              "id": "70844a11-30b2-467a-8bd2-bffb8992e958",
              "messageId": "20211230130407e3b36e2e92fdbefc86",
              "type": "DELIVERED",
              "received": "2021-12-30T13:04:28.898Z",
              "inserted": "2021-12-30T13:04:34.282Z",
              "snippet": "smtp;250 Ok",
              "mta": "[127.0.0.1] (127.0.0.1)",
              "data": null,
              "sourceMta": "mta.flowmailer.local"
            },
            {
              "id": null,
              "messageId": "20211230130407e3b36e2e92fdbefc86",
              "type": "PROCESSED",
              "received": "2021-12-30T13:04:28.577Z",
              "inserted": "2021-12-30T13:04:16.023Z",
              "snippet": null,
              "mta": null,
              "data": null
            },
            {
              "id": null,
              "messageId": "20211230130407e3b36e2e92fdbefc86",
              "type": "SUBMITTED",
              "received": "2021-12-30T13:04:07.000Z",
              "inserted": "2021-12-30T13:04:16.023Z",
              "snippet": null,
              "mta": null,
              "data": null
            }
          ],
          "messageDetailsLink": "https://web.flowmailer.net/viewmessage.html?id=VRbzZZWMpsc:bRjmfqt7SSFksLcJGFM-7g:ftgUpVhCyQxLVZyqon1QOcpakh346CvwRYh2ct16YdjgfQzdsU0U8PBkU6jAp1ILORApJB-EU35shb1Bm65v8KtWHuEr0_Qwe7Zl2S_6MBRJkmrFqdMMj0x_1tIvTG7s:jncD05ijczY6lHquBzdTwF02KR7Bf6w0ThDCss-aQiE&code=462940c8b48fd88aff19b30863637cdee6c0bab2",
          "fromAddress": {
            "name": "Casper Mout",
            "address": "casper@flowmailer.local"
          },
          "toAddressList": [
            {
              "name": "Richard van Looijen",
              "address": "richard@flowmailer.local"
            }
          ]
        }
        """#

    /// Message 3 (the ERROR one) without its elided `headersIn`.
    static let message3 = #"""
        {
          "submitted": "2021-12-30T13:04:12.000Z",
          "id": "20211230130412891aae52e2f9e6ed11",
          "transactionId": "5d7ac76c8f7b41c1b417a71505c9ef80",
          "messageIdHeader": null,
          "messageType": "EMAIL",
          "source": {
            "id": "6953",
            "description": "test source a"
          },
          "flow": {
            "id": "16814",
            "description": "test flow 2"
          },
          "senderAddress": "support@flowmailer.local",
          "recipientAddress": "richard@flowmailer.local",
          "backendStart": "2021-12-30T13:04:33.897Z",
          "backendDone": null,
          "status": "ERROR",
          "subject": "test message 3",
          "from": "casper@flowmailer.local",
          "events": [
            {
              "id": "4254bf5b-5482-40a4-979a-514c3721910b",
              "messageId": "20211230130412891aae52e2f9e6ed11",
              "type": "ERROR",
              "received": "2021-12-30T13:04:34.129Z",
              "inserted": "2021-12-30T13:04:34.194Z",
              "snippet": "The following has evaluated to null or missing:",
              "mta": null,
              "data": null,
              "extraData": {
                "errorText": "The following has evaluated to null or missing:\n==> var1 [in template \"48681\" at line 1, column 29]\n\n----\nTip: If the failing expression is known to be legally refer to something that's sometimes null or missing, either specify a default value like myOptionalVar!myDefault, or use <#if myOptionalVar??>when-present<#else>when-missing</#if>. (These only cover the last step of the expression; to cover the whole expression, use parenthesis: (myOptionalVar.foo)!myDefault, (myOptionalVar.foo)??\n----\n\n\t- Failed at: ${var1} [in template \"48681\" at line 1, column 27]\n",
                "errorAfter": "QUEUE"
              }
            },
            {
              "id": null,
              "messageId": "20211230130412891aae52e2f9e6ed11",
              "type": "SUBMITTED",
              "received": "2021-12-30T13:04:12.000Z",
              "inserted": "2021-12-30T13:04:33.928Z",
              "snippet": null,
              "mta": null,
              "data": null
            }
          ],
          "fromAddress": {
            "name": "Casper Mout",
            "address": "casper@flowmailer.local"
          },
          "toAddressList": [
            {
              "name": "Richard van Looijen",
              "address": "richard@flowmailer.local"
            }
          ]
        }
        """#

    static let keys2 = [
        "submitted", "id", "transactionId", "messageIdHeader", "messageType", "source", "flow", "senderAddress",
        "recipientAddress", "backendStart", "backendDone", "headersIn", "headersOut", "onlineLink", "status", "subject",
        "from", "events", "messageDetailsLink", "fromAddress", "toAddressList",
    ]
    static let keys3 = [
        "submitted", "id", "transactionId", "messageIdHeader", "messageType", "source", "flow", "senderAddress",
        "recipientAddress", "backendStart", "backendDone", "headersIn", "status", "subject", "from", "events",
        "fromAddress", "toAddressList",
    ]

    func seedResponse() throws -> Response {
        let h = try Harness()
        let token = try h.token()
        return h.send(
            .GET,
            Self.target,
            headers: [
                ("Authorization", "Bearer \(token)"), ("Accept", "application/vnd.flowmailer.v1.12+json;charset=UTF-8"),
                ("Range", "items=:10"),
            ]
        )
    }

    @Test func statusAndRangeHeadersMatchTheExample() throws {
        let r = try seedResponse()
        #expect(r.status == .partialContent)
        #expect(r.headers["Content-Range"] == Self.contentRange)
        #expect(r.headers["Next-Range"] == Self.nextRange)
        #expect(r.headers["Content-Type"] == "application/vnd.flowmailer.v1.12+json;charset=UTF-8")
    }

    @Test func bodyMatchesTheExampleFieldByField() throws {
        let body = try #require(try seedResponse().json.arrayValue)
        #expect(body.count == 3)
        let expected1 = try JSON.parse(Self.message1)
        try expectSameOrderAndValues(body[0], expected1, path: "[0]")
        #expect(body[1].objectValue?.keys == Self.keys2)
        #expect(body[1]["id"] == "202112301304100c7ded281d3069537b")
        #expect(body[1]["flow"] == ["id": "16814", "description": "test flow 2"])
        #expect(body[1]["events"]?.arrayValue?.map { $0["type"] } == ["DELIVERED", "PROCESSED", "SUBMITTED"])
        #expect(body[2].objectValue?.keys == Self.keys3)
        var actual3 = try #require(body[2].objectValue)
        actual3["headersIn"] = nil
        try expectSameOrderAndValues(.object(actual3), try JSON.parse(Self.message3), path: "[2]")
    }

    /// Recursive comparison that also checks object key order, reporting the first differing path.
    func expectSameOrderAndValues(_ actual: JSON, _ expected: JSON, path: String) throws {
        switch (actual, expected) {
        case (.object(let a), .object(let e)):
            #expect(a.keys == e.keys, "keys at \(path)")
            for (k, v) in e { try expectSameOrderAndValues(a[k] ?? .null, v, path: path + "." + k) }
        case (.array(let a), .array(let e)):
            #expect(a.count == e.count, "count at \(path)")
            for (i, v) in zip(a.indices, e) where i < a.count {
                try expectSameOrderAndValues(a[i], v, path: path + "[\(i)]")
            }
        default:
            #expect(actual == expected, "value at \(path)")
        }
    }

    @Test func referenceKeysDecodeToInsertTimeAndId() throws {
        let key = try #require(
            PageKey(encoded: "94U34C1I64OJ4CPG64PJ0D1H6OO34CPI60P32C9I6CO32CPG6GO3EP9JC8PJCP9ICKSJ4PJ4C9IMCOPO6O")
        )
        #expect(key.field == UInt8(ascii: "I"))
        #expect(!key.after)
        #expect(Timestamp(millis: key.millis).iso8601() == "2021-12-30T13:04:16.023Z")
        #expect(key.id == "20211230130407e3b36e2e92fdbefc86")
        #expect(key.encoded == "94U34C1I64OJ4CPG64PJ0D1H6OO34CPI60P32C9I6CO32CPG6GO3EP9JC8PJCP9ICKSJ4PJ4C9IMCOPO6O")
    }

    @Test func followingNextRangeEndsWithAnEmptyPage() throws {
        let h = try Harness()
        let token = try h.token()
        let r = h.api(.GET, Self.target, token: token, headers: [("Range", Self.nextRange.replacingFirstEquals())])
        #expect(r.status == .partialContent)
        #expect(r.json == [])
        #expect(r.headers["Content-Range"] == nil)
        #expect(r.headers["Next-Range"] == nil)
    }

    @Test func optionalBlocksOnlyWithTheirFlags() throws {
        let h = try Harness()
        let token = try h.token()
        let r = h.api(
            .GET,
            "/545/messages;daterange=2021-12-30T00:00:00Z,2021-12-31T00:00:00Z?addevents=0&addheaders=0&addonlinelink=0&addtags=0",
            token: token,
            headers: [("Range", "items=:10")]
        )
        let first = try #require(r.json[0]?.objectValue)
        #expect(
            !first.contains("events") && !first.contains("headersIn") && !first.contains("onlineLink")
                && !first.contains("tags")
        )
        #expect(first.contains("messageDetailsLink"))
    }
}

extension String {
    /// `items=REF:10` as sent back in `Range` (the header value is already in that form).
    func replacingFirstEquals() -> String { self }
}
