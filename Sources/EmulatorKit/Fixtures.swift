// SPDX-License-Identifier: Apache-2.0
import Glibc
public import HTTPCore

/// Loads the JSON fixtures a vendor is seeded from: `<directory>/<vendor>.json`.
///
/// A fixtures path that does not exist or cannot be read is an error, never an empty emulator: the symptom of a
/// mistyped path would otherwise be 401s for every credential the user expected to be seeded.
public enum Fixtures {
    /// The one fixture error type; reading and parsing failures name the file (`<path>: <reason>`).
    public typealias LoadError = FixtureError

    /// The `--fixtures` value that means "no seed data at all".
    public static let none = "none"

    /// Throws unless `directory` exists, is a directory and can be listed.
    public static func checkDirectory(_ directory: String) throws(LoadError) {
        var st = stat()
        guard stat(directory, &st) == 0 else {
            let e = errno
            if e == ENOENT {
                throw FixtureError(
                    vendor: "",
                    "fixtures directory '\(directory)' does not exist "
                        + "(give --fixtures none to start with no seed data)"
                )
            }
            throw FixtureError(vendor: "", "fixtures directory '\(directory)' cannot be read: \(reason(e))")
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            throw FixtureError(vendor: "", "fixtures path '\(directory)' is not a directory")
        }
        guard let dir = opendir(directory) else {
            throw FixtureError(vendor: "", "fixtures directory '\(directory)' cannot be read: \(reason(errno))")
        }
        closedir(dir)
    }

    /// The parsed `<directory>/<vendor>.json`, or nil when the directory has no such file.
    /// - Throws: `LoadError` (`<path>: <reason>`) when the file exists but cannot be read or is not valid JSON.
    public static func load(vendor: String, directory: String) throws(LoadError) -> JSON? {
        let path = directory.hasSuffix("/") ? directory + vendor + ".json" : directory + "/" + vendor + ".json"
        var st = stat()
        if stat(path, &st) != 0 && errno == ENOENT { return nil }
        let bytes = try readFileOrThrow(path)
        do {
            return try JSON.parse(bytes)
        } catch {
            throw FixtureError(vendor: vendor, file: path, "\(error)")
        }
    }

    /// The whole file, or nil when it cannot be opened.
    public static func readFile(_ path: String) -> [UInt8]? {
        try? readFileOrThrow(path)
    }

    /// The whole file; the error names the file and the reason (a directory, no permission, an I/O error).
    public static func readFileOrThrow(_ path: String) throws(LoadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FixtureError(vendor: "", "\(path): cannot be read: \(reason(errno))") }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FixtureError(vendor: "", "\(path): cannot be read: \(reason(errno))")
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    private static func reason(_ e: Int32) -> String { String(cString: strerror(e)) }
}
