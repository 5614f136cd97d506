// SPDX-License-Identifier: Apache-2.0
import HTTPCore

/// §3.9 file downloads. The real API answers `302 Found` to a short-lived S3 URL; the emulator redirects
/// to the same path with a per-file signature, which it serves without authentication, as S3 would.
extension FlowdockAPI {
    func registerFileRoutes(_ routes: inout Routes) {
        routes.get("/files/{id}/{hash}/{name}") { [self] r in
            let signature = r.query("X-Amz-Signature")
            if signature == nil { _ = try Access.user(r) }
            let base = Access.base(r)
            return try store.withState { s in
                guard let id = Int(r.parameter("id")), let file = s.files[id], file.hash == r.parameter("hash") else {
                    throw FlowdockError.notFound("File not found")
                }
                if let signature {
                    guard signature == file.downloadKey else { throw FlowdockError.forbidden("Invalid signature") }
                    return Response(status: .ok, headers: ["Content-Type": file.contentType], body: file.data)
                }
                return Response(
                    status: .found,
                    headers: ["Location": "\(base)\(file.path)?X-Amz-Signature=\(file.downloadKey)"]
                )
            }
        }
    }
}
