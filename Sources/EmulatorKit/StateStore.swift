// SPDX-License-Identifier: Apache-2.0
import Glibc

/// Where `--data-dir` keeps the emulator's state: named parts (one per vendor, plus `emulator` for the clock),
/// each the bytes a vendor's `persistedState()` gave. The app writes and reads only through this protocol, so
/// another format (SQLite) could replace the file.
public protocol StateStore: Sendable {
    /// The parts of the last commit; empty when nothing was ever committed.
    func load() throws(StateStoreError) -> [String: [UInt8]]
    /// Replaces the stored state with `parts`, durably: when this returns, a crash or power loss leaves
    /// exactly these parts; a crash before it returns leaves the previous commit.
    func commit(_ parts: [String: [UInt8]]) throws(StateStoreError)
}

/// A state file that cannot be read or written, naming the file.
public struct StateStoreError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// One file, `state.mdstate`, rewritten whole at each commit: written to `state.mdstate.tmp`, fsynced,
/// renamed over the old one, then the directory fsynced. rename(2) is atomic, so a reader (the next start)
/// sees either the old file or the new one, never a mix. Layout (little-endian):
///
///     magic "MDSTATE\n" (8) · format version u32 · part count u32 · header CRC32 u32
///     per part: name length u32 · name · payload length u64 · payload CRC32 u32 · payload
///
/// A file of another version, truncated, or whose checksums do not match is refused with a message naming
/// it, never half-loaded.
public final class FileStateStore: StateStore {
    public static let magic = Array("MDSTATE\n".utf8)
    public static let formatVersion: UInt32 = 1
    public static let fileName = "state.mdstate"

    public let directory: String
    public var path: String { directory + "/" + Self.fileName }

    /// Makes `directory` (one level) when it does not exist.
    public init(directory: String) throws(StateStoreError) {
        self.directory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        var st = stat()
        if stat(self.directory, &st) != 0 {
            guard mkdir(self.directory, 0o755) == 0 else {
                throw StateStoreError("--data-dir \(directory): cannot create the directory: \(Self.errnoText())")
            }
        } else if (st.st_mode & S_IFMT) != S_IFDIR {
            throw StateStoreError("--data-dir \(directory): not a directory")
        }
    }

    public func load() throws(StateStoreError) -> [String: [UInt8]] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return [:] }
            throw StateStoreError("\(path): cannot read: \(Self.errnoText())")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StateStoreError("\(path): cannot read: \(Self.errnoText())") }
        return try Self.readParts(fd: fd, size: Int(st.st_size), path: path)
    }

    /// The parts of the state file open on `fd`, each payload read by pread(2) straight into its own array:
    /// reading the file into one buffer and copying each part out of it held a million-message state twice
    /// (170 MB more at the peak) and copied it once more.
    static func readParts(fd: Int32, size: Int, path: String) throws(StateStoreError) -> [String: [UInt8]] {
        try parse(size: size, path: path) { (offset, n) throws(StateStoreError) -> [UInt8]? in
            var failure: Int32 = 0
            let bytes = [UInt8](unsafeUninitializedCapacity: n) { buffer, initialized in
                while initialized < n {
                    let got = pread(fd, buffer.baseAddress! + initialized, n - initialized, off_t(offset + initialized))
                    if got < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        break
                    }
                    if got == 0 { break }  // the file shrank under us
                    initialized += got
                }
            }
            if failure != 0 { throw StateStoreError("\(path): cannot read: \(String(cString: strerror(failure)))") }
            return bytes.count == n ? bytes : nil
        }
    }

    /// The parts of a state file's bytes, or an error naming `path` and what is wrong.
    public static func decode(_ bytes: [UInt8], path: String) throws(StateStoreError) -> [String: [UInt8]] {
        try parse(size: bytes.count, path: path) { offset, n in Array(bytes[offset..<offset + n]) }
    }

    /// The one reader of the format, over a source of `size` bytes: `read(offset, n)` gives the `n` bytes at
    /// `offset` (within `size`, checked here), nil when the source ends first; it throws when reading fails.
    private static func parse(
        size: Int,
        path: String,
        read: (_ offset: Int, _ count: Int) throws(StateStoreError) -> [UInt8]?
    ) throws(StateStoreError) -> [String: [UInt8]] {
        var offset = 0
        /// The next `n` bytes; nil when the source ends first.
        func next(_ n: Int) throws(StateStoreError) -> [UInt8]? {
            guard n >= 0, n <= size - offset, let bytes = try read(offset, n) else { return nil }
            offset += n
            return bytes
        }
        func number(_ bytes: [UInt8]) -> UInt64 {
            bytes.indices.reduce(0) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
        }
        func fail(_ what: String) -> StateStoreError {
            StateStoreError("\(path): \(what); move the file away (or use another --data-dir) to start afresh")
        }
        guard let header = try next(20), Array(header[0..<8]) == magic else {
            throw fail("not a MailDouble state file")
        }
        let version = UInt32(number(Array(header[8..<12])))
        guard version == formatVersion else {
            throw fail("format version \(version) is not one this MailDouble reads (it reads \(formatVersion))")
        }
        let count = number(Array(header[12..<16]))
        guard UInt32(number(Array(header[16..<20]))) == CRC32.checksum(header[8..<16]) else {
            throw fail("the header is damaged")
        }
        var parts: [String: [UInt8]] = [:]
        for _ in 0..<count {
            guard let nameLength = try next(4), let name = try next(Int(number(nameLength))),
                let fields = try next(12)
            else { throw fail("the file is truncated") }
            let length = number(Array(fields[0..<8]))
            guard length <= UInt64(size), let payload = try next(Int(length)) else {
                throw fail("the file is truncated")
            }
            guard CRC32.checksum(payload) == UInt32(number(Array(fields[8..<12]))) else {
                throw fail("the checksum of part \(String(decoding: name, as: UTF8.self)) does not match")
            }
            parts[String(decoding: name, as: UTF8.self)] = payload
        }
        guard offset == size else { throw fail("there are bytes after the last part") }
        return parts
    }

    /// The file's bytes for `parts` (sorted by name, so equal state gives equal files).
    public static func encode(_ parts: [String: [UInt8]]) -> [UInt8] {
        var out = magic
        out.reserveCapacity(parts.values.reduce(64) { $0 + $1.count + 64 })
        append32(&out, formatVersion)
        append32(&out, UInt32(parts.count))
        append32(&out, CRC32.checksum(out[8..<16]))
        for name in parts.keys.sorted() {
            let payload = parts[name]!
            append32(&out, UInt32(name.utf8.count))
            out += name.utf8
            withUnsafeBytes(of: UInt64(payload.count).littleEndian) { out.append(contentsOf: $0) }
            append32(&out, CRC32.checksum(payload))
            out += payload
        }
        return out
    }

    public func commit(_ parts: [String: [UInt8]]) throws(StateStoreError) {
        let bytes = Self.encode(parts)
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StateStoreError("\(temporary): cannot write: \(Self.errnoText())") }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let text = Self.errnoText()
                close(fd)
                throw StateStoreError("\(temporary): cannot write: \(text)")
            }
            written += n
        }
        // The data must be on disk before the rename makes it the state, or a power loss could leave the
        // new name pointing at unwritten blocks.
        guard fsync(fd) == 0 else {
            let text = Self.errnoText()
            close(fd)
            throw StateStoreError("\(temporary): fsync failed: \(text)")
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            throw StateStoreError("\(path): cannot rename the new state into place: \(Self.errnoText())")
        }
        // The rename itself is durable only once the directory is.
        let dir = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
    }

    private static func append32(_ out: inout [UInt8], _ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// CRC-32 (IEEE 802.3, the zlib/PNG polynomial), slicing by 8: eight tables let the loop fold eight bytes a
/// step instead of one. A byte at a time it was a seventh of a million-message start-up (~0.5 GB/s); the
/// checksum, and so the file format, is unchanged.
public enum CRC32 {
    /// `tables[k * 256 + b]`: the CRC of byte `b` followed by `k` zero bytes.
    static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[i] = c
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let previous = t[(k - 1) * 256 + i]
                t[k * 256 + i] = t[Int(previous & 0xFF)] ^ (previous >> 8)
            }
        }
        return t
    }()

    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        if let crc = bytes.withContiguousStorageIfAvailable({ update(0xFFFF_FFFF, UnsafeRawBufferPointer($0)) }) {
            return crc ^ 0xFFFF_FFFF
        }
        let copy = Array(bytes)
        return copy.withUnsafeBytes { update(0xFFFF_FFFF, $0) } ^ 0xFFFF_FFFF
    }

    static func update(_ start: UInt32, _ buffer: UnsafeRawBufferPointer) -> UInt32 {
        var crc = start
        tables.withUnsafeBufferPointer { t in
            var i = 0
            let n = buffer.count
            while n - i >= 8 {
                let lo = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: i, as: UInt32.self)) ^ crc
                let hi = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
                crc =
                    t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
                i += 8
            }
            while i < n {
                crc = t[Int((crc ^ UInt32(buffer[i])) & 0xFF)] ^ (crc >> 8)
                i += 1
            }
        }
        return crc
    }
}
