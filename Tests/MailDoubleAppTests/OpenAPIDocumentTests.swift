// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import MailDoubleApp
import Routing
import Testing

/// `GET /_emulator/openapi.json` describes exactly the control routes the emulator serves.
@Suite struct OpenAPIDocumentTests {
    @Test func everyControlRouteIsDocumentedAndNothingElse() throws {
        let app = try MessageWaitersTests.app()
        let response = app.dispatcher.respond(to: Request(method: .GET, target: "/_emulator/openapi.json"))
        #expect(response.status == .ok)
        let document = try JSON.parse(response.body)
        #expect(document["openapi"] == "3.1.0")
        let paths = try #require(document["paths"]?.objectValue)
        var documented: Set<String> = []
        for (path, item) in paths {
            for (method, _) in item.objectValue ?? JSONObject() { documented.insert(method.uppercased() + " " + path) }
        }
        let router = try #require(app.dispatcher.routers.first { $0.name == "emulator" })
        let served = Set(router.registeredRoutes.map { $0.method.rawValue + " " + $0.template })
        #expect(served.subtracting(documented).sorted() == [], "served but not documented")
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")
        // Every `$ref` points at a component that exists.
        let schemas = try #require(document["components"]?["schemas"]?.objectValue)
        for ref in Self.refs(in: document) {
            let name = String(ref.split(separator: "/").last ?? "")
            #expect(ref.hasPrefix("#/components/responses/") || schemas[name] != nil, "\(ref)")
        }
    }

    static func refs(in json: JSON) -> [String] {
        switch json {
        case .object(let o):
            return o.flatMap { key, value in key == "$ref" ? [value.stringValue ?? ""] : refs(in: value) }
        case .array(let a): return a.flatMap(refs(in:))
        default: return []
        }
    }
}
