import EmulatorKit
import HTTPCore
public final class FlowdockAPI: Sendable {
    public struct Options: Sendable { public init() {} }
    public init(clock: EmulatorClock, fixtures: JSON?, options: Options = Options()) throws {}
    public func makeRouter() -> Router { Router() }
}
