// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Glibc
import HTTPCore
import Routing
import Testing

@testable import MailDoubleApp

/// `--fixtures`: a bad path stops start-up, `none` seeds nothing, a missing vendor file falls back (logged).
@Suite struct SeedDataTests {
    static func makeApp(fixtures: String) throws -> MailDouble {
        var c = AppConfiguration()
        c.httpsPort = nil
        c.httpPort = 0
        c.stateDirectory = MailDoubleTests.makeStateDirectory()
        c.fixturesDirectory = fixtures
        return try MailDouble(configuration: c)
    }

    static func postflareKeyWorks(_ app: MailDouble) -> Bool {
        let headers: HTTPHeaders = ["Authorization": "Bearer re_test_maildouble_full"]
        return app.dispatcher.respond(to: Request(method: .GET, target: "/domains", headers: headers)).status == .ok
    }

    @Test func aMissingDirectoryFailsStartUp() {
        #expect {
            _ = try Self.makeApp(fixtures: "/nonexistent/fixtures")
        } throws: { error in
            "\(error)".contains("'/nonexistent/fixtures' does not exist")
        }
    }

    @Test func noneStartsEveryVendorEmpty() throws {
        let app = try Self.makeApp(fixtures: "none")
        #expect(!Self.postflareKeyWorks(app))  // not even Postflare's built-in team
        #expect(app.banner().contains("fixtures: none"))
    }

    @Test func theCheckedInFixturesSeedPostflare() throws {
        let app = try Self.makeApp(fixtures: MailDoubleTests.fixturesDirectory)
        #expect(Self.postflareKeyWorks(app))
    }

    @Test func aDirectoryWithoutAVendorFileStartsThatVendorWithDefaultsAndSaysSo() throws {
        let dir = MailDoubleTests.makeStateDirectory()
        var lines: [String] = []
        let seed = try MailDouble.loadSeedData(dir) { lines.append($0) }
        #expect(seed.flowmailer == nil && seed.postflare == nil && seed.flowdock == nil)
        #expect(lines.count == 3)
        let expected = "fixtures: '\(dir)' has no postflare.json; postflare starts with its built-in team and test keys"
        #expect(lines.contains(expected))
        // Postflare's defaults include the documented test key.
        #expect(Self.postflareKeyWorks(try Self.makeApp(fixtures: dir)))
    }

    @Test func aBrokenVendorFileFailsStartUpNamingTheFile() {
        let dir = MailDoubleTests.makeStateDirectory()
        let f = fopen(dir + "/flowdock.json", "wb")!
        fputs("not json", f)
        fclose(f)
        #expect {
            _ = try Self.makeApp(fixtures: dir)
        } throws: { error in
            "\(error)".contains("\(dir)/flowdock.json")
        }
    }
}
