// SPDX-License-Identifier: Apache-2.0
import CFuzzer
import Glibc

/// `maildouble-fuzz TARGET [libFuzzer flags] [corpus dirs or files]`.
///
/// Built by `scripts/fuzz.sh` with coverage instrumentation and libFuzzer's driver, it fuzzes TARGET. Built by a
/// plain `swift build` (no driver linked), it replays the files and directories given, e.g. a crash file with a
/// Swift backtrace, or the committed corpus as a regression test.
@main
enum FuzzMain {
    static func main() {
        let args = CommandLine.arguments
        guard args.count >= 2, FuzzTargets.named(args[1]) != nil else {
            print("usage: \(args.first ?? "maildouble-fuzz") TARGET [libFuzzer flags] [corpus…]\ntargets:")
            for t in FuzzTargets.all { print("  \(t.name)\t\(t.summary)") }
            exit(2)
        }
        // libFuzzer must not see the target name: it would take it for a corpus directory.
        var driverArgs = [args[0]] + args.dropFirst(2)
        if CFuzzer_hasDriver() != 0 {
            exit(runDriver(&driverArgs))
        }
        exit(replay(Array(driverArgs.dropFirst())))
    }

    private static func runDriver(_ arguments: inout [String]) -> Int32 {
        var argc = Int32(arguments.count)
        let cArgs = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: arguments.count + 1)
        for (i, a) in arguments.enumerated() { cArgs[i] = strdup(a) }
        cArgs[arguments.count] = nil
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = cArgs
        // A closure without captures: C calls it, and it finds the target through a lazily set global.
        return CFuzzer_runDriver(&argc, &argv) { data, size in
            Selected.target.run(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        }
    }

    /// Runs every file named (directories: every file in them) through the target once.
    private static func replay(_ paths: [String]) -> Int32 {
        var files: [String] = []
        for path in paths where !path.hasPrefix("-") {
            if let dir = opendir(path) {
                while let entry = readdir(dir) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) {
                        String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
                    }
                    if name != "." && name != ".." { files.append(path + "/" + name) }
                }
                closedir(dir)
            } else {
                files.append(path)
            }
        }
        for file in files.sorted() {
            guard let bytes = readFile(file) else {
                print("cannot read \(file)")
                return 1
            }
            bytes.withUnsafeBytes { Selected.target.run($0) }
        }
        print("\(Selected.target.name): replayed \(files.count) inputs without libFuzzer (no findings)")
        return 0
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            out += chunk[0..<n]
        }
        return out
    }
}

/// The target named on the command line; a global `let` is initialised once, thread-safely, on first use.
enum Selected {
    static let target: FuzzTarget = FuzzTargets.named(CommandLine.arguments[1])!
}
