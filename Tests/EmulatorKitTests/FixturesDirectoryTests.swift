// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Glibc
import HTTPCore
import Testing

/// A fixtures path that is missing or unreadable fails loudly; only an absent vendor file means "no seed".
/// (Beside `FixturesTests`, which covers parsing and `readFile`.)
@Suite struct FixturesDirectoryTests {
    static func makeDirectory() -> String {
        var template = Array("/tmp/maildouble-fixtures-XXXXXX".utf8CString)
        return String(cString: template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }!)
    }

    static func write(_ text: String, to path: String) {
        let f = fopen(path, "wb")!
        fputs(text, f)
        fclose(f)
    }

    @Test func aMissingDirectoryIsAnErrorThatSuggestsNone() {
        #expect {
            try Fixtures.checkDirectory("/nonexistent/maildouble-fixtures")
        } throws: { error in
            let text = "\(error)"
            return text.contains("'/nonexistent/maildouble-fixtures' does not exist")
                && text.contains("--fixtures none")
        }
    }

    @Test func aFileGivenAsTheDirectoryIsAnError() {
        let dir = Self.makeDirectory()
        Self.write("{}", to: dir + "/plain")
        #expect {
            try Fixtures.checkDirectory(dir + "/plain")
        } throws: { error in
            "\(error)".contains("is not a directory")
        }
    }

    @Test func anExistingDirectoryPassesAndAnAbsentVendorFileIsNil() throws {
        let dir = Self.makeDirectory()
        try Fixtures.checkDirectory(dir)
        #expect(try Fixtures.load(vendor: "flowmailer", directory: dir) == nil)
    }

    @Test func aValidVendorFileIsParsed() throws {
        let dir = Self.makeDirectory()
        Self.write(#"{"accounts":[]}"#, to: dir + "/flowmailer.json")
        #expect(try Fixtures.load(vendor: "flowmailer", directory: dir + "/") == ["accounts": []])
    }

    @Test func invalidJSONIsAnErrorNamingTheFile() {
        let dir = Self.makeDirectory()
        Self.write("{\"teams\": [", to: dir + "/postflare.json")
        #expect {
            _ = try Fixtures.load(vendor: "postflare", directory: dir)
        } throws: { error in
            "\(error)".hasPrefix("\(dir)/postflare.json: ")
        }
    }

    @Test func anUnreadableVendorFileIsAnErrorNamingTheFile() {
        // A directory where the file should be: unreadable as a file even for root (tests may run as root,
        // for whom permission bits do not stop a read).
        let dir = Self.makeDirectory()
        mkdir(dir + "/flowdock.json", 0o755)
        #expect {
            _ = try Fixtures.load(vendor: "flowdock", directory: dir)
        } throws: { error in
            "\(error)".hasPrefix("\(dir)/flowdock.json: cannot be read: ")
        }
    }
}
