// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import Testing

/// A message-like row: indexed under its recipients.
private struct Mail: OrderedRow, Equatable {
    var id: String
    var key: Int
    var to: [String]
    var rowID: String { id }
    var orderKey: Int { key }
    static var indexesTerms: Bool { true }
    var indexTerms: [UInt64] { to.map(MessageTerms.recipient) }
}

/// What the term index must answer: the positions of the rows to `address`, by looking at every row.
private func scanned(_ t: OrderedTable<Mail>, _ address: String, from start: Int = 0) -> [Int] {
    let hash = MessageTerms.recipient(address)
    return t.values.indices.filter { $0 >= start && t.values[$0].to.contains { MessageTerms.recipient($0) == hash } }
}

private func looked(_ t: OrderedTable<Mail>, _ address: String, from start: Int = 0) -> [Int] {
    var out: [Int] = []
    t.forEachPosition(withTerm: MessageTerms.recipient(address), from: start) { p in
        out.append(p)
        return true
    }
    return out
}

@Suite struct TermIndexTests {
    static let addresses = ["a@acme.io", "b@acme.io", "c@acme.io", "shared@acme.io", "solo@acme.io"]

    private func check(_ t: OrderedTable<Mail>, _ step: String) {
        for a in Self.addresses {
            #expect(looked(t, a) == scanned(t, a), "\(a) after \(step)")
            #expect(t.count(ofTerm: MessageTerms.recipient(a)) == scanned(t, a).count, "\(a) after \(step)")
            let middle = t.startPosition + t.count / 2
            #expect(looked(t, a, from: middle) == scanned(t, a, from: middle), "\(a) from the middle after \(step)")
        }
    }

    /// Every mutation an `OrderedTable` has — appends, out-of-order inserts, replacements, moves, edits,
    /// removals in the middle and evictions from the front across compactions — keeps the index equal to a
    /// scan. A fixed pseudo-random sequence, so a failure replays.
    @Test func theIndexAgreesWithAScanAfterEveryKindOfChange() {
        var t = OrderedTable<Mail>()
        var rng: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ n: Int) -> Int {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((rng >> 33) % UInt64(n))
        }
        var serial = 0
        func mail(key: Int) -> Mail {
            serial += 1
            let to = (0...next(2)).map { _ in Self.addresses[next(Self.addresses.count)] }
            return Mail(id: "m\(serial)", key: key, to: to)
        }
        for round in 0..<600 {
            let ids = t.values.map(\.id)
            switch next(8) {
            case 0, 1, 2: t.upsert(mail(key: (t.values.last?.key ?? 0) + 1))  // the usual append
            case 3: t.upsert(mail(key: next(max(1, (t.values.last?.key ?? 0) + 1))))  // sorts earlier
            case 4:
                if let id = ids.isEmpty ? nil : ids[next(ids.count)] { t[id] = nil }  // anywhere
            case 5: t.removeFirst(next(4))  // eviction
            case 6:
                if let id = ids.isEmpty ? nil : ids[next(ids.count)] {
                    t.modify(id) { $0.to = [Self.addresses[next(Self.addresses.count)]] }  // new recipients
                }
            default:
                if let id = ids.isEmpty ? nil : ids[next(ids.count)] {
                    t.modify(id) { $0.key += next(3) }  // moves it (or not)
                }
            }
            check(t, "round \(round)")
        }
        #expect(t.count > 10, "the sequence keeps rows around")
        t.removeAll()
        check(t, "removeAll")
    }

    /// A capped table that evicts its oldest row on every insert (`--max-messages`): a recipient on every row
    /// and one on a single row stay right across many compactions.
    @Test func evictingOnEveryInsertKeepsTheIndexRight() {
        var t = OrderedTable<Mail>()
        for i in 0..<5_000 {
            t.upsert(Mail(id: "m\(i)", key: i, to: i == 1_000 || i == 4_800 ? ["solo@acme.io"] : ["shared@acme.io"]))
            if t.count > 300 { t.removeFirst() }
        }
        #expect(looked(t, "shared@acme.io") == scanned(t, "shared@acme.io"))
        #expect(looked(t, "shared@acme.io").count == 299)
        #expect(looked(t, "solo@acme.io").map { t.values[$0].id } == ["m4800"])
        #expect(t.count(ofTerm: MessageTerms.recipient("nobody@acme.io")) == 0)
    }

    /// The hash folds ASCII case and takes the bare address, as the control plane compares recipients.
    @Test func recipientTermsAreTheBareAddressInAnyCase() {
        #expect(MessageTerms.recipient("Ann <Ann@Acme.IO>") == MessageTerms.recipient("ann@acme.io"))
        #expect(MessageTerms.recipient("  ann@acme.io ") == MessageTerms.recipient("ann@acme.io"))
        #expect(MessageTerms.recipient("Ünal <ÜNAL@acme.io>") == MessageTerms.recipient("ünal@acme.io"))
        #expect(MessageTerms.recipient("ann@acme.io") != MessageTerms.recipient("anne@acme.io"))
        #expect(MessageTerms.recipient("ann@acme.io") != MessageTerms.from("ann@acme.io"))
        #expect(MessageTerms.subject("Hi") != MessageTerms.subject("hi"))
    }

    /// `q`'s pre-filter: a case-folding byte search that never says no where `lowercased().contains` says yes.
    @Test func theTextPreFilterNeverMissesAMatch() {
        let cases: [(String, String, Bool)] = [
            ("Deploy finished for Customer.Account@acme.io", "customer.account@acme.io", true),
            ("Deploy finished", "deploy f", true),
            ("Deploy finished", "finished!", false),
            ("ab", "abc", false),
            ("", "a", false),
            ("Ünal wrote", "ünal", true),
            ("ÉCOLE", "école", true),
            ("\u{212A}elvin", "kelvin", true),  // KELVIN SIGN lower-cases to an ASCII k
        ]
        for (haystack, needle, expected) in cases {
            #expect(MessageFilter.containsFolded(haystack, needle) == expected, "\(haystack) / \(needle)")
            #expect(haystack.lowercased().contains(needle) == expected, "the exact test agrees: \(haystack)")
        }
    }
}
