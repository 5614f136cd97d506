// SPDX-License-Identifier: Apache-2.0
import HTTP2
import Testing

@Suite struct HTTP2PrefaceTests {
    private func sniff(_ text: String) -> Bool? {
        Array(text.utf8).withUnsafeBytes { HTTP2ServerSession.looksLikePreface($0) }
    }

    @Test func prefaceIsTheRFCString() {
        #expect(HTTP2ServerSession.clientPreface == Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8))
        #expect(HTTP2ServerSession.clientPreface.count == 24)
    }

    @Test func incompletePrefixesAreUndecided() {
        #expect(sniff("") == nil)
        #expect(sniff("P") == nil)
        #expect(sniff("PRI * HTTP/2.0\r\n\r\nSM\r\n\r") == nil)
    }

    @Test func wholePrefaceIsRecognised() {
        #expect(sniff("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") == true)
        #expect(sniff("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\u{4}") == true)
    }

    @Test func http1RequestsAreRejectedAsSoonAsTheyDiffer() {
        #expect(sniff("GET / HTTP/1.1\r\n") == false)
        #expect(sniff("G") == false)
        #expect(sniff("PRX") == false)
        #expect(sniff("PRI * HTTP/1.1\r\n\r\nSM\r\n\r\n") == false)
        #expect(sniff("\u{16}\u{3}\u{1}") == false)  // a TLS ClientHello on the cleartext port
    }
}
