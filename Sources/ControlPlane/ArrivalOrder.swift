// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// The arrival-order walk behind `GET /_emulator/messages` (the default `order=asc`) and
/// `GET /_emulator/messages/wait`, at a cost that does not grow with the number of stored messages.
///
/// Order: by the change-feed sequence number a message was stored at (0 for fixtures and for messages whose
/// `message.stored` change the feed no longer holds), then creation time, then vendor (in wiring order), then
/// list (tenant, Flowdock flow), then the list's stored order. Each vendor walks its lists from the start
/// (`Vendor.oldestMessages`), taking at most as many matches per list as the page needs, through its term
/// index for `to`, `from` and `subject`; the lists are merged by that key, keeping each list's own order.
///
/// The cursor is a keyset one: the last message given (its key, vendor, list and id), opaque to clients. Its
/// own list resumes right after it; every other list at its first message with a later key (a binary search).
/// An old numeric cursor (an offset, before 2026-12-03) still works as an offset into the matches — it walks
/// that many, so it costs what it skips.
struct ArrivalOrder: Sendable {
    typealias Item = (message: InspectedMessage, seq: UInt64)

    let vendors: [any Vendor]
    let seqs: StoredSeqIndex

    /// A position in the order: the last message a page gave.
    struct Cursor: Equatable {
        var seq: UInt64
        var created: Int64
        var vendor: String
        var list: String
        var id: String

        /// `k` + base64url of the fields, NUL-separated (ids, lists and vendor names hold no NUL).
        var encoded: String {
            let text = [String(seq), String(created), vendor, list, id].joined(separator: "\u{0}")
            var b64 = Base64.encode(Array(text.utf8))
            while b64.hasSuffix("=") { b64.removeLast() }
            return "k" + String(b64.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
        }

        init(seq: UInt64, created: Int64, vendor: String, list: String, id: String) {
            self.seq = seq
            self.created = created
            self.vendor = vendor
            self.list = list
            self.id = id
        }

        init?(_ text: String) {
            guard text.hasPrefix("k") else { return nil }
            var b64 = String(text.dropFirst().map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
            while b64.utf8.count % 4 != 0 { b64 += "=" }
            guard let bytes = Base64.decode(b64), let decoded = String(validating: bytes, as: UTF8.self) else {
                return nil
            }
            let parts = decoded.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 5, let seq = UInt64(parts[0]), let created = Int64(parts[1]) else { return nil }
            self.init(seq: seq, created: created, vendor: parts[2], list: parts[3], id: parts[4])
        }
    }

    /// What a page or a wait starts from: a cursor, an old offset, or the start.
    enum Start {
        case beginning
        case after(Cursor)
        case offset(Int)
    }

    /// Up to `limit` matches in arrival order from `start`, each with the list it came from (for the cursor).
    func walk(
        _ query: MessageQuery,
        from start: Start = .beginning,
        limit: Int,
        onlyVendor: String? = nil
    ) -> [(item: Item, cursor: Cursor)] {
        var skip = 0
        var cursor: Cursor?
        switch start {
        case .beginning: break
        case .after(let c): cursor = c
        case .offset(let n): skip = n
        }
        let wanted = skip + limit
        let seqs = self.seqs.all()
        let filter = MessageFilter(recipient: query.to, from: query.from, subject: query.subject, text: query.text)
        struct Run {
            var vendor: Int
            var list: String
            var items: [Item]
            var next = 0
        }
        var runs: [Run] = []
        for (vi, vendor) in vendors.enumerated() where query.vendor == nil || query.vendor == vendor.name {
            if let onlyVendor, vendor.name != onlyVendor { continue }
            var tenant: String?
            if query.tenant != nil {
                guard let native = query.nativeTenants[vendor.name] else { continue }
                tenant = native
            }
            let name = vendor.name
            let cursorVendor = cursor.flatMap { c in vendors.firstIndex { $0.name == c.vendor } }
            let since = query.sinceSeq
            // After the cursor's key, in the order above; with `since=N`, only what was stored after change N
            // (stored order is sequence order there, so this stays false-then-true along a list).
            let isAfter = { (list: String, id: String, created: Timestamp) -> Bool in
                let seq = seqs[ControlPlane.key(name, id)] ?? 0
                if let since, seq <= since { return false }
                guard let c = cursor else { return true }
                if seq != c.seq { return seq > c.seq }
                if created.millis != c.created { return created.millis > c.created }
                let cv = cursorVendor ?? -1
                if vi != cv { return vi > cv }
                return list > c.list
            }
            let resume =
                cursor == nil && since == nil
                ? nil
                : MessageResume(list: cursor?.vendor == name ? cursor?.list : nil, id: cursor?.id, isAfter: isAfter)
            let lists = vendor.oldestMessages(tenant: tenant, filter: filter, resume: resume, limit: wanted) { m in
                query.matches(m, seq: seqs[ControlPlane.key(m.vendor, m.id)] ?? 0)
            }
            for run in lists where !run.messages.isEmpty {
                runs.append(
                    Run(
                        vendor: vi,
                        list: run.list,
                        items: run.messages.map { ($0, seqs[ControlPlane.key($0.vendor, $0.id)] ?? 0) }
                    )
                )
            }
        }
        runs.sort { a, b in a.vendor != b.vendor ? a.vendor < b.vendor : a.list < b.list }
        // Merge: repeatedly the list whose next message has the smallest key; ties go to the earlier list.
        var out: [(item: Item, cursor: Cursor)] = []
        while out.count < wanted {
            var best: Int?
            for r in runs.indices where runs[r].next < runs[r].items.count {
                guard let b = best else {
                    best = r
                    continue
                }
                let x = runs[r].items[runs[r].next]
                let y = runs[b].items[runs[b].next]
                if x.seq != y.seq ? x.seq < y.seq : x.message.created < y.message.created { best = r }
            }
            guard let b = best else { break }
            let item = runs[b].items[runs[b].next]
            runs[b].next += 1
            let at = Cursor(
                seq: item.seq,
                created: item.message.created.millis,
                vendor: vendors[runs[b].vendor].name,
                list: runs[b].list,
                id: item.message.id
            )
            out.append((item, at))
        }
        return Array(out.dropFirst(skip))
    }
}
