// SPDX-License-Identifier: Apache-2.0

/// Start-up found the address and port already held by another socket (most likely another MailDouble, whose
/// `SO_REUSEPORT` listeners would otherwise silently share the port with ours).
public struct PortInUseError: Error, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "port \(port) on \(host) is already in use (another MailDouble?)" }
}
