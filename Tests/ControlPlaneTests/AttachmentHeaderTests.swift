// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import ControlPlane

/// The headers an attachment download is served with: a safe `Content-Disposition` for any name (RFC 6266,
/// RFC 8187) and a media type that is a valid header value.
@Suite struct AttachmentHeaderTests {
    @Test(arguments: [
        ("report.pdf", #"attachment; filename="report.pdf""#),
        ("", #"attachment; filename="attachment""#),
        (#"a "b" \c"#, #"attachment; filename="a \"b\" \\c""#),
        ("naïve.txt", #"attachment; filename="na_ve.txt"; filename*=UTF-8''na%C3%AFve.txt"#),
        ("日本.txt", #"attachment; filename="__.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt"#),
        ("a\r\nb\u{0}c\u{7F}", #"attachment; filename="a__b_c_"; filename*=UTF-8''a%0D%0Ab%00c%7F"#),
        ("🙂;x=1", #"attachment; filename="_;x=1"; filename*=UTF-8''%F0%9F%99%82%3Bx%3D1"#),
    ])
    func contentDisposition(name: String, expected: String) {
        #expect(ControlPlane.contentDisposition(filename: name) == expected)
    }

    @Test(arguments: [
        ("application/pdf", "application/pdf"),
        ("text/plain; charset=utf-8", "text/plain; charset=utf-8"),
        ("", "application/octet-stream"),
        ("pdf", "application/octet-stream"),
        ("/pdf", "application/octet-stream"),
        ("text/", "application/octet-stream"),
        ("a/b/c", "application/octet-stream"),
        ("text/plain\r\nX-Evil: 1", "application/octet-stream"),
        ("text/plaïn", "application/octet-stream"),
    ])
    func servedContentType(type: String, expected: String) {
        #expect(ControlPlane.servedContentType(type) == expected)
    }
}
