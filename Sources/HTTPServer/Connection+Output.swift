// SPDX-License-Identifier: Apache-2.0
import CLinux
import Glibc
import HTTP1
import TLS

extension Connection {
    /// Encrypts pending plaintext and writes as much as the socket takes in one system call.
    func flush() {
        if lifecycle.isClosed { return }
        if !plainOut.isEmpty {
            if let tls {
                let failure: String? = plainOut.withUnsafeBytes { p -> String? in
                    do {
                        try tls.writePlaintext(p)
                        return nil
                    } catch {
                        return "\(error)"
                    }
                }
                if let failure {
                    loop.core.log("TLS write to \(remoteAddress) failed: \(failure)")
                    closeNow()
                    return
                }
                plainOut.removeAll(keepingCapacity: plainOut.capacity <= 256 * 1024)
            } else if socketOut.isEmpty {
                swap(&socketOut, &plainOut)
                socketOutOffset = 0
            } else {
                socketOut.append(contentsOf: plainOut)
                plainOut.removeAll(keepingCapacity: plainOut.capacity <= 256 * 1024)
            }
        }
        if let tls, tls.hasEncryptedOutput { tls.drainEncrypted(into: &socketOut) }
        while socketOutOffset < socketOut.count {
            let offset = socketOutOffset
            do {
                let sent = try socketOut.withUnsafeBytes { p throws(IOError) in
                    try syscall("send") { send(fd, p.baseAddress! + offset, p.count - offset, Int32(MSG_NOSIGNAL)) }
                }
                guard case .processed(let n) = sent else { break }
                socketOutOffset += n
            } catch {
                closeNow()  // EPIPE, ECONNRESET
                return
            }
        }
        if abortRequested {
            abortNow()
            return
        }
        if socketOutOffset == socketOut.count {
            // Keep small buffers for the next response; give big ones back (idle memory matters).
            socketOut.removeAll(keepingCapacity: socketOut.capacity <= 256 * 1024)
            socketOutOffset = 0
            updateInterest(write: false, pauseReading: false)
            let action = lifecycle.outputFlushed(responsesOwed: !slots.isEmpty, now: loop.now)
            if action != .none {
                perform(action)
            } else if case .http1(let parser) = codec, parser.hasBufferedBytes, !lifecycle.closeRequested {
                // Parsing stopped at the output high-water mark with requests still buffered: serve them
                // now that the output has drained, rather than when the client sends more (it may not).
                driveHTTP1()
                if !plainOut.isEmpty { flush() }
            }
        } else {
            updateInterest(write: true, pauseReading: socketOut.count - socketOutOffset > Connection.outputHighWater)
        }
    }

    /// A TCP reset (RFC 9293 §3.10.7.1 via `SO_LINGER {1, 0}`): whatever is still unsent is discarded.
    func abortNow() {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        closeNow()
    }

    /// Sets the epoll interest: EPOLLOUT while output is pending, EPOLLIN unless reading is paused.
    private func updateInterest(write: Bool, pauseReading: Bool) {
        guard write != wantsWrite || pauseReading != readPaused else { return }
        wantsWrite = write
        readPaused = pauseReading
        let events = (pauseReading ? 0 : EPOLLIN.rawValue) | (write ? EPOLLOUT.rawValue : 0)
        loop.modify(fd, events: events, data: UInt64(UInt32(bitPattern: fd)))
    }
}
