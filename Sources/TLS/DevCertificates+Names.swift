// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#endif

/// The server certificate's names as asked for: a set to compare, and the extension value to issue.
struct RequestedNames {
    let names: SubjectAltNames
    let extensionValue: String
}

extension DevCertificates {
    /// Validated subjectAltNames: the set to compare with an existing certificate and the
    /// `X509V3_EXT_conf_nid` value ("DNS:a,DNS:b,IP:127.0.0.1") to issue a new one.
    static func wantedNames(dnsNames: [String], ipAddresses: [String]) throws(TLSError) -> RequestedNames {
        var names = SubjectAltNames()
        var entries: [String] = []
        for name in dnsNames {
            let lowered = name.lowercased()
            guard isValidDNSName(lowered) else {
                throw TLSError("invalid DNS name for the TLS certificate: '\(name)'")
            }
            if names.dnsNames.insert(lowered).inserted {
                entries.append("DNS:" + lowered)
            }
        }
        for address in ipAddresses {
            guard let bytes = ipBytes(address) else {
                throw TLSError("invalid IP address for the TLS certificate: '\(address)'")
            }
            if names.ipAddresses.insert(bytes).inserted {
                entries.append("IP:" + address)
            }
        }
        guard !entries.isEmpty else {
            throw TLSError("the TLS certificate needs at least one DNS name or IP address")
        }
        return RequestedNames(names: names, extensionValue: entries.joined(separator: ","))
    }

    /// RFC 1123 host names, optionally with one leading wildcard label (RFC 6125 §6.4.3). This also keeps
    /// `,` and `:` out of the extension string, where they are separators.
    static func isValidDNSName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        for (index, label) in labels.enumerated() {
            if index == 0, label.elementsEqual([UInt8(ascii: "*")]), labels.count > 2 { continue }
            guard (1...63).contains(label.count),
                label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                label.allSatisfy({ isLetterOrDigit($0) || $0 == UInt8(ascii: "-") })
            else { return false }
        }
        return true
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// Network-order bytes of an IPv4 or IPv6 literal, as stored in an iPAddress GeneralName.
    static func ipBytes(_ address: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
