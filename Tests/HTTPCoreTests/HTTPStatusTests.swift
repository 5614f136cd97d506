// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@Suite struct HTTPStatusTests {
    @Test func equalityAndHashUseTheCodeOnly() {
        #expect(HTTPStatus(404, "Nope") == .notFound)
        #expect(Set([HTTPStatus(404, "Nope"), .notFound, .ok]).count == 2)
        #expect(HTTPStatus(200) != HTTPStatus(201))
    }

    @Test(arguments: [
        (200, "OK"), (201, "Created"), (206, "Partial Content"), (404, "Not Found"), (413, "Content Too Large"),
        (422, "Unprocessable Content"), (429, "Too Many Requests"), (503, "Service Unavailable"),
    ])
    func defaultReasons(code: Int, reason: String) {
        #expect(HTTPStatus(code).reason == reason)
        #expect(HTTPStatus(code).description == "\(code) \(reason)")
    }

    @Test func givenReasonWins() {
        let status = HTTPStatus(299, "Custom")
        #expect(status.reason == "Custom")
        #expect(status.description == "299 Custom")
        #expect(HTTPStatus(299).reason == "Status 299")  // unknown codes still get a reason phrase
    }

    @Test func namedConstantsCarryTheirCodes() {
        #expect(HTTPStatus.partialContent.code == 206)
        #expect(HTTPStatus.requestHeaderFieldsTooLarge.code == 431)
        #expect(HTTPStatus.httpVersionNotSupported.code == 505)
        #expect(HTTPStatus.continue.code == 100)
    }
}
