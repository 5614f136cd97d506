// SPDX-License-Identifier: Apache-2.0
import Glibc

/// Where an installed `maildouble` finds what ships with it. `make install` puts the binary in `$PREFIX/bin`
/// and the bundled fixtures in `$PREFIX/share/maildouble/fixtures`; the binary finds them from its own path
/// (`/proc/self/exe`), so it works from any directory and for any prefix, and a copy moved elsewhere with its
/// `share/` tree keeps working.
public enum InstalledPaths {
    /// The default of `--fixtures`: `<bin>/../share/maildouble/fixtures` when that directory exists (an
    /// installed binary), else `fixtures` in the working directory (a checkout: `.build/release/maildouble` run
    /// from the package root, as `make run` does).
    public static func defaultFixtures(executable: String? = executablePath()) -> String {
        if let executable, let installed = installedFixtures(executable: executable), isDirectory(installed) {
            return installed
        }
        return "fixtures"
    }

    /// `<dir of executable>/../share/maildouble/fixtures`, normalized one level (`/usr/local/bin/x` →
    /// `/usr/local/share/maildouble/fixtures`).
    static func installedFixtures(executable: String) -> String? {
        guard let slash = executable.lastIndex(of: "/") else { return nil }
        let bin = executable[..<slash]
        guard let up = bin.lastIndex(of: "/") else { return nil }
        return String(bin[..<up]) + "/share/maildouble/fixtures"
    }

    /// This process's executable, resolved (symlinks followed) by the kernel.
    public static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}
