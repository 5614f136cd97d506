import HTTPCore
public struct HTTP1Limits: Sendable {
    public var maxHeaderBytes: Int; public var maxHeaderCount: Int; public var maxBodyBytes: Int
    public init(maxHeaderBytes: Int = 16384, maxHeaderCount: Int = 100, maxBodyBytes: Int = 41_943_040) { self.maxHeaderBytes = maxHeaderBytes; self.maxHeaderCount = maxHeaderCount; self.maxBodyBytes = maxBodyBytes }
}
public enum HTTP1ParseEvent { case needMoreData, expectContinue, request(Request, keepAlive: Bool), failure(HTTPStatus) }
public struct HTTP1Parser {
    public init(limits: HTTP1Limits = HTTP1Limits(), isSecure: Bool = false, remoteAddress: String = "") {}
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {}
    public mutating func append(_ bytes: [UInt8]) {}
    public mutating func next() -> HTTP1ParseEvent { .needMoreData }
    public var hasBufferedBytes: Bool { false }
    public var isIdle: Bool { true }
}
public enum HTTP1Serializer {
    public static func write(_ response: Response, version: HTTPVersion, keepAlive: Bool, isHEAD: Bool, date: String, into buffer: inout [UInt8]) {}
    public static let continueResponse: [UInt8] = []
}
