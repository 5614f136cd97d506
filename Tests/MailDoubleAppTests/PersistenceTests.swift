// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Glibc
import HTTPCore
import MailDoubleApp
import Testing

/// `--data-dir`: every vendor's state, the clock offset and idempotency keys survive a restart; a damaged
/// state file stops start-up with a message naming it.
@Suite struct PersistenceTests {
    static let frozen: Int64 = 1_790_000_000_000

    static func start(dataDir: String, fsync: FsyncMode = .always) throws -> MailDouble {
        try MailDoubleTests.start { c in
            c.httpPort = nil
            c.dataDirectory = dataDir
            c.fsyncMode = fsync
            c.postflareWebhooks = false
            c.postflareRateLimit = 0
            // Frozen at the same instant in both runs, so that time-derived fields compare equal.
            c.frozenClockMillis = Self.frozen
        }
    }

    static func call(
        _ app: MailDouble,
        _ method: String,
        _ target: String,
        headers: [String] = [],
        body: String = ""
    )
        throws -> (status: Int, body: String)
    {
        try VendorContractTests.call(app, method, target, headers: headers, body: body)
    }

    static let postflare = ["Authorization: Bearer re_test_maildouble_full", "Content-Type: application/json"]
    static let flowdock = ["Authorization: Bearer maildouble-flowdock-token", "Content-Type: application/json"]
    static let media = "application/vnd.flowmailer.v1.12+json"

    static func flowmailerToken(_ app: MailDouble) throws -> String {
        let token = try call(
            app,
            "POST",
            "/oauth/token",
            headers: ["Content-Type: application/x-www-form-urlencoded"],
            body: "client_id=maildouble&client_secret=maildouble-secret&grant_type=client_credentials&scope=api"
        )
        return try #require(try JSON.parse(Array(token.body.utf8))["access_token"]?.stringValue)
    }

    /// What a client sees of every vendor: the bodies of reads that cover the state the test made.
    static func views(_ app: MailDouble, emailId: String) throws -> [String] {
        let fm = ["Authorization: Bearer \(try flowmailerToken(app))", "Accept: \(media)"]
        return [
            try inspected(app),
            try call(app, "GET", "/emails/\(emailId)", headers: postflare).body,
            try call(app, "GET", "/emails", headers: postflare).body,
            try call(app, "GET", "/545/messages?range=items=0-100", headers: fm).body,
            try call(app, "GET", "/flows/acme/my-flow/messages", headers: flowdock).body,
            try call(app, "GET", "/_emulator/tenants").body,
            try call(app, "GET", "/_emulator/clock").body,
        ]
    }

    /// The inspected messages without their change-feed `seq` (the feed is this process's event log, not
    /// state: a restart starts it afresh), by id (messages stored at one instant are ordered by that seq).
    static func inspected(_ app: MailDouble) throws -> String {
        let all = try JSON.parse(Array(try call(app, "GET", "/_emulator/messages").body.utf8))["data"]?.arrayValue ?? []
        let stripped = all.compactMap { m -> (String, JSON)? in
            guard var o = m.objectValue, let id = o["id"]?.stringValue else { return nil }
            o["seq"] = nil
            return (id, .object(o))
        }
        return JSON.array(stripped.sorted { $0.0 < $1.0 }.map(\.1)).text
    }

    @Test func aRestartKeepsEveryVendorsStateTheClockAndIdempotencyKeys() throws {
        let dir = MailDoubleTests.makeStateDirectory() + "/data"
        let app = try Self.start(dataDir: dir)
        #expect(!app.restoredState)
        let sendBody = #"{"from":"hello@example.org","to":["delivered@resend.dev"],"subject":"Kept","text":"t"}"#
        let sent = try Self.call(
            app,
            "POST",
            "/emails",
            headers: Self.postflare + ["Idempotency-Key: k-1"],
            body: sendBody
        )
        #expect(sent.status == 200)
        let emailId = try #require(try JSON.parse(Array(sent.body.utf8))["id"]?.stringValue)
        let token = try Self.flowmailerToken(app)
        let submit = try Self.call(
            app,
            "POST",
            "/545/messages/submit",
            headers: ["Authorization: Bearer \(token)", "Content-Type: \(Self.media)", "Accept: \(Self.media)"],
            body:
                #"{"messageType":"EMAIL","senderAddress":"shop@example.com","recipientAddress":"ada@example.com","subject":"Order","text":"Thanks"}"#
        )
        #expect(submit.status == 201)
        let chat = try Self.call(
            app,
            "POST",
            "/flows/acme/my-flow/messages",
            headers: Self.flowdock,
            body: #"{"event":"message","content":"Kept in the flow"}"#
        )
        #expect(chat.status == 201)
        #expect(try Self.call(app, "POST", "/_emulator/tenants", body: #"{"name":"kept-tenant"}"#).status == 201)
        #expect(try Self.call(app, "POST", "/_emulator/clock/advance?seconds=90").status == 200)
        let before = try Self.views(app, emailId: emailId)
        MailDoubleTests.stop(app)
        #expect(app.persistenceError == nil)

        let again = try Self.start(dataDir: dir)
        defer { MailDoubleTests.stop(again) }
        #expect(again.restoredState)
        let after = try Self.views(again, emailId: emailId)
        for (b, a) in zip(before, after) { #expect(a == b) }
        #expect(after[0].contains("Kept in the flow") && after[0].contains("Order") && after[0].contains("Kept"))
        // The idempotency key still answers with the first send's id (within its 24 h).
        let replay = try Self.call(
            again,
            "POST",
            "/emails",
            headers: Self.postflare + ["Idempotency-Key: k-1"],
            body: sendBody
        )
        #expect(try JSON.parse(Array(replay.body.utf8))["id"]?.stringValue == emailId)
    }

    @Test func aDamagedStateFileStopsStartUpWithAMessageNamingIt() throws {
        let dir = MailDoubleTests.makeStateDirectory()
        let app = try Self.start(dataDir: dir)
        #expect(
            try Self.call(
                app,
                "POST",
                "/flows/acme/my-flow/messages",
                headers: Self.flowdock,
                body: #"{"event":"message","content":"x"}"#
            )
            .status == 201
        )
        MailDoubleTests.stop(app)
        let path = dir + "/" + FileStateStore.fileName
        let good = try #require(Self.read(path))
        var wrongVersion = good
        wrongVersion[8] = 99
        let cases: [(bytes: [UInt8], says: String)] = [
            (Array(good[0..<(good.count / 2)]), "truncated"),
            (Array("not a state file at all, just text".utf8), "not a MailDouble state file"),
            (wrongVersion, "format version 99"),
            (good.enumerated().map { $0.offset == good.count - 10 ? $0.element ^ 0xFF : $0.element }, "checksum"),
        ]
        for (bytes, says) in cases {
            Self.write(path, bytes)
            do {
                let started = try Self.start(dataDir: dir)
                MailDoubleTests.stop(started)
                Issue.record("started on a damaged file (\(says))")
            } catch {
                let text = "\(error)"
                #expect(text.contains(path) && text.contains(says), "\(text)")
            }
        }
    }

    @Test func aCrashMidCommitLeavesThePreviousState() throws {
        let dir = MailDoubleTests.makeStateDirectory()
        let store = try FileStateStore(directory: dir)
        #expect(try store.load().isEmpty)
        try store.commit(["a": [1, 2, 3], "b": []])
        #expect(try store.load() == ["a": [1, 2, 3], "b": []])
        // A commit that died while writing its temporary file: the state is still the last commit's.
        Self.write(store.path + ".tmp", Array(FileStateStore.encode(["a": [9, 9, 9, 9]]).prefix(20)))
        #expect(try store.load() == ["a": [1, 2, 3], "b": []])
        // The next commit writes over the leftover and replaces the state whole.
        try store.commit(["c": Array(repeating: 7, count: 100_000)])
        #expect(try store.load() == ["c": Array(repeating: 7, count: 100_000)])
    }

    @Test func aStoreReadsBackEveryPartAndRefusesEveryCutOfItsFile() throws {
        let dir = MailDoubleTests.makeStateDirectory()
        let store = try FileStateStore(directory: dir)
        let parts: [String: [UInt8]] = [
            "big": (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }, "e": [], "s": [1],
        ]
        try store.commit(parts)
        #expect(try store.load() == parts)
        let good = try #require(Self.read(store.path))
        for cut in [0, 7, 19, 20, 30, good.count / 2, good.count - 1] {
            Self.write(store.path, Array(good[0..<cut]))
            #expect(throws: StateStoreError.self) { try store.load() }
        }
        Self.write(store.path, good + [0])
        #expect(throws: StateStoreError.self) { try store.load() }
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            out += chunk[0..<n]
        }
        return out
    }

    static func write(_ path: String, _ bytes: [UInt8]) {
        let f = fopen(path, "wb")!
        fwrite(bytes, 1, bytes.count, f)
        fclose(f)
    }
}
