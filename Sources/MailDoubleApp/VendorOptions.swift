// SPDX-License-Identifier: Apache-2.0
import FlowdockAPI
import FlowmailerAPI
import HTTPServer
import PostflareAPI

extension MailDouble {
    static func configure(_ options: inout FlowmailerAPI.Options, _ c: AppConfiguration) {
        options.rateLimitPerSecond = c.flowmailerRateLimit
        options.tokenLifetimeSeconds = c.flowmailerTokenLifetime
        options.maxMessagesPerAccount = max(1, c.maxMessages)
    }

    static func configure(_ options: inout FlowdockAPI.Options, _ c: AppConfiguration) {
        options.maxMessagesPerFlow = max(1, c.maxMessages)
    }

    static func configure(_ options: inout PostflareAPI.Options, _ c: AppConfiguration) {
        options.rateLimitPerSecond = c.postflareRateLimit
        options.invalidKeyStatus = c.postflareInvalidKeyStatus
        options.dailyQuota = c.postflareDailyQuota
        options.monthlyQuota = c.postflareMonthlyQuota
        options.maxEmailsPerTeam = max(1, c.maxMessages)
        // Events for endpoints the sender never contacts would be followed and signed for nothing, on every
        // send: none at all when delivery is off, none for documentation domains (the fixtures' example.org
        // hook, which every benchmark send would otherwise feed). A URL we cannot parse stays deliverable, so
        // that its delivery fails with a logged reason.
        if c.postflareWebhooks {
            options.webhookEndpointFilter = { @Sendable endpoint in
                OutboundHTTP.host(of: endpoint).map { !WebhookSender.isDocumentationHost($0) } ?? true
            }
        } else {
            options.webhookEndpointFilter = { @Sendable _ in false }
        }
    }
}
