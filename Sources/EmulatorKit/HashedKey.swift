// SPDX-License-Identifier: Apache-2.0

/// A string dictionary key that computes its hash once. Stored ids (message ids, e-mail UUIDs) are 32–36
/// bytes that often share a long prefix: a `[String: V]` hashed every id again at each growth and ran a
/// full compare at every probe. This key gives the table one integer to hash and compares the stored
/// hashes first.
public struct HashedKey: Hashable, Sendable {
    public let id: String
    private let hash: Int

    public init(_ id: String) {
        self.id = id
        hash = id.hashValue
    }

    public static func == (a: HashedKey, b: HashedKey) -> Bool { a.hash == b.hash && a.id == b.id }

    public func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}

extension Dictionary where Key == HashedKey {
    /// The value stored under the string `id`.
    public subscript(_ id: String) -> Value? {
        get { self[HashedKey(id)] }
        set { self[HashedKey(id)] = newValue }
    }
}
