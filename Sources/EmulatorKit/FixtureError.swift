// SPDX-License-Identifier: Apache-2.0

/// A fixture file that cannot seed its vendor: unreadable JSON, a missing field, a reference to nothing.
/// Every vendor's loader throws this one type, so startup reports them all alike.
public struct FixtureError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The vendor whose fixtures these are (`flowmailer`, `postflare`, `flowdock`).
    public var vendor: String
    /// The file, when the error is about the file as a whole (it does not parse).
    public var file: String?
    /// Where in the document, as a JSON path (`accounts[0].messages[2]`); empty for the document itself.
    public var path: String
    public var message: String

    /// - Parameters:
    ///   - vendor: the vendor whose fixtures failed.
    ///   - file: the fixture file, if known.
    ///   - path: the JSON path of the offending value (`""` for the root).
    ///   - message: what is wrong with it.
    public init(vendor: String, file: String? = nil, path: String = "", _ message: String) {
        self.vendor = vendor
        self.file = file
        self.path = path
        self.message = message
    }

    /// `fixtures/flowdock.json: Expected a string key at offset 1` for a file that does not parse;
    /// `flowdock fixtures (fixtures/flowdock.json) at users[2]: every user needs id, nick and email` otherwise.
    public var description: String {
        // A file that cannot be read or parsed at all: `<path>: <reason>`, as tools print it.
        if let file, path.isEmpty { return file + ": " + message }
        if vendor.isEmpty { return message }
        var text = vendor + " fixtures"
        if let file { text += " (\(file))" }
        if !path.isEmpty { text += " at " + path }
        return text + ": " + message
    }
}
