// SPDX-License-Identifier: Apache-2.0
import Glibc

/// Whether MailDouble runs in its container image, and where the host sees a file of a bind-mounted volume,
/// so that the banner can name the CA path a user on the host passes to `curl --cacert`.
///
/// Detection: the image sets `MAILDOUBLE_IN_CONTAINER=1` (docker/Containerfile). Guessing from
/// `/run/.containerenv` or `/.dockerenv` would also fire for a developer whose whole shell runs in a container
/// (this project's own sandboxes do), where the printed path is already the one to use.
/// The host path comes from `/proc/self/mountinfo`: for a bind mount, field 4 ("root") is the mounted
/// directory's path inside its source file system — the host path when that directory lives on the host's
/// root file system (the usual `-v "$PWD/.maildouble:/var/lib/maildouble"`). A volume that is not a bind mount
/// (root `/`) gives no host path, and the banner says which directory to mount instead.
struct ContainerHost: Sendable {
    /// (mount point in the container, root of the mount in its source file system), from mountinfo.
    var mounts: [(point: String, root: String)]

    static func detect() -> ContainerHost? {
        guard let flag = getenv("MAILDOUBLE_IN_CONTAINER"), String(cString: flag) == "1" else { return nil }
        return ContainerHost(mounts: parseMountInfo(readFile("/proc/self/mountinfo") ?? ""))
    }

    /// `path`'s location on the host, when it is inside a bind mount; nil otherwise.
    func hostPath(of path: String) -> String? {
        var best: (point: String, root: String)?
        for m in mounts where path == m.point || path.hasPrefix(m.point == "/" ? "/" : m.point + "/") {
            if best == nil || m.point.count > best!.point.count { best = m }
        }
        guard let best, best.point != "/", best.root != "/" else { return nil }
        return best.root + path.dropFirst(best.point.count)
    }

    /// mountinfo lines: `id parent major:minor root mountpoint options … - fstype source superoptions`; paths
    /// escape space, tab, newline and backslash as `\ooo` octal.
    static func parseMountInfo(_ text: String) -> [(point: String, root: String)] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 5 else { return nil }
            return (unescape(fields[4]), unescape(fields[3]))
        }
    }

    static func unescape(_ field: Substring) -> String {
        var out: [UInt8] = []
        let bytes = Array(field.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 3 < bytes.count,
                let code = UInt8(String(decoding: bytes[(i + 1)...(i + 3)], as: UTF8.self), radix: 8)
            {
                out.append(code)
                i += 4
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func readFile(_ path: String) -> String? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
