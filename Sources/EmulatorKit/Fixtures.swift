// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTPCore

/// Loads the JSON fixtures a vendor is seeded from: `<directory>/<vendor>.json`.
public enum Fixtures {
    /// The parsed `<directory>/<vendor>.json`, or nil when the file does not exist. Throws a `FixtureError`
    /// when the file is not JSON.
    public static func load(vendor: String, directory: String) throws -> JSON? {
        let path = directory.hasSuffix("/") ? directory + vendor + ".json" : directory + "/" + vendor + ".json"
        guard let bytes = readFile(path) else { return nil }
        do {
            return try JSON.parse(bytes)
        } catch {
            throw FixtureError(vendor: vendor, file: path, "\(error)")
        }
    }

    /// The whole file, or nil when it cannot be opened.
    public static func readFile(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, 65536, f) }
            if n <= 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }
}
