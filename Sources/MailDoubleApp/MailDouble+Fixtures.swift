// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

extension MailDouble {
    /// Each vendor's seed data, from `--fixtures DIR` or `--fixtures none`.
    struct SeedData {
        var flowmailer: JSON?
        var postflare: JSON?
        var flowdock: JSON?
    }

    /// What a vendor holds when the fixtures directory lacks its file (the vendor's own nil-fixtures state).
    static let defaultsWithoutAFile = [
        ("flowmailer", "no accounts"), ("postflare", "its built-in team and test keys"), ("flowdock", "no data"),
    ]

    /// Loads the fixtures: `none` seeds nothing; a directory must exist and be readable, and each of its vendor
    /// files that exists must be valid JSON. A vendor whose file is absent starts with its defaults, logged once.
    static func loadSeedData(_ source: String, log: (String) -> Void) throws -> SeedData {
        if source == Fixtures.none {
            // Postflare seeds a built-in team when given nil; `none` means none, so hand it an empty team list.
            return SeedData(flowmailer: nil, postflare: ["teams": []], flowdock: nil)
        }
        try Fixtures.checkDirectory(source)
        var seed = SeedData()
        for (vendor, defaults) in defaultsWithoutAFile {
            let json = try Fixtures.load(vendor: vendor, directory: source)
            if json == nil { log("fixtures: '\(source)' has no \(vendor).json; \(vendor) starts with \(defaults)") }
            switch vendor {
            case "flowmailer": seed.flowmailer = json
            case "postflare": seed.postflare = json
            default: seed.flowdock = json
            }
        }
        return seed
    }
}
