// SPDX-License-Identifier: Apache-2.0
internal import COpenSSL

/// Runs a writer against a temporary memory BIO and returns what it wrote.
enum MemoryBIO {
    static func collect(_ write: (OpaquePointer) -> Bool) throws(TLSError) -> [UInt8] {
        ERR_clear_error()
        guard let bio = BIO_new(BIO_s_mem()) else { throw TLSError.openSSL("BIO_new failed") }
        defer { BIO_free(bio) }
        guard write(bio) else { throw TLSError.openSSL("PEM encoding failed") }
        let count = Int(BIO_ctrl_pending(bio))
        var bytes = [UInt8](repeating: 0, count: count)
        let read = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(count)) }
        guard read == count else { throw TLSError.openSSL("PEM encoding short read") }
        return bytes
    }
}
