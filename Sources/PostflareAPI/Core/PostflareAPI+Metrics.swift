// SPDX-License-Identifier: Apache-2.0
import EmulatorKit

extension PostflareAPI {
    /// E-mails per team, counted under the store's lock without rendering them (`/_emulator/metrics`).
    public func storedMessageCounts() -> [String: Int] {
        (try? store.withState { state throws(PostflareError) -> [String: Int] in
            state.teams.mapValues { $0.emails.count }
        }) ?? [:]
    }
}
