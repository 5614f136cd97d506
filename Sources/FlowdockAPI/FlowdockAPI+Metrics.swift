// SPDX-License-Identifier: Apache-2.0
import EmulatorKit

extension FlowdockAPI {
    /// Messages (not removed) per organization, over its flows, without rendering them (`/_emulator/metrics`).
    /// Organizations without messages are listed with 0, like the other vendors' empty tenants.
    public func storedMessageCounts() -> [String: Int] {
        let counted =
            (try? store.withState { s -> [String: Int] in
                var counts: [String: Int] = [:]
                for flowID in s.flowOrder {
                    let kept = s.messages[flowID]?.values.reduce(0) { $0 + ($1.removed ? 0 : 1) } ?? 0
                    counts[s.tenant(ofFlow: flowID), default: 0] += kept
                }
                return counts
            }) ?? [:]
        var counts = counted
        for tenant in tenants where counts[tenant] == nil { counts[tenant] = 0 }
        return counts
    }
}
