// SPDX-License-Identifier: Apache-2.0
import FlowmailerAPI
import PostflareAPI

extension MailDouble {
    static func configure(_ options: inout FlowmailerAPI.Options, _ c: AppConfiguration) {
        options.rateLimitPerSecond = c.flowmailerRateLimit
        options.tokenLifetimeSeconds = c.flowmailerTokenLifetime
    }

    static func configure(_ options: inout PostflareAPI.Options, _ c: AppConfiguration) {
        options.rateLimitPerSecond = c.postflareRateLimit
        options.invalidKeyStatus = c.postflareInvalidKeyStatus
        options.dailyQuota = c.postflareDailyQuota
        options.monthlyQuota = c.postflareMonthlyQuota
    }
}
