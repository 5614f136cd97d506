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
                case .failed(let reason): return .failed(TLSError("TLS read failed: \(reason)"))
                }
            }
        }
        switch result {
        case .wantRead:
            shrinkReadBIOIfDrained()
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
    /// - Throws: `TLSError` when the session is broken, shut down, or the handshake has not finished.
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
            case .failed(let reason):
                let error = TLSError("TLS write failed: \(reason)")
                terminal = .failed(error)
                throw error
            }
        }
    }

    /// Moves all encrypted output pending in the write BIO into `buffer`, to be written to the socket.
    public func drainEncrypted(into buffer: inout [UInt8]) {
        let pending = Int(BIO_ctrl_pending(writeBIO))
        guard pending > 0 else { return }
        // BIO_read rather than BIO_get_mem_data + BIO_reset: resetting a writable memory BIO memsets its whole
        // capacity on every drain.
        if buffer.isEmpty {
            // The usual case (everything before was sent): read straight into fresh uninitialized storage
            // instead of zero-filling `pending` bytes element by element and then overwriting them.
            buffer = [UInt8](unsafeUninitializedCapacity: pending) { bytes, count in
                count = 0
                while count < pending {
                    let read = BIO_read(writeBIO, bytes.baseAddress! + count, Int32(clamping: pending - count))
                    guard read > 0 else { break }  // cannot happen (pending said so); stop rather than spin
                    count += Int(read)
                }
            }
            replaceWriteBIOIfGrown(pending)
            return
        }
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: pending))
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
        replaceWriteBIOIfGrown(pending)
    }

    private func replaceWriteBIOIfGrown(_ pending: Int) {
        if pending > Self.bioShrinkThreshold, BIO_ctrl_pending(writeBIO) == 0, let fresh = BIO_new(BIO_s_mem()) {
            // SSL_set0_wbio frees the old BIO (and keeps OpenSSL's handshake buffering BIO, if any, on top).
            SSL_set0_wbio(ssl, fresh)
            writeBIO = fresh
        }
    }

    /// Replaces a read BIO that once buffered a large burst, now that it is empty (see `bioShrinkThreshold`).
    private func shrinkReadBIOIfDrained() {
        guard readBIOGrew, BIO_ctrl_pending(readBIO) == 0, let fresh = BIO_new(BIO_s_mem()) else { return }
        // SSL_set0_rbio frees the old BIO; nothing is lost because it holds no bytes.
        SSL_set0_rbio(ssl, fresh)
        readBIO = fresh
        readBIOGrew = false
    }
}
