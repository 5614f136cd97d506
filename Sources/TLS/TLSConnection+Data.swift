// SPDX-License-Identifier: Apache-2.0
internal import COpenSSL

extension TLSConnection {
    /// Largest TLS record plaintext (RFC 8446 §5.1): one `SSL_read_ex` never returns more.
    private static let recordSize = 16_384

    /// Decrypts every plaintext byte available, appending to `buffer`.
    /// - Returns: `.ok` when it appended something (call again later after feeding more), `.wantRead` when
    ///   nothing was available, `.closed` after the peer's close_notify, `.failed` on a fatal error.
    public func readPlaintext(into buffer: inout [UInt8]) -> TLSReadResult {
        if let terminal { return terminal }
        let before = buffer.count
        // A stack scratch buffer: a per-connection 16 KiB heap buffer would cost 16 MB across 1000 idle
        // connections. Each pass moves at most one record; looping drains everything fed so far.
        let result: TLSReadResult = withUnsafeTemporaryAllocation(byteCount: Self.recordSize, alignment: 1) {
            scratch in
            while true {
                ERR_clear_error()
                var count = 0
                let rc = SSL_read_ex(ssl, scratch.baseAddress, scratch.count, &count)
                if rc == 1 {
                    buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
                    continue
                }
                switch classify(rc) {
                case .wantIO: return .wantRead
                case .closed: return .closed
                case .failed(let error): return .failed(error)
                }
            }
        }
        switch result {
        case .wantRead:
            return buffer.count > before ? .ok : .wantRead
        case .closed, .failed:
            terminal = result
            // Hand over the plaintext that preceded close_notify or the error first; the next call reports it.
            return buffer.count > before ? .ok : result
        case .ok:
            return .ok
        }
    }

    /// Encrypts all of `bytes` into the write BIO (memory BIOs never block, so this always completes).
    /// - Throws: `TLSError` when the session is broken or the handshake has not finished.
    public func writePlaintext(_ bytes: UnsafeRawBufferPointer) throws(TLSError) {
        if case .failed(let error)? = terminal { throw error }
        guard var base = bytes.baseAddress, !bytes.isEmpty else { return }
        var remaining = bytes.count
        while remaining > 0 {
            ERR_clear_error()
            var written = 0
            let rc = SSL_write_ex(ssl, base, remaining, &written)
            if rc == 1 {
                base += written
                remaining -= written
                continue
            }
            switch classify(rc) {
            case .wantIO:
                // Only possible before the handshake completed: the write BIO is unbounded.
                throw TLSError("TLS write before the handshake completed")
            case .closed:
                throw TLSError("TLS write after close_notify")
            case .failed(let error):
                let wrapped = TLSError("TLS write failed: \(error.description)")
                terminal = .failed(wrapped)
                throw wrapped
            }
        }
    }

    /// Moves all encrypted output pending in the write BIO into `buffer`, to be written to the socket.
    public func drainEncrypted(into buffer: inout [UInt8]) {
        let pending = Int(BIO_ctrl_pending(writeBIO))
        guard pending > 0 else { return }
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: pending))
        // BIO_read rather than BIO_get_mem_data + BIO_reset: resetting a writable memory BIO memsets its whole
        // capacity, which after one large response would cost that much again on every later drain.
        let end = buffer.withUnsafeMutableBytes { bytes in
            var offset = start
            while offset < bytes.count {
                let read = BIO_read(writeBIO, bytes.baseAddress! + offset, Int32(clamping: bytes.count - offset))
                // Cannot happen (pending said so); stop rather than spin.
                guard read > 0 else { break }
                offset += Int(read)
            }
            return offset
        }
        buffer.removeSubrange(end...)
    }
}
