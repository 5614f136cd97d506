// SPDX-License-Identifier: Apache-2.0
import HTTPCore

extension HTTP1Parser.StateMachine {
    // A chunk-size line is hex digits plus extensions we ignore (RFC 9112 §7.1.1); bound it so a client cannot
    // stream an endless one into the buffer.
    static let maxChunkLineBytes = 4096
    // Reserve at most this much for a Content-Length body up front: the length is the client's claim.
    static let maxBodyReservation = 1 << 20

    /// Reads a Content-Length body (§6.2). Returns true when it is complete. Bytes are moved into the body as
    /// they arrive, so the parser's buffer never holds more than one read of a large body.
    mutating func readFixedBody(_ buf: UnsafeBufferPointer<UInt8>, remaining: Int) -> Bool {
        let available = buf.count - cursor
        if message.body.isEmpty && available >= remaining {
            // The whole body is buffered (the common case): a single exact-size copy.
            message.body = Array(UnsafeBufferPointer(rebasing: buf[cursor..<cursor + remaining]))
            consume(remaining)
            return true
        }
        let n = min(available, remaining)
        guard n > 0 else { return false }
        // Reserve only once bytes arrive: a client announcing a large body and sending nothing costs nothing.
        if message.body.isEmpty { message.body.reserveCapacity(min(remaining, Self.maxBodyReservation)) }
        takeBody(buf, n)
        if n == remaining { return true }
        state = .fixedBody(remaining: remaining - n)
        return false
    }

    /// Reads a `chunk-size [chunk-ext] CRLF` line (§7.1). Returns false when the line is incomplete.
    mutating func readChunkSize(_ buf: UnsafeBufferPointer<UInt8>) throws(HTTP1ParseError) -> Bool {
        guard let lf = buf.indexOfLF(from: scanFrom, to: buf.count) else {
            scanFrom = buf.count
            if buf.count - cursor > Self.maxChunkLineBytes { throw .badRequest("chunk-size line too long") }
            return false
        }
        let end = lf > cursor && buf[lf - 1] == ByteClass.cr ? lf - 1 : lf
        var i = cursor
        var size = 0
        while i < end {
            let digit = ByteClass.hexValue(buf[i])
            if digit < 0 { break }
            if size > Int.max >> 4 { throw .badRequest("chunk-size overflow") }
            size = size << 4 | digit
            i += 1
        }
        guard i > cursor else { throw .badRequest("invalid chunk-size") }
        // chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] ): ignored, but it must start with ";" and be
        // free of controls (a stray CR here is a smuggling vector).
        while i < end && ByteClass.isOWS(buf[i]) { i += 1 }
        if i < end {
            guard buf[i] == 0x3B else { throw .badRequest("invalid chunk extension") }
            for j in i..<end where !ByteClass.isFieldValue(buf[j]) { throw .badRequest("invalid chunk extension") }
        }
        consume(lf + 1 - cursor)
        if size == 0 {
            message.headBytes = 0  // now counts the trailer section
            state = .trailers
            return true
        }
        if size > limits.maxBodyBytes - message.chunkedBytes {
            throw HTTP1ParseError(.contentTooLarge, "chunked body over limit")
        }
        message.chunkedBytes += size
        state = .chunkData(remaining: size)
        return true
    }

    /// Reads chunk-data. Returns true when the chunk is complete.
    mutating func readChunkData(_ buf: UnsafeBufferPointer<UInt8>, remaining: Int) -> Bool {
        let n = min(buf.count - cursor, remaining)
        takeBody(buf, n)
        if n == remaining {
            state = .chunkDataEnd
            return true
        }
        state = .chunkData(remaining: remaining - n)
        return false
    }

    /// Reads the CRLF (or bare LF, §2.2) after chunk-data. Returns false when it has not fully arrived.
    mutating func readChunkDataEnd(_ buf: UnsafeBufferPointer<UInt8>) throws(HTTP1ParseError) -> Bool {
        let available = buf.count - cursor
        guard available > 0 else { return false }
        if buf[cursor] == ByteClass.lf {
            consume(1)
        } else if buf[cursor] == ByteClass.cr {
            guard available > 1 else { return false }
            guard buf[cursor + 1] == ByteClass.lf else { throw .badRequest("chunk-data not followed by CRLF") }
            consume(2)
        } else {
            throw .badRequest("chunk-data longer than chunk-size")
        }
        state = .chunkSize
        return true
    }

    /// Reads the trailer section up to its empty line (§7.1.2). Fields are validated like headers and then
    /// discarded: nothing here needs them, and merging them into the headers is what §7.1.2 warns against.
    mutating func readTrailers(_ buf: UnsafeBufferPointer<UInt8>) throws(HTTP1ParseError) -> Bool {
        let end = buf.count
        while true {
            guard let lf = buf.indexOfLF(from: scanFrom, to: end) else {
                scanFrom = end
                if message.headBytes + (end - cursor) > limits.maxHeaderBytes {
                    throw HTTP1ParseError(.requestHeaderFieldsTooLarge, "trailer section over limit")
                }
                return false
            }
            let start = cursor
            let lineEnd = lf > start && buf[lf - 1] == ByteClass.cr ? lf - 1 : lf
            message.headBytes += lf + 1 - start
            if message.headBytes > limits.maxHeaderBytes {
                throw HTTP1ParseError(.requestHeaderFieldsTooLarge, "trailer section over limit")
            }
            consume(lf + 1 - start)
            if start == lineEnd { return true }
            _ = try Self.parseFieldLine(buf, start, lineEnd)
        }
    }

    /// Appends the next `n` buffered bytes to the body and consumes them.
    private mutating func takeBody(_ buf: UnsafeBufferPointer<UInt8>, _ n: Int) {
        guard n > 0 else { return }
        message.body.append(contentsOf: UnsafeBufferPointer(rebasing: buf[cursor..<cursor + n]))
        consume(n)
    }

    @inline(__always)
    private mutating func consume(_ n: Int) {
        cursor += n
        scanFrom = cursor
    }
}
