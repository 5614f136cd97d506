// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// Mail header values that Flowmailer renders.
enum MailDate {
    /// `Name <address>` or the bare address.
    static func mailbox(_ name: String?, _ address: String) -> String {
        guard let name, !name.isEmpty else { return address }
        return "\(name) <\(address)>"
    }
}
