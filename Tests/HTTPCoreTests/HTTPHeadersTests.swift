// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@Suite struct HTTPHeadersTests {
    @Test func lookupIgnoresCaseAndReturnsTheFirst() {
        let h: HTTPHeaders = ["Content-Type": "text/plain", "X-Tag": "a", "x-tag": "b"]
        #expect(h["content-type"] == "text/plain")
        #expect(h["CONTENT-TYPE"] == "text/plain")
        #expect(h["X-TAG"] == "a")
        #expect(h.values(for: "x-Tag") == ["a", "b"])
        #expect(h.contains("x-tag"))
        #expect(!h.contains("X-Other"))
        #expect(h["Content-Typ"] == nil)
    }

    @Test func orderAndSpellingAreKept() {
        var h = HTTPHeaders([("X-b", "1"), ("x-A", "2")])
        h.add(name: "X-b", value: "3")
        #expect(h.fields.map(\.name) == ["X-b", "x-A", "X-b"])
        #expect(h.map(\.value) == ["1", "2", "3"])
        #expect(h.count == 3)
    }

    @Test func replaceOrAddReplacesASingleFieldInPlace() {
        var h = HTTPHeaders([("A", "1"), ("Content-Type", "text/plain"), ("B", "2")])
        h.replaceOrAdd(name: "content-type", value: "application/json")
        #expect(h.fields.map(\.name) == ["A", "content-type", "B"])
        #expect(h["Content-Type"] == "application/json")
    }

    @Test func replaceOrAddCollapsesRepeatsAtTheEnd() {
        var h = HTTPHeaders([("Set", "1"), ("A", "x"), ("set", "2")])
        h.replaceOrAdd(name: "SET", value: "3")
        #expect(h.fields.map(\.name) == ["A", "SET"])
        #expect(h.values(for: "set") == ["3"])
        h.replaceOrAdd(name: "New", value: "n")
        #expect(h.fields.last?.name == "New")
    }

    @Test func subscriptSetsAndRemoves() {
        var h = HTTPHeaders([("A", "1"), ("a", "2"), ("B", "3")])
        h["b"] = "4"
        #expect(h["B"] == "4")
        h["A"] = nil
        #expect(h.fields.map(\.name) == ["b"])  // a replaced field takes the setter's spelling
        h.remove(name: "nothing")
        #expect(h.count == 1)
    }

    @Test func equalityIgnoresNameCaseButNotOrderOrValues() {
        #expect(HTTPHeaders([("A", "1"), ("B", "2")]) == HTTPHeaders([("a", "1"), ("b", "2")]))
        #expect(HTTPHeaders([("A", "1"), ("B", "2")]) != HTTPHeaders([("B", "2"), ("A", "1")]))
        #expect(HTTPHeaders([("A", "1")]) != HTTPHeaders([("A", "1 ")]))
        #expect(HTTPHeaders() == HTTPHeaders([]))
    }

    /// Only ASCII letters fold: bytes that differ by 0x20 elsewhere (`[` and `{`, `@` and `` ` ``) do not.
    @Test func equalNamesFoldsLettersOnly() {
        #expect(HTTPHeaders.equalNames("X-Request-ID", "x-request-id"))
        #expect(!HTTPHeaders.equalNames("a[", "a{"))
        #expect(!HTTPHeaders.equalNames("@", "`"))
        #expect(!HTTPHeaders.equalNames("ab", "abc"))
        #expect(HTTPHeaders.equalNames("", ""))
        #expect(!HTTPHeaders.equalNames("é", "É"))  // not ASCII: compared byte for byte
    }

    @Test(
        arguments: [
            ("application/JSON; charset=utf-8", "application/json"), ("  text/plain  ", "text/plain"),
            (";charset=utf-8", nil), ("", nil),
        ] as [(String, String?)]
    )
    func mediaTypeDropsParameters(field: String, media: String?) {
        #expect(HTTPHeaders([("Content-Type", field)]).mediaType == media)
    }

    @Test func noContentTypeHasNoMediaType() {
        #expect(HTTPHeaders().mediaType == nil)
    }

    /// Spaces and tabs only (RFC 9110 OWS), on Strings and Substrings alike.
    @Test func trimmingSpaces() {
        #expect(" \t a b \t ".trimmingSpaces() == "a b")
        #expect("plain".trimmingSpaces() == "plain")
        #expect(" \t ".trimmingSpaces() == "")
        #expect("".trimmingSpaces() == "")
        #expect("x:  v \r".split(separator: ":")[1].trimmingSpaces() == "v \r")  // CR is not OWS here
        #expect(" é ".trimmingSpaces() == "é")
    }

    @Test func blankMeansOnlySpacesAndTabs() {
        #expect("".isBlank)
        #expect(" \t ".isBlank)
        #expect(!" x ".isBlank)
        #expect(!"\r\n".isBlank)
    }
}
