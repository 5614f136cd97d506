// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore
import Routing

/// A fourth vendor in a few lines: one route (`POST /pigeon/notes` stores a note, `GET /pigeon/notes/{id}`
/// shows it), one tenant, inspection, reset and snapshot — everything the app needs, with nothing of it
/// outside this file but the one line of wiring in the test.
final class PigeonAPI: Vendor {
    struct Note: Sendable, Equatable {
        var id: String
        var to: String
        var text: String
        var at: Timestamp
    }

    let name = "pigeon"
    let clock: EmulatorClock
    let changes: ChangeFeed
    let notes = Locked<[Note]>([])

    init(clock: EmulatorClock, changes: ChangeFeed) {
        self.clock = clock
        self.changes = changes
    }

    func makeRouter() -> Router {
        var r = Router()
        r.post("/pigeon/notes") { [self] request in
            let body = try? request.jsonBody()
            guard let to = body?["to"]?.stringValue, let text = body?["text"]?.stringValue else {
                throw HTTPError(.badRequest, json: ["coo": "give to and text"])
            }
            let note = Note(id: "n\(changes.lastSeq + 1)-\(IDs.random(6))", to: to, text: text, at: clock.now())
            notes.withLock { $0.append(note) }
            changes.append(.messageStored, vendor: name, tenant: "loft", id: note.id)
            return .json(["id": .string(note.id)], status: .created)
        }
        r.get("/pigeon/notes/{id}") { [self] request in
            let id = request.parameter("id")
            guard let note = notes.withLock({ $0.first { $0.id == id } }) else {
                throw HTTPError(.notFound, json: ["coo": "no such note"])
            }
            return .json(["id": .string(note.id), "text": .string(note.text)])
        }
        r.notFound = { _ in .json(["coo": "lost"], status: .notFound) }
        r.claims = { $0.rawPath.hasPrefix("/pigeon") }
        return r
    }

    func reset() { notes.withLock { $0.removeAll() } }

    func reset(tenant: String) -> Bool {
        guard tenant == "loft" else { return false }
        reset()
        return true
    }

    var tenants: [String] { ["loft"] }

    func inspectMessages(tenant: String?) -> [InspectedMessage] {
        guard tenant == nil || tenant == "loft" else { return [] }
        return notes.withLock { $0 }.map(inspected)
    }

    func inspectMessage(id: String) -> InspectedMessage? {
        notes.withLock { $0.first { $0.id == id } }.map(inspected)
    }

    func snapshot() -> VendorSnapshot { VendorSnapshot(vendor: name, state: notes.withLock { $0 }) }

    func restore(_ snapshot: VendorSnapshot) throws(VendorError) {
        let saved = try snapshot.state(as: [Note].self, for: name)
        notes.withLock { $0 = saved }
    }

    private func inspected(_ note: Note) -> InspectedMessage {
        var m = InspectedMessage(
            vendor: name,
            tenant: "loft",
            id: note.id,
            created: note.at,
            vendorPath: "/pigeon/notes/\(note.id)"
        )
        m.to = [note.to]
        m.text = note.text
        m.status = "perched"
        return m
    }
}
