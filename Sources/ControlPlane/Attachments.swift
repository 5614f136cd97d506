// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// `GET /_emulator/messages/{vendor}/{id}/attachments/{index}`: one attachment's file, for tests and the web
/// inbox. `index` is 0-based, in the order of the message's `attachments` list, where each item carries its
/// `url` to this route.
///
/// Choices the issue leaves open:
/// - `index` must be ASCII digits (`-1`, `+1`, `0x1`, `one` are a 400); digits past `Int`'s range are a 404,
///   like any index past the end. The index is checked before the vendor and the message.
/// - An attachment the vendor lists but whose content it does not hold (a Postflare attachment sent with
///   only a `path` URL, which the emulator never fetches) is a 404 that says so.
/// - The answer is always a download (`Content-Disposition: attachment`), with `X-Content-Type-Options:
///   nosniff`, so a browser never renders a sent HTML or SVG file as a page of the emulator's origin.
/// - A media type that is empty or not a plain `type/subtype[; params]` ASCII value is served as
///   `application/octet-stream`.
extension ControlPlane {
    func showAttachment(_ request: Request) throws(HTTPError) -> Response {
        let rawIndex = request.parameter("index")
        guard !rawIndex.isEmpty, rawIndex.utf8AllSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw HTTPError(.badRequest, message: "'index' must be a non-negative integer, not '\(rawIndex)'.")
        }
        let name = request.parameter("vendor")
        guard let vendor = vendors.first(where: { $0.name == name }) else {
            throw HTTPError(.notFound, message: "No vendor '\(name)'.")
        }
        let id = request.parameter("id")
        guard let message = vendor.inspectMessage(id: id) else {
            throw HTTPError(.notFound, message: "\(name) has no message '\(id)'.")
        }
        let count = message.attachments.count
        guard let index = Int(rawIndex), index < count else {
            throw HTTPError(
                .notFound,
                message: "\(name) message '\(id)' has no attachment \(rawIndex) (it has \(count); indexes start at 0)."
            )
        }
        guard let file = vendor.attachmentContent(messageID: id, index: index) else {
            throw HTTPError(
                .notFound,
                message: "\(name) keeps no content for attachment \(index) of message '\(id)'"
                    + " (an attachment given by `path` URL is never fetched)."
            )
        }
        return Response(
            status: .ok,
            headers: [
                "Content-Type": Self.servedContentType(file.contentType),
                "Content-Disposition": Self.contentDisposition(filename: file.name),
                "X-Content-Type-Options": "nosniff",
            ],
            body: file.bytes
        )
    }

    /// Where attachment `index` of `message` is served.
    static func attachmentURL(_ message: InspectedMessage, index: Int) -> String {
        "/_emulator/messages/\(URLCoding.percentEncode(message.vendor))/\(URLCoding.percentEncode(message.id))"
            + "/attachments/\(index)"
    }

    /// The message's JSON with each attachment's `url` added.
    static func json(_ message: InspectedMessage) -> JSONObject {
        var o = message.json.objectValue ?? JSONObject()
        o["attachments"] = .array(
            message.attachments.enumerated().map { index, a in
                [
                    "name": .string(a.name), "content_type": .string(a.contentType), "size": .int(a.size),
                    "url": .string(attachmentURL(message, index: index)),
                ]
            }
        )
        return o
    }

    /// `attachment; filename="…"` (RFC 6266 §4.1): the quoted name keeps printable ASCII, with `"` and `\`
    /// escaped and every other byte (controls, non-ASCII) replaced by `_`; a name that is not plain ASCII
    /// also gets `filename*=UTF-8''…` (RFC 8187), which clients prefer. An empty name is `attachment`.
    static func contentDisposition(filename: String) -> String {
        let name = filename.isEmpty ? "attachment" : filename
        var fallback = ""
        var plain = true
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0x22, 0x5C:
                fallback += "\\" + String(scalar)
            case 0x20...0x7E:
                fallback.unicodeScalars.append(scalar)
            default:
                fallback += "_"
                plain = false
            }
        }
        var value = "attachment; filename=\"\(fallback)\""
        if !plain { value += "; filename*=UTF-8''" + URLCoding.percentEncode(name) }
        return value
    }

    /// `type` when it is a media type safe to put in a header, else `application/octet-stream`.
    static func servedContentType(_ type: String) -> String {
        let utf8 = type.utf8
        let essence = utf8.prefix { $0 != UInt8(ascii: ";") }
        let slashes = essence.filter { $0 == UInt8(ascii: "/") }.count
        let printable = utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        guard printable, slashes == 1, essence.first != UInt8(ascii: "/"), essence.last != UInt8(ascii: "/") else {
            return "application/octet-stream"
        }
        return type
    }
}
