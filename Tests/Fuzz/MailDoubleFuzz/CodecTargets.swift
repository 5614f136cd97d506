// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTP1
import HTTP2
import HTTPCore

/// Targets for the protocol-level parsers, called through their public API.
enum CodecTargets {
    static let all: [FuzzTarget] = [
        FuzzTarget(name: "http1", summary: "HTTP1Parser, input split in two; same events as unsplit") { http1($0) },
        FuzzTarget(name: "http2", summary: "HTTP2ServerSession after the client preface, input split in two") {
            http2($0)
        },
        FuzzTarget(name: "json", summary: "JSON.parse; parse → serialize → parse gives an equal value") {
            json($0)
        },
        FuzzTarget(name: "url", summary: "URLCoding percent/form/path/matrix decoding and round trips") { url($0) },
        FuzzTarget(name: "base64", summary: "Base64.decode of any text; decode(encode(x)) == x") { base64($0) },
        FuzzTarget(name: "timestamp", summary: "Timestamp.parseISO8601; parse(iso8601(t)) == t") { timestamp($0) },
    ]

    // MARK: HTTP/1.1

    /// The events one parser gives for `chunks` appended one after the other; `.expectContinue` is left out
    /// because it is only returned when the body has not arrived yet, which depends on the split.
    private static func http1Events(_ chunks: [ArraySlice<UInt8>], limits: HTTP1Limits) -> [String] {
        var parser = HTTP1Parser(limits: limits, isSecure: false, remoteAddress: "fuzz")
        var events: [String] = []
        var failed = false
        for chunk in chunks {
            // After `.failure` the parser stays failed and the server has closed: nothing more is read.
            if failed { break }
            parser.append(Array(chunk))
            loop: while events.count < 10_000 {
                switch parser.next() {
                case .needMoreData: break loop
                case .expectContinue: continue
                case .request(let r, let keepAlive):
                    let headers = r.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
                    events.append("\(r.method) \(r.target) \(r.version) \(keepAlive)\n\(headers)\n\(r.body)")
                case .failure(let status):
                    events.append("failure \(status.code)")
                    failed = true
                    break loop
                }
            }
        }
        return events
    }

    static func http1(_ input: UnsafeRawBufferPointer) {
        let bytes = Array(input)
        let split = inputHash(bytes) % (bytes.count + 1)
        // Small limits on every other input, so that the 413/431 paths are reached by short inputs too.
        let limits =
            split % 2 == 0
            ? HTTP1Limits() : HTTP1Limits(maxHeaderBytes: 512, maxHeaderCount: 8, maxBodyBytes: 256)
        let whole = http1Events([bytes[...]], limits: limits)
        let parts = http1Events([bytes[..<split], bytes[split...]], limits: limits)
        if whole != parts { finding("HTTP/1.1 events differ when split at \(split):\n\(whole)\nvs\n\(parts)") }
    }

    // MARK: HTTP/2

    static func http2(_ input: UnsafeRawBufferPointer) {
        let bytes = Array(input)
        let split = inputHash(bytes) % (bytes.count + 1)
        // A small body limit reaches the 413 path; the rest are the server's defaults.
        let settings = HTTP2Settings(maxBodyBytes: split % 2 == 0 ? 41_943_040 : 64)
        let session: HTTP2ServerSession
        do { session = try HTTP2ServerSession(settings: settings, isSecure: true, remoteAddress: "fuzz") } catch {
            finding("HTTP2ServerSession.init threw \(error)")
        }
        var output: [UInt8] = []
        let chunks = [HTTP2ServerSession.clientPreface[...], bytes[..<split], bytes[split...]]
        for chunk in chunks {
            do {
                let requests = try Array(chunk).withUnsafeBytes { try session.receive($0) }
                for (id, request) in requests {
                    // Answer every other request at once, so streams are both answered and left open.
                    if id % 4 == 1 {
                        session.respond(
                            streamID: id,
                            response: .text("ok"),
                            isHEAD: request.method == .HEAD,
                            date: "Tue, 01 Dec 2026 00:00:00 GMT"
                        )
                    }
                }
                try session.drainOutput(into: &output)
                output.removeAll(keepingCapacity: true)
            } catch {
                return  // a connection error: the server would close here
            }
        }
        session.beginGracefulShutdown()
        try? session.drainOutput(into: &output)
    }

    // MARK: JSON

    /// Equal as JSON values: numbers compare by value (`2.0` is written `2` and read back as an integer).
    static func same(_ a: JSON, _ b: JSON) -> Bool {
        switch (a, b) {
        case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count
                && zip(x.entries, y.entries).allSatisfy { $0.key == $1.key && same($0.value, $1.value) }
        default: return a == b
        }
    }

    static func json(_ input: UnsafeRawBufferPointer) {
        guard let value = try? JSON.parse(Array(input)) else { return }
        let text = value.serialized()
        let again: JSON
        do { again = try JSON.parse(text) } catch {
            finding("serialized JSON does not parse (\(error)): \(String(decoding: text, as: UTF8.self))")
        }
        if !same(value, again) {
            let written = String(decoding: text, as: UTF8.self)
            finding("JSON round trip changed the value: \(value) → \(written) → \(again)")
        }
        if again.serialized() != text { finding("JSON serialization is not stable: \(again)") }
    }

    // MARK: URL coding

    static func url(_ input: UnsafeRawBufferPointer) {
        let text = String(decoding: input, as: UTF8.self)
        let decoded = URLCoding.percentDecode(text)
        _ = URLCoding.percentDecode(text, plusAsSpace: true)
        if URLCoding.percentDecode(URLCoding.percentEncode(text)) != text {
            finding("percentDecode(percentEncode(s)) != s for \(text.debugDescription)")
        }
        _ = URLCoding.percentDecode(URLCoding.percentEncode(decoded))
        let form = URLCoding.parseForm(text)
        let reparsed = URLCoding.parseForm(URLCoding.encodeForm(form.map { ($0.name, $0.value) }))
        if !reparsed.elementsEqual(form, by: { $0.name == $1.name && $0.value == $1.value }) {
            finding("parseForm(encodeForm(items)) != items for \(text.debugDescription)")
        }
        let segments = URLCoding.pathSegments(text)
        if URLCoding.pathNames(text) != segments.map(\.name) {
            finding("pathNames disagrees with pathSegments for \(text.debugDescription)")
        }
        let limit = inputHash(text.utf8) % 8
        if URLCoding.pathNames(text, limit: limit) != Array(segments.map(\.name).prefix(limit)) {
            finding("pathNames(limit: \(limit)) is not a prefix for \(text.debugDescription)")
        }
        _ = URLCoding.matrixParameters(ofPath: text)
        // The public Request initializer splits path and query and decodes both, as the codecs call it.
        _ = Request(method: .GET, target: text)
    }

    // MARK: Base64

    static func base64(_ input: UnsafeRawBufferPointer) {
        let bytes = Array(input)
        let encoded = Base64.encode(bytes)
        if Base64.decode(encoded) != bytes { finding("decode(encode(x)) != x for \(bytes)") }
        let text = String(decoding: input, as: UTF8.self)
        if let decoded = Base64.decode(text), Base64.decode(Base64.encode(decoded)) != decoded {
            finding("decode(encode(decode(s))) != decode(s) for \(text.debugDescription)")
        }
    }

    // MARK: Timestamps

    static func timestamp(_ input: UnsafeRawBufferPointer) {
        let text = String(decoding: input, as: UTF8.self)
        guard let t = Timestamp.parseISO8601(text) else { return }
        _ = t.postgres()
        _ = t.compact()
        // Formatting writes four-digit years: the round trip holds for the years it can write.
        guard (1...9999).contains(t.components.year) else { return }
        let formatted = t.iso8601()
        if Timestamp.parseISO8601(formatted) != t {
            finding("parse(iso8601(t)) != t: \(text.debugDescription) → \(formatted)")
        }
    }
}
