public struct TLSError: Error, Sendable, CustomStringConvertible { public var description: String }
public final class TLSContext: @unchecked Sendable { public init(certificateChainFile: String, privateKeyFile: String, alpnProtocols: [String] = ["h2", "http/1.1"]) throws(TLSError) {} }
public enum TLSHandshakeResult { case complete, wantRead, failed(TLSError) }
public enum TLSReadResult { case ok, wantRead, closed, failed(TLSError) }
public final class TLSConnection {
    public init(context: TLSContext) throws(TLSError) {}
    public func feed(_ bytes: UnsafeRawBufferPointer) {}
    public func handshake() -> TLSHandshakeResult { .wantRead }
    public var isHandshakeComplete: Bool { false }
    public var negotiatedProtocol: String? { nil }
    public func readPlaintext(into buffer: inout [UInt8]) -> TLSReadResult { .wantRead }
    public func writePlaintext(_ bytes: UnsafeRawBufferPointer) throws(TLSError) {}
    public func drainEncrypted(into buffer: inout [UInt8]) {}
    public var hasEncryptedOutput: Bool { false }
    public func shutdown() {}
}
public enum DevCertificates {
    public struct Files: Sendable { public var caCertificate: String; public var serverCertificate: String; public var serverKey: String; public var caKey: String }
    public static func ensure(in stateDirectory: String, dnsNames: [String], ipAddresses: [String]) throws(TLSError) -> (files: Files, created: Bool) { fatalError() }
    public static let defaultDNSNames: [String] = []
    public static let defaultIPAddresses: [String] = []
}
