// SPDX-License-Identifier: Apache-2.0

/// The hashes under which a vendor's message table indexes a message (`OrderedRow.indexTerms`), and under
/// which a `MessageFilter` looks it up. A term is the kind plus the text the control plane compares: a
/// recipient's or the sender's bare address lower-cased (as `MessageFilter` gives them), the exact subject.
/// FNV-1a over the UTF-8 bytes, so hashing a mailbox folds ASCII case on the fly instead of building a
/// lower-cased copy.
public enum MessageTerms {
    public static func recipient(_ mailbox: String) -> UInt64 { address(mailbox, kind: 1) }
    public static func from(_ mailbox: String) -> UInt64 { address(mailbox, kind: 2) }
    public static func subject(_ subject: String) -> UInt64 { hash(subject.utf8, kind: 3, folding: false) }

    /// The bare address of `Name <a@b>` (or the text itself without surrounding spaces), case kept.
    public static func bareAddress(_ mailbox: String) -> Substring {
        // The UTF-8 view: `String.lastIndex(of:)` walks grapheme clusters (~7k instructions a mailbox).
        let bytes = mailbox.utf8
        if let open = bytes.lastIndex(of: UInt8(ascii: "<")), let close = bytes.lastIndex(of: UInt8(ascii: ">")),
            open < close
        {
            return mailbox[bytes.index(after: open)..<close]
        }
        guard let start = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
            let end = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })
        else { return "" }
        return mailbox[start...end]
    }

    static func address(_ mailbox: String, kind: UInt8) -> UInt64 {
        let bare = bareAddress(mailbox)
        // Folding ASCII is what `lowercased()` does to ASCII text; anything else goes through it.
        guard bare.utf8.allSatisfy({ $0 < 0x80 }) else {
            return hash(bare.lowercased().utf8, kind: kind, folding: false)
        }
        return hash(bare.utf8, kind: kind, folding: true)
    }

    static func hash(_ bytes: some Sequence<UInt8>, kind: UInt8, folding: Bool) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        h = (h ^ UInt64(kind)) &* 0x0000_0100_0000_01b3
        for var b in bytes {
            if folding, b >= 0x41, b <= 0x5A { b |= 0x20 }
            h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3
        }
        return h
    }
}

/// The selective filters of an arrival-order walk (`Vendor.oldestMessages`), which a vendor can test on what
/// it stores before it builds an `InspectedMessage`, or look up in its tables' term index. Only a pre-filter:
/// the walk's `include` still decides, so a vendor that cannot test one cheaply lets it pass.
public struct MessageFilter: Sendable {
    /// A bare address, lower-cased: one of the message's `to`, `cc`, `bcc`.
    public var recipient: String?
    /// A bare address, lower-cased: the message's `from`.
    public var from: String?
    /// The exact subject.
    public var subject: String?
    /// Lower-cased text to find in the subject or the text body.
    public var text: String? {
        didSet { needle = Array((text ?? "").utf8) }
    }
    /// `text`'s bytes, taken once: a scan tests them against every stored message.
    var needle: [UInt8] = []

    public init(recipient: String? = nil, from: String? = nil, subject: String? = nil, text: String? = nil) {
        self.recipient = recipient
        self.from = from
        self.subject = subject
        self.text = text
        needle = Array((text ?? "").utf8)
    }

    /// The index terms the filter needs a message to hold (all of them).
    public var terms: [UInt64] {
        var out: [UInt64] = []
        if let recipient { out.append(MessageTerms.recipient(recipient)) }
        if let from { out.append(MessageTerms.from(from)) }
        if let subject { out.append(MessageTerms.subject(subject)) }
        return out
    }

    /// Whether a message with these fields can pass (nil arguments: not known cheaply, so not tested).
    public func passes(
        from messageFrom: String?? = nil,
        recipients: [String]? = nil,
        subject messageSubject: String?? = nil,
        text messageText: String?? = nil
    ) -> Bool {
        if let recipient, let recipients {
            let hash = MessageTerms.recipient(recipient)
            guard recipients.contains(where: { MessageTerms.recipient($0) == hash }) else { return false }
        }
        if let from, let messageFrom {
            guard MessageTerms.from(messageFrom ?? "") == MessageTerms.from(from) else { return false }
        }
        if let subject, let messageSubject, messageSubject != subject { return false }
        if let text, let messageSubject, let messageText {
            guard
                Self.containsFolded(messageSubject ?? "", text, needle)
                    || Self.containsFolded(messageText ?? "", text, needle)
            else { return false }
        }
        return true
    }

    /// Whether `haystack.lowercased()` may contain `needle` (lower-cased): a byte search that folds ASCII case
    /// without a copy; a haystack or needle with other bytes also gets the exact test.
    public static func containsFolded(_ haystack: String, _ needle: String) -> Bool {
        containsFolded(haystack, needle, Array(needle.utf8))
    }

    static func containsFolded(_ haystack: String, _ needle: String, _ n: [UInt8]) -> Bool {
        guard !n.isEmpty else { return true }
        // nil: found; true: not found and every byte ASCII (the search was exact); false: look again, exactly.
        let verdict =
            haystack.utf8.withContiguousStorageIfAvailable { h -> Bool? in
                var ascii = true
                var i = 0
                while i < h.count {
                    var b = h[i]
                    if b >= 0x80 { ascii = false }
                    if b >= 0x41, b <= 0x5A { b |= 0x20 }
                    if b == n[0], i + n.count <= h.count {
                        var j = 1
                        while j < n.count {
                            var c = h[i + j]
                            if c >= 0x41, c <= 0x5A { c |= 0x20 }
                            if c != n[j] { break }
                            j += 1
                        }
                        if j == n.count { return nil }
                    }
                    i += 1
                }
                return ascii
            } ?? false
        guard let plain = verdict else { return true }
        if plain, n.allSatisfy({ $0 < 0x80 }) { return false }
        return haystack.lowercased().contains(needle)
    }
}

/// Where an arrival-order walk starts (`Vendor.oldestMessages`): right after a message already given (a
/// keyset cursor), and at or after the first message `isAfter` holds for.
public struct MessageResume {
    /// The list (`MessageRun.list`) and id of the message a previous page ended with: that list resumes right
    /// after it while it is still stored.
    public var list: String?
    public var id: String?
    /// For a message of `list` with `id` and creation time: whether it comes after the start. False then true
    /// along each list's stored order, so a vendor may binary-search it.
    public var isAfter: (_ list: String, _ id: String, _ created: Timestamp) -> Bool

    public init(list: String?, id: String?, isAfter: @escaping (String, String, Timestamp) -> Bool) {
        self.list = list
        self.id = id
        self.isAfter = isAfter
    }
}

/// One list of an arrival-order walk: one tenant's messages (a Flowdock flow's), in the order they are
/// stored, which is their arrival order.
public struct MessageRun: Sendable {
    /// Names the list among the vendor's (a tenant's id, a Flowdock flow's id); the order between lists of
    /// equal arrival keys, and a cursor's anchor.
    public var list: String
    public var messages: [InspectedMessage]

    public init(list: String, messages: [InspectedMessage]) {
        self.list = list
        self.messages = messages
    }
}

extension OrderedTable {
    /// The arrival-order walk over one table for `Vendor.oldestMessages`: from the resume point, over the rows
    /// holding the filter's rarest index term when the table keeps a term index (else every row), testing
    /// `passes` on the row, then `include` on the message `build` makes, until `limit` are taken.
    @inlinable
    public func walkMessages(
        list: String,
        filter: MessageFilter,
        resume: MessageResume?,
        limit: Int,
        position: (String) -> Int?,
        key: (Row) -> (id: String, created: Timestamp),
        passes: (Row) -> Bool,
        build: (Row) -> InspectedMessage?,
        where include: (InspectedMessage) -> Bool
    ) -> [InspectedMessage] {
        var start = startPosition
        if let resume {
            if resume.list == list, let id = resume.id, let p = position(id) {
                start = p + 1
            } else {
                var lo = startPosition
                var hi = endPosition
                while lo < hi {
                    let mid = (lo + hi) / 2
                    let k = key(storage[mid])
                    if resume.isAfter(list, k.id, k.created) { hi = mid } else { lo = mid + 1 }
                }
                start = lo
            }
        }
        var out: [InspectedMessage] = []
        guard limit > 0, start < endPosition else { return out }
        func visit(_ slot: Int) -> Bool {
            // `storage[slot]` passed, not bound: the closures borrow the row, so a scan copies no row.
            guard passes(storage[slot]), let m = build(storage[slot]), include(m) else { return true }
            out.append(m)
            return out.count < limit
        }
        let terms = Row.indexesTerms ? filter.terms : []
        if let rarest = terms.min(by: { count(ofTerm: $0) < count(ofTerm: $1) }) {
            forEachPosition(withTerm: rarest, from: start, visit)
        } else {
            for slot in start..<endPosition where !visit(slot) { break }
        }
        return out
    }
}
