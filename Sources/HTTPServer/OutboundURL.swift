// SPDX-License-Identifier: Apache-2.0

/// An `http://` or `https://` URL split for an outbound request (RFC 3986 §3), checked strictly enough that
/// nothing from it can break the request head: no control bytes, spaces or user info, a numeric port.
struct OutboundURL: Equatable {
    var isTLS: Bool
    /// Without IPv6 brackets: what getaddrinfo, SNI and the certificate check take.
    var host: String
    var port: Int
    /// Path and query, starting with "/"; non-ASCII bytes percent-encoded.
    var target: String

    /// The `Host` field (RFC 9112 §3.2): brackets around IPv6, the port only when it is not the default.
    var hostField: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isTLS ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// Parses `url`, or says in plain words why it cannot be used.
    static func parse(_ url: String) -> Result<OutboundURL, OutboundError> {
        func invalid(_ why: String) -> Result<OutboundURL, OutboundError> {
            .failure(OutboundError(.invalidURL, "invalid URL '\(printable(url))': \(why)"))
        }
        let bytes = Array(url.utf8)
        // Spaces and controls could split the request line or inject header fields.
        if bytes.contains(where: { $0 <= 0x20 || $0 == 0x7F }) { return invalid("spaces or control characters") }
        let isTLS: Bool
        var rest: ArraySlice<UInt8>
        if hasPrefix(bytes, "https://") {
            isTLS = true
            rest = bytes[8...]
        } else if hasPrefix(bytes, "http://") {
            isTLS = false
            rest = bytes[7...]
        } else {
            return invalid("only http:// and https:// are supported")
        }
        // The fragment is never sent (RFC 9110 §4.2.1 / RFC 3986 §3.5).
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let pathAndQuery = rest[authorityEnd...]
        if authority.contains(UInt8(ascii: "@")) { return invalid("user info (user:password@) is not supported") }

        var hostBytes: ArraySlice<UInt8>
        var portBytes: ArraySlice<UInt8>?
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { return invalid("unclosed '['") }
            hostBytes = authority[(authority.startIndex + 1)..<close]
            let after = authority[(close + 1)...]
            if !after.isEmpty {
                guard after.first == UInt8(ascii: ":") else { return invalid("garbage after ']'") }
                portBytes = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: UInt8(ascii: ":")) {
            hostBytes = authority[..<colon]
            portBytes = authority[(colon + 1)...]
        } else {
            hostBytes = authority
        }
        guard !hostBytes.isEmpty else { return invalid("no host") }
        // IDNs would need punycode (RFC 5891); an emulator's endpoints are local names or addresses.
        guard hostBytes.allSatisfy({ $0 < 0x80 }) else { return invalid("non-ASCII host names are not supported") }
        var port = isTLS ? 443 : 80
        if let portBytes {
            guard !portBytes.isEmpty, portBytes.count <= 5, portBytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let value = Int(String(decoding: portBytes, as: UTF8.self)), (1...65535).contains(value)
            else { return invalid("the port must be a number from 1 to 65535") }
            port = value
        }
        var target = pathAndQuery.first == UInt8(ascii: "/") ? "" : "/"
        for b in pathAndQuery {
            if b < 0x80 {
                target.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                target += "%" + String(b, radix: 16, uppercase: true)
            }
        }
        return .success(
            OutboundURL(isTLS: isTLS, host: String(decoding: hostBytes, as: UTF8.self), port: port, target: target)
        )
    }

    /// The URL for log lines and errors: the query dropped (it may carry a token) and controls escaped.
    static func printable(_ url: String) -> String {
        let noQuery = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        var out = ""
        for scalar in noQuery.unicodeScalars.prefix(200) {
            out +=
                scalar.value < 0x20 || scalar.value == 0x7F ? "\\x" + String(scalar.value, radix: 16) : String(scalar)
        }
        return out
    }

    private static func hasPrefix(_ bytes: [UInt8], _ prefix: String) -> Bool {
        let p = Array(prefix.utf8)
        guard bytes.count >= p.count else { return false }
        // Schemes are case-insensitive (RFC 3986 §3.1); p is lower-case.
        return zip(bytes, p).allSatisfy { ($0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0) == $1 }
    }
}
