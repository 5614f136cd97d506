// SPDX-License-Identifier: Apache-2.0
public import HTTPCore

/// Writes HTTP/1.1 responses (RFC 9112 §4, §6). The server owns the framing: whatever Content-Length,
/// Transfer-Encoding or Connection a handler set is replaced by what the serializer computes.
public enum HTTP1Serializer {
    /// "HTTP/1.1 100 Continue\r\n\r\n", the interim answer to `Expect: 100-continue` (RFC 9110 §15.2.1).
    public static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Appends a full response: status line ("HTTP/1.1 200 OK"), the response's headers in order, then
    /// `Date: <date>` unless present, `Content-Length` (computed from body; omitted for 1xx/204/304), and
    /// `Connection: close` when !keepAlive (or `Connection: keep-alive` for an HTTP/1.0 keep-alive request).
    /// For HEAD (`isHEAD`), Content-Length is that of the body but the body is not written.
    /// Drop any Content-Length/Transfer-Encoding/Connection the handler set (the server owns framing).
    /// - Parameters:
    ///   - response: what the handler answered; `deferred` is ignored (the server resolves it first).
    ///   - version: the request's version; the status line is always HTTP/1.1 (RFC 9110 §6.2).
    ///   - keepAlive: whether the connection stays open after this response.
    ///   - isHEAD: the request was HEAD: headers as for GET, no body.
    ///   - date: the IMF-fixdate for the Date field, cached by the caller once per second.
    ///   - buffer: the connection's output buffer; the response is appended.
    public static func write(
        _ response: Response,
        version: HTTPVersion,
        keepAlive: Bool,
        isHEAD: Bool,
        date: String,
        into buffer: inout [UInt8]
    ) {
        let code = response.status.code
        // RFC 9110 §6.4.1, §8.6: 1xx, 204 and 304 responses have no content and no Content-Length framing.
        let bodiless = (100...199).contains(code) || code == 204 || code == 304
        let writesBody = !bodiless && !isHEAD
        buffer.reserveCapacity(buffer.count + 256 + (writesBody ? response.body.count : 0))

        append("HTTP/1.1 ", to: &buffer)
        appendDecimal(code, to: &buffer)
        buffer.append(ByteClass.sp)
        appendText(response.status.reason, to: &buffer)
        appendCRLF(to: &buffer)

        var hasDate = false
        for (name, value) in response.headers {
            if isFramingField(name) { continue }
            if !hasDate && HTTPHeaders.equalNames(name, "Date") { hasDate = true }
            appendText(name, to: &buffer)
            append(": ", to: &buffer)
            appendText(value, to: &buffer)
            appendCRLF(to: &buffer)
        }
        if !hasDate {
            append("Date: ", to: &buffer)
            appendText(date, to: &buffer)
            appendCRLF(to: &buffer)
        }
        if !bodiless {
            append("Content-Length: ", to: &buffer)
            appendDecimal(response.body.count, to: &buffer)
            appendCRLF(to: &buffer)
        }
        if !keepAlive {
            append("Connection: close\r\n", to: &buffer)
        } else if version == .http1_0 {
            append("Connection: keep-alive\r\n", to: &buffer)
        }
        appendCRLF(to: &buffer)
        if writesBody { buffer.append(contentsOf: response.body) }
    }

    /// Appends the head of a streamed response (`Response.stream`): as `write` without a body, framed with
    /// `Transfer-Encoding: chunked` for HTTP/1.1 (then write each piece with `writeChunk` and end with
    /// `lastChunk`); an HTTP/1.0 client gets the bytes as they are, ended by closing (`keepAlive` false).
    public static func writeStreamHead(
        _ response: Response,
        version: HTTPVersion,
        keepAlive: Bool,
        date: String,
        into buffer: inout [UInt8]
    ) {
        append("HTTP/1.1 ", to: &buffer)
        appendDecimal(response.status.code, to: &buffer)
        buffer.append(ByteClass.sp)
        appendText(response.status.reason, to: &buffer)
        appendCRLF(to: &buffer)
        var hasDate = false
        for (name, value) in response.headers {
            if isFramingField(name) { continue }
            if !hasDate && HTTPHeaders.equalNames(name, "Date") { hasDate = true }
            appendText(name, to: &buffer)
            append(": ", to: &buffer)
            appendText(value, to: &buffer)
            appendCRLF(to: &buffer)
        }
        if !hasDate {
            append("Date: ", to: &buffer)
            appendText(date, to: &buffer)
            appendCRLF(to: &buffer)
        }
        if version != .http1_0 { append("Transfer-Encoding: chunked\r\n", to: &buffer) }
        if !keepAlive || version == .http1_0 { append("Connection: close\r\n", to: &buffer) }
        appendCRLF(to: &buffer)
    }

    /// Appends one chunk (RFC 9112 §7.1): the size in hex, CRLF, the bytes, CRLF. Nothing for no bytes (an
    /// empty chunk would end the body).
    public static func writeChunk(_ bytes: [UInt8], into buffer: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        let hex = Array(String(bytes.count, radix: 16).utf8)
        buffer.append(contentsOf: hex)
        appendCRLF(to: &buffer)
        buffer.append(contentsOf: bytes)
        appendCRLF(to: &buffer)
    }

    /// The last chunk and the empty trailer section that end a chunked body.
    public static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    /// Content-Length, Transfer-Encoding and Connection belong to the server (RFC 9112 §6, §9.6).
    private static func isFramingField(_ name: String) -> Bool {
        switch name.utf8.count {
        case 10: HTTPHeaders.equalNames(name, "Connection")
        case 14: HTTPHeaders.equalNames(name, "Content-Length")
        case 17: HTTPHeaders.equalNames(name, "Transfer-Encoding")
        default: false
        }
    }

    @inline(__always)
    private static func append(_ literal: StaticString, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    @inline(__always)
    private static func appendCRLF(to buffer: inout [UInt8]) {
        buffer.append(ByteClass.cr)
        buffer.append(ByteClass.lf)
    }

    /// Appends handler-supplied text. A CR, LF or other control byte would let a value echoed from a client
    /// split the response (RFC 9110 §5.5), so each one is written as a space.
    @inline(__always)
    private static func appendText(_ text: String, to buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.append(contentsOf: text.utf8)
        for i in start..<buffer.count where buffer[i] < 0x20 && buffer[i] != ByteClass.htab {
            buffer[i] = ByteClass.sp
        }
    }

    /// Appends a non-negative integer in decimal without building a String.
    private static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        var v = UInt(max(value, 0))
        var digits = 1
        var rest = v / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        buffer.append(contentsOf: repeatElement(0x30, count: digits))
        var i = buffer.count - 1
        repeat {
            buffer[i] = 0x30 &+ UInt8(truncatingIfNeeded: v % 10)
            v /= 10
            i -= 1
        } while v > 0
    }
}
