// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import Testing

@Suite struct URLCodingTests {
    /// The routing fast path must split and decode exactly like the full segment parser.
    @Test(arguments: [
        "/", "", "/545/messages", "//545///messages/", "/545/messages;daterange=a,b;flow_ids=1",
        "/a%2Fb/c%20d/e+f", "/;x=1/y", "/flows/acme/main/messages;a;b=", "/%zz/%4", "/é/ü%C3%A9",
        // Found by the `url` fuzz target: a combining mark after `/` fused with it into one Character.
        "/\u{031E}a/b", "/a/\u{0301};m=1",
    ])
    func pathNamesMatchPathSegments(path: String) {
        #expect(URLCoding.pathNames(path) == URLCoding.pathSegments(path).map(\.name))
    }

    /// Separators are bytes: a combining mark after `;`, `=` or `&` does not hide them.
    @Test func separatorsFollowedByCombiningMarksStillSplit() {
        #expect(URLCoding.pathSegments("/a;\u{0301}x=1").first?.matrix == ["\u{0301}x": "1"])
        #expect(URLCoding.pathSegments("/a;x=\u{0301}").first?.matrix == ["x": "\u{0301}"])
        let form = URLCoding.parseForm("a=1&\u{0301}b=2")
        #expect(form.map(\.name) == ["a", "\u{0301}b"])
        #expect(URLCoding.parseForm("k=\u{0301}").first?.value == "\u{0301}")
    }

    @Test func pathNamesStopsAtTheLimit() {
        #expect(URLCoding.pathNames("/545/messages/submit/extra", limit: 2) == ["545", "messages"])
        #expect(URLCoding.pathNames("/545", limit: 3) == ["545"])
    }

    @Test(arguments: [
        ("%41%62", "Ab"), ("%e2%82%ac", "€"), ("100%", "100%"), ("%4", "%4"), ("%zz", "%zz"), ("%%41", "%A"),
        ("a%2", "a%2"), ("%G1", "%G1"), ("%2F", "/"), ("%00", "\u{0}"),
    ])
    func malformedEscapesStayLiteral(encoded: String, decoded: String) {
        #expect(URLCoding.percentDecode(encoded) == decoded)
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        #expect(URLCoding.percentDecode("a%FFb") == "a\u{FFFD}b")
        #expect(URLCoding.percentDecode("%C3") == "\u{FFFD}")  // a truncated two-byte sequence
    }

    @Test func plusIsASpaceOnlyWhenAsked() {
        #expect(URLCoding.percentDecode("a+b%2B") == "a+b+")
        #expect(URLCoding.percentDecode("a+b%2B", plusAsSpace: true) == "a b+")
        #expect(URLCoding.percentDecode(Substring("x+y"), plusAsSpace: true) == "x y")
    }

    @Test func encodeKeepsOnlyUnreserved() {
        #expect(URLCoding.percentEncode("AZaz09-._~") == "AZaz09-._~")
        #expect(URLCoding.percentEncode("a b&c=d/é+") == "a%20b%26c%3Dd%2F%C3%A9%2B")
        #expect(URLCoding.percentEncode("") == "")
    }

    @Test(arguments: ["plain", "a b", "100% €", "x=y&z", "~/.-_", "\u{1F600}"])
    func encodeThenDecodeRoundTrips(text: String) {
        #expect(URLCoding.percentDecode(URLCoding.percentEncode(text)) == text)
        #expect(URLCoding.percentDecode(URLCoding.percentEncode(text), plusAsSpace: true) == text)
    }

    @Test func formParsingKeepsOrderRepeatsAndEmptyValues() {
        let items = URLCoding.parseForm("b=2&a=1&&a=x+y&flag&=v&k=")
        #expect(items.map(\.name) == ["b", "a", "a", "flag", "", "k"])
        #expect(items.map(\.value) == ["2", "1", "x y", "", "v", ""])
        #expect(URLCoding.parseForm("").isEmpty)
        // Only the first `=` separates: the rest belongs to the value.
        #expect(URLCoding.parseForm("q=a=b").first?.value == "a=b")
    }

    @Test func encodedFormParsesBack() {
        let pairs = [("to", "a@example.com"), ("subject", "Hi & bye"), ("empty", "")]
        let parsed = URLCoding.parseForm(URLCoding.encodeForm(pairs))
        #expect(parsed.map(\.name) == pairs.map(\.0))
        #expect(parsed.map(\.value) == pairs.map(\.1))
    }

    @Test func segmentsCarryDecodedMatrixParameters() {
        let segments = URLCoding.pathSegments("/545/messages;daterange=a%2Cb;flag;=x/")
        #expect(segments.map(\.name) == ["545", "messages"])
        #expect(segments[0].matrix.isEmpty)
        #expect(segments[1].matrix == ["daterange": "a,b", "flag": "", "": "x"])
    }

    @Test func matrixParametersMergeWithTheLastWinning() {
        #expect(URLCoding.matrixParameters(ofPath: "/a;x=1;y=2/b;x=3") == ["x": "3", "y": "2"])
        #expect(URLCoding.matrixParameters(ofPath: "/a/b").isEmpty)
    }

    /// The one-pass scan the dispatcher decides its fast path on: a path with no traits is its own canonical
    /// form ("/" + its decoded names joined by "/").
    @Test func pathTraitsFindWhatRoutingMustTreatSpecially() {
        #expect(URLCoding.pathTraits("/").isEmpty)
        #expect(URLCoding.pathTraits("/545/messages").isEmpty)
        #expect(URLCoding.pathTraits("/é/ü").isEmpty)
        #expect(URLCoding.pathTraits("/a%2Fb") == .percent)
        #expect(URLCoding.pathTraits("/v1/./x") == .dot)
        #expect(URLCoding.pathTraits("/545/messages;a=1") == .semicolon)
        #expect(URLCoding.pathTraits("/a//b") == .emptySegment)
        #expect(URLCoding.pathTraits("/a/b/") == .emptySegment)
        #expect(URLCoding.pathTraits("a/b") == .relative)
        #expect(URLCoding.pathTraits("") == .relative)
        for path in ["/", "/545/messages", "/é/ü", "/_emulator/ping", "/a/b/c"] where URLCoding.pathTraits(path).isEmpty
        {
            #expect("/" + URLCoding.pathNames(path).joined(separator: "/") == path)
        }
    }
}
