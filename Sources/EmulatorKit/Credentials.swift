// SPDX-License-Identifier: Apache-2.0
public import HTTPCore

/// The credentials of an `Authorization` header (RFC 9110 §11.6.2), parsed once for every vendor: the scheme
/// is case-insensitive, surrounding white space is ignored, and an empty token counts as none.
public enum Credentials {
    /// The token of `Authorization: Bearer <token>` (RFC 6750 §2.1), or nil.
    public static func bearer(_ headers: HTTPHeaders) -> String? {
        guard let (scheme, value) = split(headers["Authorization"]), equalsIgnoringCase(scheme, "bearer") else {
            return nil
        }
        return value.isEmpty ? nil : value
    }

    /// The user id and password of `Authorization: Basic <base64>` (RFC 7617), split at the first colon (a
    /// password may hold colons; no colon means an empty password). Nil when the header is not Basic;
    /// `.malformed` when it is Basic but not base64.
    public static func basic(_ headers: HTTPHeaders) -> Basic? {
        guard let (scheme, value) = split(headers["Authorization"]), equalsIgnoringCase(scheme, "basic") else {
            return nil
        }
        return basic(encoded: value)
    }

    /// The decoded form of a Basic credential's base64 text.
    public static func basic(encoded value: String) -> Basic {
        guard let bytes = Base64.decode(value) else { return .malformed }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return .userPassword(user: text, password: "") }
        return .userPassword(user: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
    }

    public enum Basic: Sendable, Equatable {
        case userPassword(user: String, password: String)
        case malformed
    }

    /// The scheme and the rest of an `Authorization` value, both trimmed; nil when there is no header.
    /// Scans bytes, not Characters: every authenticated request of every vendor runs it.
    public static func split(_ header: String?) -> (scheme: Substring, value: String)? {
        guard let header else { return nil }
        let u = header.utf8
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        // A non-space byte before a space (or the end) ends a scalar, so these are valid String indices.
        guard let start = u.firstIndex(where: { !isSpace($0) }), let last = u.lastIndex(where: { !isSpace($0) })
        else { return nil }
        let end = u.index(after: last)
        guard let space = u[start..<end].firstIndex(where: isSpace) else { return (header[start..<end], "") }
        var valueStart = space
        while valueStart < end && isSpace(u[valueStart]) { valueStart = u.index(after: valueStart) }
        return (header[start..<space], String(header[valueStart..<end]))
    }

    private static func equalsIgnoringCase(_ a: Substring, _ b: StaticString) -> Bool {
        let b = b.utf8Start
        var i = 0
        for byte in a.utf8 {
            let lower = byte >= 65 && byte <= 90 ? byte | 0x20 : byte
            if b[i] == 0 || lower != b[i] { return false }
            i += 1
        }
        return b[i] == 0
    }
}
