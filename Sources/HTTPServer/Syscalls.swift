// SPDX-License-Identifier: Apache-2.0
import Glibc

/// A failed system call that is not "would block": the errno and the call's name.
public struct IOError: Error, Sendable, CustomStringConvertible {
    public var errno: Int32
    public var function: String
    public init(errno: Int32, function: String) {
        self.errno = errno
        self.function = function
    }
    public var description: String { "\(function) failed: \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// The outcome of non-blocking I/O: "would block" is ordinary control flow, not an error.
enum IOResult<T> {
    case processed(T)
    case wouldBlock
}

/// Runs a system call: retries on `EINTR`, maps `EAGAIN`/`EWOULDBLOCK` to `.wouldBlock`, throws the rest.
/// `EBADF` and `EFAULT` mean a bug in this program (a closed or bogus descriptor or buffer): trap.
@inline(__always)
func syscall<T: FixedWidthInteger>(_ function: StaticString, _ body: () -> T) throws(IOError) -> IOResult<T> {
    while true {
        let result = body()
        if result >= 0 { return .processed(result) }
        let err = errno
        switch err {
        case EINTR: continue
        case EAGAIN, EWOULDBLOCK: return .wouldBlock
        case EBADF, EFAULT: preconditionFailure("\(function): programmer error, errno \(err)")
        default: throw IOError(errno: err, function: String(describing: function))
        }
    }
}

/// Monotonic seconds, for timeouts (never jumps with the wall clock).
@inline(__always)
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Wall-clock seconds since the epoch, for `Date` headers.
@inline(__always)
func wallSeconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME_COARSE, &ts)
    return Int64(ts.tv_sec)
}

/// Raises the soft open-file limit to the hard limit: 1000+ concurrent connections need more than the
/// usual default of 1024 descriptors.
public func raiseOpenFileLimit() {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}

func setSocketOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) {
    var v = value
    _ = setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size))
}

/// Precise monotonic seconds, for timers: the coarse clock above can run a few ms behind, which would
/// fire a 200 ms timer after 196 ms.
@inline(__always)
func preciseMonotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
