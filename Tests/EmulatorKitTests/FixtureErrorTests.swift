// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Glibc
import Testing

@Suite struct FixtureErrorTests {
    @Test func describesVendorFilePathAndMessage() {
        #expect(FixtureError(vendor: "flowdock", "no users").description == "flowdock fixtures: no users")
        #expect(
            FixtureError(vendor: "flowmailer", path: "accounts[0].messages[2]", "message without id").description
                == "flowmailer fixtures at accounts[0].messages[2]: message without id"
        )
        #expect(
            FixtureError(vendor: "postflare", file: "/f/postflare.json", "bad JSON").description
                == "/f/postflare.json: bad JSON"
        )
        #expect(
            FixtureError(vendor: "flowdock", file: "/f/flowdock.json", path: "users[2]", "needs id").description
                == "flowdock fixtures (/f/flowdock.json) at users[2]: needs id"
        )
    }

    @Test func loadingAMalformedFileThrowsIt() throws {
        let dir = "/tmp/fixture-error-tests-\(IDs.hex(8))"
        let path = dir + "/flowdock.json"
        #expect(Fixtures.readFile(path) == nil)
        #expect(try Fixtures.load(vendor: "flowdock", directory: dir) == nil)
        #expect(mkdir(dir))
        let file = try #require(fopen(path, "wb"))
        fputs("{not json", file)
        fclose(file)
        defer {
            remove(path)
            rmdir(dir)
        }
        #expect {
            try Fixtures.load(vendor: "flowdock", directory: dir)
        } throws: { error in
            guard let e = error as? FixtureError else { return false }
            return e.vendor == "flowdock" && e.file == path && e.path.isEmpty && !e.message.isEmpty
        }
    }

    private func mkdir(_ path: String) -> Bool { Glibc.mkdir(path, 0o700) == 0 }
}
