// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import FlowdockAPI

@Suite struct MultipartTests {
    /// What `curl -F event=file -F content=@logo.png` sends.
    @Test func curlShapedBody() {
        let boundary = "------------------------d74496d66958873e"
        let type = "multipart/form-data; boundary=\(boundary)"
        #expect(Multipart.boundary(ofContentType: type) == boundary)
        #expect(Multipart.boundary(ofContentType: "multipart/form-data; charset=utf-8; boundary=\"q r\"") == "q r")
        let payload: [UInt8] = Array("line\r\n--not-the-boundary\r\n".utf8) + [0, 255]
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"event\"\r\n\r\nfile\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"content\"; filename=\"logo.png\"\r\n".utf8)
        body += Array("Content-Type: image/png\r\n\r\n".utf8) + payload + Array("\r\n--\(boundary)--\r\n".utf8)
        let parts = Multipart.parse(body, boundary: boundary)
        #expect(parts?.count == 2)
        #expect(parts?[0].name == "event")
        #expect(parts?[0].data == Array("file".utf8))
        #expect(parts?[1].fileName == "logo.png")
        #expect(parts?[1].contentType == "image/png")
        #expect(parts?[1].data == payload)
    }

    @Test func malformedBodiesAreNil() {
        #expect(Multipart.parse([], boundary: "b") == nil)
        #expect(Multipart.parse(Array("--b\r\nContent-Disposition: form-data; name=x\r\n\r\nunterminated".utf8), boundary: "b") == nil)
        #expect(Multipart.parse(Array("--b".utf8), boundary: "b") == nil)
        #expect(Multipart.parse(Array("--b--\r\n".utf8), boundary: "b")?.isEmpty == true)
    }
}
