// SPDX-License-Identifier: Apache-2.0
import EmulatorKit

extension FlowmailerAPI {
    /// Messages per account, counted without rendering them (a scrape of `/_emulator/metrics`).
    public func storedMessageCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for account in store.allAccounts() { counts[account.id] = account.messages.count }
        return counts
    }
}
