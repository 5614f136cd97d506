// SPDX-License-Identifier: Apache-2.0
import HTTPCore

extension HTTP1Parser.StateMachine {
    /// Where a validated field line's name ends and its value (without OWS) lies.
    typealias FieldBounds = (nameEnd: Int, valueStart: Int, valueEnd: Int)

    // RFC 9112 §2.2 asks a server to ignore at least one empty line before the request line (clients sent one
    // after a POST body); more than a few is not a client we want to keep reading from.
    static let maxLeadingEmptyLines = 4

    /// Consumes complete head lines. Returns true once the empty line ending the header section is consumed.
    /// Each line is found with one memchr from where the last search stopped, then parsed in a single pass.
    mutating func parseHead(_ buf: UnsafeBufferPointer<UInt8>) throws(HTTP1ParseError) -> Bool {
        let end = buf.count
        while true {
            guard let lf = buf.indexOfLF(from: scanFrom, to: end) else {
                scanFrom = end
                // Reject a request line that cannot start a method (a TLS handshake on the plain port, binary
                // noise) at its first byte instead of waiting for a line end that may never come.
                if case .requestLine = state, cursor < end, !Self.canStartRequestLine(buf[cursor]) {
                    throw .badRequest("request line does not start with a method")
                }
                // Enforce the limit on what is buffered, not on complete lines, so a huge or slowly dripped
                // head is refused as soon as it is too long.
                if message.headBytes + (end - cursor) > limits.maxHeaderBytes {
                    throw HTTP1ParseError(.requestHeaderFieldsTooLarge, "head over limit")
                }
                return false
            }
            let start = cursor
            // The same first-byte check, before the limit, on a line that did arrive whole: the answer must not
            // depend on how the bytes were split (400 dripped, 431 whole; found by the `http1` fuzz target).
            if case .requestLine = state, start < lf, !Self.canStartRequestLine(buf[start]) {
                throw .badRequest("request line does not start with a method")
            }
            // §2.2: a bare LF is accepted as a line terminator; a CR elsewhere is caught by the line parsers.
            let lineEnd = lf > start && buf[lf - 1] == ByteClass.cr ? lf - 1 : lf
            message.headBytes += lf + 1 - start
            if message.headBytes > limits.maxHeaderBytes {
                throw HTTP1ParseError(.requestHeaderFieldsTooLarge, "head over limit")
            }
            cursor = lf + 1
            scanFrom = cursor
            if case .requestLine = state {
                if start == lineEnd {
                    message.emptyLines += 1
                    if message.emptyLines > Self.maxLeadingEmptyLines { throw .badRequest("too many empty lines") }
                    continue
                }
                try parseRequestLine(buf, start, lineEnd)
                state = .headers
            } else {
                if start == lineEnd { return true }
                try parseHeaderLine(buf, start, lineEnd)
            }
        }
    }

    /// A method's first character, or the CR of a leading empty line.
    @inline(__always)
    private static func canStartRequestLine(_ b: UInt8) -> Bool { ByteClass.isToken(b) || b == ByteClass.cr }

    /// `method SP request-target SP HTTP-version` (RFC 9112 §3), single spaces only.
    private mutating func parseRequestLine(
        _ buf: UnsafeBufferPointer<UInt8>,
        _ start: Int,
        _ end: Int
    )
        throws(HTTP1ParseError)
    {
        var i = start
        while i < end && ByteClass.isToken(buf[i]) { i += 1 }
        guard i > start, i < end, buf[i] == ByteClass.sp else { throw .badRequest("invalid method") }
        let methodEnd = i
        i += 1
        let targetStart = i
        while i < end && ByteClass.isTarget(buf[i]) { i += 1 }
        guard i > targetStart, i < end, buf[i] == ByteClass.sp else { throw .badRequest("invalid request-target") }
        let targetEnd = i
        // Methods are case-sensitive (RFC 9110 §9.1); common ones fit a small string, so this does not allocate.
        message.method = HTTPMethod(rawValue: buf.string(start, methodEnd))
        do {
            message.version = try Self.parseVersion(buf, i + 1, end)
        } catch {
            // Method and target were well-formed: keep an origin-form target so the answer can name the vendor.
            if buf[targetStart] == 0x2F {
                message.target = buf.string(targetStart, targetEnd)
            }
            throw error
        }
        try parseTarget(buf, targetStart, targetEnd)
    }

    /// `HTTP-name "/" DIGIT "." DIGIT` (§2.3; HTTP-name is case-sensitive). Well-formed but not 1.0/1.1 → 505.
    private static func parseVersion(
        _ buf: UnsafeBufferPointer<UInt8>,
        _ start: Int,
        _ end: Int
    )
        throws(HTTP1ParseError) -> HTTPVersion
    {
        guard end - start == 8,
            buf[start] == 0x48, buf[start + 1] == 0x54, buf[start + 2] == 0x54, buf[start + 3] == 0x50,  // HTTP
            buf[start + 4] == 0x2F, buf[start + 6] == 0x2E  // "/" and "."
        else { throw .badRequest("invalid HTTP-version") }
        let major = buf[start + 5] &- 0x30
        let minor = buf[start + 7] &- 0x30
        guard major <= 9, minor <= 9 else { throw .badRequest("invalid HTTP-version") }
        switch (major, minor) {
        case (1, 1): return .http1_1
        case (1, 0): return .http1_0
        default: throw HTTP1ParseError(.httpVersionNotSupported, "unsupported HTTP version")
        }
    }

    /// Request-target forms (§3.2): origin-form, asterisk-form for OPTIONS, and absolute-form, which is turned
    /// into origin-form with its authority kept for the Host field. Authority-form (CONNECT) is not served.
    private mutating func parseTarget(
        _ buf: UnsafeBufferPointer<UInt8>,
        _ start: Int,
        _ end: Int
    )
        throws(HTTP1ParseError)
    {
        if buf[start] == 0x2F {  // "/"
            message.target = buf.string(start, end)
            return
        }
        if end - start == 1 && buf[start] == 0x2A {  // "*"
            guard message.method == .OPTIONS else { throw .badRequest("asterisk-form outside OPTIONS") }
            message.target = "*"
            return
        }
        let authorityStart: Int
        if buf.equalsIgnoringCase(start, min(start + 7, end), "http://") {
            authorityStart = start + 7
        } else if buf.equalsIgnoringCase(start, min(start + 8, end), "https://") {
            authorityStart = start + 8
        } else {
            throw .badRequest("unsupported request-target form")
        }
        var i = authorityStart
        while i < end && buf[i] != 0x2F && buf[i] != 0x3F && buf[i] != 0x23 { i += 1 }  // "/", "?", "#"
        // RFC 9110 §4.2.4: userinfo ("@") in an http(s) URI is an error; it is not in the host character set.
        guard i > authorityStart else { throw .badRequest("empty authority") }
        for j in authorityStart..<i where !ByteClass.isHost(buf[j]) { throw .badRequest("invalid authority") }
        message.authority = buf.string(authorityStart, i)
        if i < end && buf[i] == 0x2F {
            message.target = buf.string(i, end)
        } else {
            message.target = "/" + buf.string(i, end)  // "http://h" and "http://h?q" mean path "/"
        }
    }

    /// A field line `name ":" OWS value OWS` (RFC 9112 §5), added to `fields`; framing fields are interpreted.
    private mutating func parseHeaderLine(
        _ buf: UnsafeBufferPointer<UInt8>,
        _ start: Int,
        _ end: Int
    )
        throws(HTTP1ParseError)
    {
        let (nameEnd, valueStart, valueEnd) = try Self.parseFieldLine(buf, start, end)
        message.headerCount += 1
        if message.headerCount > limits.maxHeaderCount {
            throw HTTP1ParseError(.requestHeaderFieldsTooLarge, "too many header fields")
        }
        // Dispatch on the name length first so most fields cost one integer compare.
        switch nameEnd - start {
        case 4 where buf.equalsIgnoringCase(start, nameEnd, "host"):
            message.hostCount += 1
            for i in valueStart..<valueEnd where !ByteClass.isHost(buf[i]) { throw .badRequest("invalid Host") }
        case 6 where buf.equalsIgnoringCase(start, nameEnd, "expect"):
            // RFC 9110 §10.1.1: 100-continue is the only expectation defined; anything else gets 417.
            let isContinue = buf.equalsIgnoringCase(valueStart, valueEnd, "100-continue")
            if !isContinue {
                message.expectation = .unsupported
            } else if message.expectation == .none {
                message.expectation = .continue
            }
        case 10 where buf.equalsIgnoringCase(start, nameEnd, "connection"):
            buf.forEachListElement(valueStart, valueEnd) { s, e in
                if buf.equalsIgnoringCase(s, e, "close") { message.connectionClose = true }
                if buf.equalsIgnoringCase(s, e, "keep-alive") { message.connectionKeepAlive = true }
                return true
            }
        case 14 where buf.equalsIgnoringCase(start, nameEnd, "content-length"):
            try parseContentLength(buf, valueStart, valueEnd)
        case 17 where buf.equalsIgnoringCase(start, nameEnd, "transfer-encoding"):
            message.transferEncoding.isPresent = true
            buf.forEachListElement(valueStart, valueEnd) { s, e in
                message.transferEncoding.codingCount += 1
                message.transferEncoding.lastIsChunked = buf.equalsIgnoringCase(s, e, "chunked")
                if message.transferEncoding.lastIsChunked { message.transferEncoding.chunkedCount += 1 }
                return true
            }
        default:
            break
        }
        fields.append((buf.string(start, nameEnd), buf.string(valueStart, valueEnd)))
    }

    /// RFC 9110 §8.6: digits only. A list of identical values ("5, 5", or repeated fields) is accepted as one;
    /// differing values are an error. Values too large for Int saturate, so they fail the body limit (413).
    private mutating func parseContentLength(
        _ buf: UnsafeBufferPointer<UInt8>,
        _ start: Int,
        _ end: Int
    )
        throws(HTTP1ParseError)
    {
        var valid = start < end
        buf.forEachListElement(start, end) { s, e in
            var value = 0
            for i in s..<e {
                let digit = Int(buf[i]) &- 0x30
                guard digit >= 0 && digit <= 9 else {
                    valid = false
                    return false
                }
                value = value > (Int.max - 9) / 10 ? Int.max : value * 10 + digit
            }
            if let known = message.contentLength, known != value { valid = false }
            message.contentLength = value
            return valid
        }
        if !valid || message.contentLength == nil { throw .badRequest("invalid Content-Length") }
    }

    /// Validates a field line and returns the end of the name and the value's bounds without OWS. Shared by
    /// the header section and the chunked trailer section.
    static func parseFieldLine(
        _ buf: UnsafeBufferPointer<UInt8>,
        _ start: Int,
        _ end: Int
    )
        throws(HTTP1ParseError) -> FieldBounds
    {
        // §5.2: obs-fold (a line starting with whitespace) is rejected with 400, as a server may.
        var i = start
        while i < end && ByteClass.isToken(buf[i]) { i += 1 }
        // §5.1: no whitespace is allowed between the field name and the colon; this also rejects empty names.
        guard i > start, i < end, buf[i] == ByteClass.colon else { throw .badRequest("invalid field name") }
        let nameEnd = i
        i += 1
        while i < end && ByteClass.isOWS(buf[i]) { i += 1 }
        let valueStart = i
        while i < end {
            guard ByteClass.isFieldValue(buf[i]) else { throw .badRequest("invalid field value") }
            i += 1
        }
        var valueEnd = end
        while valueEnd > valueStart && ByteClass.isOWS(buf[valueEnd - 1]) { valueEnd -= 1 }
        return (nameEnd, valueStart, valueEnd)
    }
}
