// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#endif

/// The little POSIX file handling `DevCertificates` needs, without Foundation.
enum FileSystem {
    /// `mkdir -p`: creates each missing component with mode 0700 (the directory will hold private keys).
    static func makeDirectories(_ path: String) throws(TLSError) {
        guard !path.isEmpty else { throw TLSError("empty state directory path") }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw TLSError("cannot create directory '\(prefix)': \(String(cString: strerror(errno)))")
            }
            prefix += "/"
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw TLSError("'\(path)' is not a directory")
        }
    }

    /// Writes `bytes` to a temporary file in the same directory, then renames it over `path`, so a crash or a
    /// concurrent start never leaves a half-written key or certificate behind.
    static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(TLSError) {
        let temporary = path + ".tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw TLSError("cannot create '\(temporary)': \(String(cString: strerror(errno)))")
        }
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        // open() applies the umask only to new files; force the mode in case the temporary file existed.
        if failure == 0 && fchmod(fd, mode) != 0 { failure = errno }
        close(fd)
        if failure == 0 && rename(temporary, path) != 0 { failure = errno }
        guard failure == 0 else {
            unlink(temporary)
            throw TLSError("cannot write '\(path)': \(String(cString: strerror(failure)))")
        }
    }
}
