// SPDX-License-Identifier: Apache-2.0
import ControlPlane
import EmulatorKit
import HTTPCore
import MailDoubleApp
import Routing
import Testing

/// The arrival-order walk (`Vendor.oldestMessages`) behind `GET /_emulator/messages` and `messages/wait`:
/// each vendor's walk agrees with its full inspection, keyset cursors page through every match once, and the
/// term index behind `to=` stays right across eviction, tenant reset, forgetting and a restart from the state
/// file.
@Suite struct ArrivalOrderTests {
    static func get(_ app: MailDouble, _ target: String) -> Response {
        app.dispatcher.respond(to: Request(method: .GET, target: target))
    }

    static func ids(_ app: MailDouble, _ target: String) throws -> [String] {
        let r = get(app, target)
        #expect(r.status == .ok, "\(target): \(String(decoding: r.body, as: UTF8.self))")
        return try InboxTests.ids(r)
    }

    /// The answer of an already satisfied `messages/wait` (a deferred response, completed before it returns).
    static func waited(_ app: MailDouble, _ target: String) async throws -> [String] {
        let promise = try #require(get(app, target).deferred)
        #expect(promise.isCompleted, "\(target) is satisfied at once")
        let r = await promise.value
        #expect(r.status == .ok)
        return try InboxTests.ids(r)
    }

    static func postFlowdock(_ app: MailDouble, _ content: String) {
        let r = app.dispatcher.respond(
            to: Request(
                method: .POST,
                target: "/flows/acme/my-flow/messages",
                headers: ["Authorization": "Bearer maildouble-flowdock-token", "Content-Type": "application/json"],
                body: Array(#"{"event":"message","content":"\#(content)"}"#.utf8)
            )
        )
        #expect(r.status == .created)
    }

    static func walk(
        _ vendor: any Vendor,
        _ filter: MessageFilter = MessageFilter(),
        resume: MessageResume? = nil,
        limit: Int = 10_000
    ) -> [MessageRun] {
        vendor.oldestMessages(tenant: nil, filter: filter, resume: resume, limit: limit) { _ in true }
    }

    /// What a filter must give in one vendor: its inspected messages that pass, by list (tenant or flow).
    static func expected(_ vendor: any Vendor, _ keep: (InspectedMessage) -> Bool) -> Set<String> {
        Set(vendor.inspectMessages(tenant: nil).filter(keep).map(\.id))
    }

    static func bare(_ mailbox: String) -> String { MessageTerms.bareAddress(mailbox).lowercased() }

    /// For every vendor (the example one too): the walk holds what inspection holds, each list in creation
    /// order; each of the fixtures' and sends' recipients, senders, subjects and a word of their texts, used
    /// as a filter, gives exactly the inspected messages that have it; a limit and a resume point cut each
    /// list where they say.
    @Test func everyVendorsWalkAgreesWithItsInspection() throws {
        let app = try MessageWaitersTests.app()
        let a = try MessageWaitersTests.send(app, to: "Ann <Ann@acme.io>", subject: "First")
        _ = try MessageWaitersTests.send(app, to: "bob@acme.io", subject: "Second")
        let a2 = try MessageWaitersTests.send(app, to: "ann@acme.io", subject: "Third")
        Self.postFlowdock(app, "Hello flow")
        Self.postFlowdock(app, "Deploy finished for ann@acme.io")
        let clock = EmulatorClock(frozenAtMillis: 1_767_225_600_000)
        let pigeon = PigeonAPI(clock: clock, changes: ChangeFeed(clock: clock))
        for (to, text) in [("roof", "coo"), ("attic", "Coo coo"), ("roof", "rain")] {
            pigeon.notes.withLock { $0.append(.init(id: "n\($0.count)", to: to, text: text, at: clock.now())) }
        }
        var checked = 0
        for vendor in app.vendors + [pigeon] {
            let all = Self.walk(vendor)
            let inspected = vendor.inspectMessages(tenant: nil)
            #expect(Set(all.flatMap { $0.messages.map(\.id) }) == Set(inspected.map(\.id)), "\(vendor.name)")
            #expect(all.flatMap(\.messages).count == inspected.count, "\(vendor.name): each message once")
            for run in all {
                #expect(run.messages.map(\.created) == run.messages.map(\.created).sorted(), "\(vendor.name)")
                #expect(Set(run.messages.map(\.tenant)).count <= 1, "\(vendor.name): a list is one tenant's")
            }
            for m in inspected {
                for r in m.to + m.cc + m.bcc {
                    let got = Set(
                        Self.walk(vendor, MessageFilter(recipient: Self.bare(r))).flatMap(\.messages).map(\.id)
                    )
                    #expect(
                        got.isSuperset(
                            of: Self.expected(vendor) { ($0.to + $0.cc + $0.bcc).map(Self.bare).contains(Self.bare(r)) }
                        )
                    )
                    #expect(got.contains(m.id), "\(vendor.name) to=\(r)")
                }
                if let from = m.from {
                    let got = Set(Self.walk(vendor, MessageFilter(from: Self.bare(from))).flatMap(\.messages).map(\.id))
                    #expect(got.isSuperset(of: Self.expected(vendor) { Self.bare($0.from ?? "") == Self.bare(from) }))
                }
                if let subject = m.subject {
                    let got = Set(Self.walk(vendor, MessageFilter(subject: subject)).flatMap(\.messages).map(\.id))
                    #expect(got.isSuperset(of: Self.expected(vendor) { $0.subject == subject }), "\(vendor.name)")
                }
                if let word = m.text?.split(separator: " ").first.map({ $0.lowercased() }) {
                    let got = Set(Self.walk(vendor, MessageFilter(text: word)).flatMap(\.messages).map(\.id))
                    #expect(got.contains(m.id), "\(vendor.name) q=\(word)")
                }
                checked += 1
            }
            // A limit cuts every list at its first matches; a resume point right after a message.
            for run in all where run.messages.count >= 2 {
                let first = try #require(Self.walk(vendor, limit: 1).first { $0.list == run.list })
                #expect(first.messages.map(\.id) == [run.messages[0].id], "\(vendor.name)")
                let after = MessageResume(list: run.list, id: run.messages[0].id) { _, _, _ in false }
                let rest = try #require(Self.walk(vendor, resume: after).first { $0.list == run.list })
                #expect(rest.messages.map(\.id) == run.messages.dropFirst().map(\.id), "\(vendor.name)")
            }
            // A resume point no message is after: nothing.
            let none = MessageResume(list: nil, id: nil) { _, _, _ in false }
            #expect(Self.walk(vendor, resume: none).allSatisfy { $0.messages.isEmpty }, "\(vendor.name)")
        }
        #expect(checked > 10)
        // The filters are pre-filters only where a vendor cannot test them: exact here for Postflare.
        let postflare = try #require(app.vendors.first { $0.name == "postflare" })
        #expect(Self.walk(postflare, MessageFilter(recipient: "ann@acme.io")).flatMap(\.messages).map(\.id) == [a, a2])
        #expect(Self.walk(pigeon, MessageFilter(recipient: "roof")).flatMap(\.messages).map(\.id) == ["n0", "n2"])
        #expect(Self.walk(pigeon, MessageFilter(text: "coo")).flatMap(\.messages).map(\.id) == ["n0", "n1"])
    }

    /// Keyset cursors: following `next` gives the one-page listing again, across vendors and with a filter;
    /// an old numeric cursor still works as an offset; anything else is a 400.
    @Test func keysetCursorsPageThroughEveryMatchOnce() async throws {
        let app = try MessageWaitersTests.app()
        var sent: [String] = []
        for i in 0..<7 {
            sent.append(try MessageWaitersTests.send(app, to: i % 2 == 0 ? "even@acme.io" : "odd\(i)@acme.io"))
        }
        Self.postFlowdock(app, "Hello flow")
        let everything = try Self.ids(app, "/_emulator/messages?limit=1000")
        #expect(everything.count > 8, "the fixtures come too")
        for size in [1, 2, 5] {
            let paged = try InboxTests.allPages(app, "/_emulator/messages?limit=\(size)")
            #expect(paged == everything, "pages of \(size)")
        }
        #expect(
            try InboxTests.allPages(app, "/_emulator/messages?to=even@acme.io&limit=3") == [
                sent[0], sent[2], sent[4], sent[6],
            ]
        )
        #expect(try InboxTests.allPages(app, "/_emulator/messages?vendor=postflare&limit=2") == sent)
        let page = try JSON.parse(Self.get(app, "/_emulator/messages?vendor=postflare&limit=2").body)
        let next = try #require(page["next"]?.stringValue)
        #expect(Int(next) == nil, "a keyset cursor, not an offset: \(next)")
        #expect(try Self.ids(app, "/_emulator/messages?vendor=postflare&limit=2&cursor=3") == Array(sent[3..<5]))
        for bad in ["garbage", "-1", "k", "k!!", "kAAAA"] {
            #expect(Self.get(app, "/_emulator/messages?cursor=\(bad)").status == .badRequest, "\(bad)")
        }
        // The cursor's own message gone: the next page starts at the first later one.
        let first = try JSON.parse(Self.get(app, "/_emulator/messages?vendor=postflare&limit=1").body)
        let cursor = try #require(first["next"]?.stringValue)
        let forget = Request(method: .DELETE, target: "/_emulator/messages?vendor=postflare")
        _ = app.dispatcher.respond(to: forget)
        #expect(try Self.ids(app, "/_emulator/messages?vendor=postflare&cursor=\(cursor)").isEmpty)
        let again = try MessageWaitersTests.send(app, to: "even@acme.io")
        #expect(try Self.ids(app, "/_emulator/messages?vendor=postflare&cursor=\(cursor)") == [again])
        // `since=N` starts the walk after change N.
        let mark = app.changes.lastSeq
        let later = try MessageWaitersTests.send(app, to: "even@acme.io")
        #expect(try Self.ids(app, "/_emulator/messages?since=\(mark)") == [later])
        #expect(try await Self.waited(app, "/_emulator/messages/wait?to=even@acme.io&since=\(mark)&count=1") == [later])
    }

    /// `to=` through the term index against a check of every message, after evicting (`--max-messages`),
    /// resetting a tenant and forgetting; and a satisfied wait takes the same path.
    @Test func theRecipientIndexFollowsEvictionResetAndForgetting() async throws {
        var c = AppConfiguration()
        c.httpsPort = nil
        c.httpPort = 0
        c.threads = 1
        c.stateDirectory = MailDoubleTests.makeStateDirectory()
        c.fixturesDirectory = MailDoubleTests.fixturesDirectory
        c.postflareWebhooks = false
        c.postflareRateLimit = 0
        c.frozenClockMillis = 1_767_225_600_000
        c.maxMessages = 5
        let app = try MailDouble(configuration: c)
        var sent: [String] = []
        for i in 0..<12 {
            sent.append(try MessageWaitersTests.send(app, to: i < 6 ? "early\(i)@acme.io" : "late@acme.io"))
        }
        for i in 0..<6 { #expect(try Self.ids(app, "/_emulator/messages?to=early\(i)@acme.io").isEmpty, "evicted") }
        let kept = Array(sent.suffix(5))
        #expect(try Self.ids(app, "/_emulator/messages?to=late@acme.io") == kept)
        #expect(
            try await Self.waited(app, "/_emulator/messages/wait?to=late@acme.io&count=2&limit=2")
                == Array(kept.prefix(2))
        )
        #expect(try Self.ids(app, "/_emulator/messages?to=LATE@acme.io&limit=2&cursor=3") == Array(kept.suffix(2)))

        // A tenant reset puts the team back to its fixtures (no e-mails), and the index with it.
        let team = try #require(app.vendors.first { $0.name == "postflare" }?.tenants.first)
        let reset = app.dispatcher.respond(
            to: Request(method: .POST, target: "/_emulator/reset?vendor=postflare&tenant=\(team)")
        )
        #expect(reset.status == .ok)
        #expect(try Self.ids(app, "/_emulator/messages?to=late@acme.io").isEmpty)
        let fresh = try MessageWaitersTests.send(app, to: "late@acme.io")
        #expect(try Self.ids(app, "/_emulator/messages?to=late@acme.io") == [fresh])

        // Forgetting empties it; what comes after is found again.
        _ = app.dispatcher.respond(to: Request(method: .DELETE, target: "/_emulator/messages?vendor=postflare"))
        #expect(try Self.ids(app, "/_emulator/messages?to=late@acme.io").isEmpty)
        let after = try MessageWaitersTests.send(app, to: "Late <late@acme.io>")
        #expect(try Self.ids(app, "/_emulator/messages?to=late@acme.io") == [after])
        #expect(try Self.ids(app, "/_emulator/messages?from=hi@example.org&subject=Hello") == [after])
    }

    /// A restart from the state file (`--data-dir`) decodes the tables, and their index with them.
    @Test func theRecipientIndexIsBackAfterARestartFromTheStateFile() throws {
        let dir = MailDoubleTests.makeStateDirectory()
        var sent: [String] = []
        do {
            let app = try PersistenceTests.start(dataDir: dir)
            for i in 0..<4 {
                sent.append(try MessageWaitersTests.send(app, to: i == 2 ? "one@acme.io" : "many@acme.io"))
            }
            MailDoubleTests.stop(app)
        }
        let app = try PersistenceTests.start(dataDir: dir)
        defer { MailDoubleTests.stop(app) }
        #expect(try Self.ids(app, "/_emulator/messages?to=one@acme.io") == [sent[2]])
        #expect(try Self.ids(app, "/_emulator/messages?to=many@acme.io") == [sent[0], sent[1], sent[3]])
        let next = try MessageWaitersTests.send(app, to: "one@acme.io")
        #expect(try Self.ids(app, "/_emulator/messages?to=one@acme.io") == [sent[2], next])
    }
}
