// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Glibc
import HTTPCore
import Testing

@Suite struct FixturesTests {
    /// A fresh directory under /tmp, removed with its files by `remove`.
    struct TempDir {
        let path: String

        init() throws {
            var template = Array("/tmp/maildouble-fixtures-XXXXXX".utf8CString)
            let made = try #require(mkdtemp(&template))
            path = String(cString: made)
        }

        func write(_ name: String, _ bytes: [UInt8]) throws {
            let file = try #require(fopen(path + "/" + name, "wb"))
            defer { fclose(file) }
            #expect(fwrite(bytes, 1, bytes.count, file) == bytes.count)
        }

        func remove(_ names: [String]) {
            for name in names { unlink(path + "/" + name) }
            rmdir(path)
        }
    }

    @Test func loadsTheVendorFileWithOrWithoutATrailingSlash() throws {
        let dir = try TempDir()
        defer { dir.remove(["acme.json"]) }
        try dir.write("acme.json", Array(#"{"accounts":[{"id":545}]}"#.utf8))
        let json = try Fixtures.load(vendor: "acme", directory: dir.path)
        #expect(json == ["accounts": [["id": 545]]])
        #expect(try Fixtures.load(vendor: "acme", directory: dir.path + "/") == json)
    }

    @Test func missingFileIsNilNotAnError() throws {
        let dir = try TempDir()
        defer { dir.remove([]) }
        #expect(try Fixtures.load(vendor: "nobody", directory: dir.path) == nil)
        #expect(try Fixtures.load(vendor: "nobody", directory: "/nonexistent/maildouble") == nil)
    }

    @Test func invalidJSONNamesTheFile() throws {
        let dir = try TempDir()
        defer { dir.remove(["broken.json"]) }
        try dir.write("broken.json", Array(#"{"accounts": [}"#.utf8))
        let error = #expect(throws: Fixtures.LoadError.self) {
            try Fixtures.load(vendor: "broken", directory: dir.path)
        }
        #expect(error?.description.hasPrefix(dir.path + "/broken.json: ") == true)
    }

    /// Files larger than the 64 KiB read chunk come back whole and in order.
    @Test func readFileReturnsEveryByte() throws {
        let dir = try TempDir()
        defer { dir.remove(["big.bin", "empty.bin"]) }
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try dir.write("big.bin", bytes)
        try dir.write("empty.bin", [])
        #expect(Fixtures.readFile(dir.path + "/big.bin") == bytes)
        #expect(Fixtures.readFile(dir.path + "/empty.bin") == [])
        #expect(Fixtures.readFile(dir.path + "/absent.bin") == nil)
    }

    /// The checked-in fixtures parse (the vendors' seed data).
    @Test(arguments: ["flowmailer", "postflare", "flowdock"])
    func repositoryFixturesParse(vendor: String) throws {
        let root = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
        let json = try #require(try Fixtures.load(vendor: vendor, directory: root + "/fixtures"))
        #expect(json.objectValue?.isEmpty == false)
    }
}
