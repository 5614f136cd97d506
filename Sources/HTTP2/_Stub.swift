import HTTPCore
public struct HTTP2Settings: Sendable { public var maxConcurrentStreams: UInt32 = 128; public var initialWindowSize: UInt32 = 1 << 20; public var maxBodyBytes: Int = 41_943_040; public var maxHeaderListSize: UInt32 = 20000; public init() {} }
public struct HTTP2Error: Error, Sendable, CustomStringConvertible { public var description: String }
public final class HTTP2ServerSession {
    public init(settings: HTTP2Settings = HTTP2Settings(), isSecure: Bool, remoteAddress: String) throws(HTTP2Error) {}
    public func receive(_ bytes: UnsafeRawBufferPointer) throws(HTTP2Error) -> [(streamID: Int32, request: Request)] { [] }
    public func respond(streamID: Int32, response: Response, isHEAD: Bool, date: String) {}
    public func drainOutput(into buffer: inout [UInt8]) throws(HTTP2Error) {}
    public var isFinished: Bool { false }
    public func beginGracefulShutdown() {}
    public var openStreamCount: Int { 0 }
    public static let clientPreface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
    public static func looksLikePreface(_ bytes: UnsafeRawBufferPointer) -> Bool? { nil }
}
