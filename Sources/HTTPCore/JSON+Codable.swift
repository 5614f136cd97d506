// SPDX-License-Identifier: Apache-2.0

/// `Codable` so that vendor state holding JSON values can be persisted (`--data-dir`). The emulator's binary
/// state coder writes JSON values through its own fast path; this text form serves any other coder.
extension JSON: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try JSON.parse(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
}

extension JSONObject: Codable {
    public init(from decoder: any Decoder) throws {
        guard case .object(let o) = try JSON(from: decoder) else {
            throw JSONError(message: "expected a JSON object", offset: 0)
        }
        self = o
    }

    public func encode(to encoder: any Encoder) throws { try JSON.object(self).encode(to: encoder) }
}
