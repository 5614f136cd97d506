// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// Seeds the store from `fixtures/postflare.json`:
/// `{"teams":[{"id","owner_email","rate_limit"?,"api_keys":[…],"domains":[…],"segments":[…],
/// "contacts":[…],"topics":[…],"contact_properties":[…],"templates":[…],"webhooks":[…],"emails":[…]}]}`
/// (`emails`: sent e-mails, Fixtures+Emails.swift).
/// Ids in the file are kept as given, so that documentation examples stay valid across restarts.
enum PostflareFixtures {
    /// Loads every team; returns the teams that have their own rate limit, and the first team's id (the
    /// template of provisioned tenants).
    static func load(_ json: JSON, into store: PostflareStore) throws -> (limits: [String: Int], first: String?) {
        guard let teams = json["teams"]?.arrayValue else {
            throw FixtureError(vendor: "postflare", "no `teams` array")
        }
        let now = store.now
        var limits: [String: Int] = [:]
        var first: String?
        var failure: FixtureError?
        try store.withState { state throws(PostflareError) in
            for (n, t) in teams.enumerated() {
                let teamId = t["id"]?.stringValue ?? IDs.uuid()
                if first == nil { first = teamId }
                var team = Team(
                    id: teamId,
                    ownerEmail: t["owner_email"]?.stringValue ?? "owner@example.org",
                    rateLimit: t["rate_limit"]?.intValue
                )
                if let l = team.rateLimit { limits[teamId] = l }
                for d in t["domains"]?.arrayValue ?? [] {
                    let id = d["id"]?.stringValue ?? IDs.uuid()
                    team.domains[id] = DomainRecord(
                        id: id,
                        name: d["name"]?.stringValue ?? "example.org",
                        region: d["region"]?.stringValue ?? "us-east-1",
                        createdAt: now,
                        openTracking: d["open_tracking"]?.boolValue ?? false,
                        clickTracking: d["click_tracking"]?.boolValue ?? false,
                        tls: "opportunistic",
                        customReturnPath: "send",
                        trackingSubdomain: nil,
                        sending: true,
                        receiving: false,
                        verified: (d["status"]?.stringValue ?? "verified") == "verified",
                        verifyRequestedAt: nil,
                        seq: state.nextSeq()
                    )
                }
                for s in t["segments"]?.arrayValue ?? [] {
                    let id = s["id"]?.stringValue ?? IDs.uuid()
                    team.segments[id] = SegmentRecord(
                        id: id,
                        name: s["name"]?.stringValue ?? "General",
                        createdAt: now,
                        seq: state.nextSeq()
                    )
                }
                for tp in t["topics"]?.arrayValue ?? [] {
                    let id = tp["id"]?.stringValue ?? IDs.uuid()
                    team.topics[id] = TopicRecord(
                        id: id,
                        name: tp["name"]?.stringValue ?? "Topic",
                        description: tp["description"]?.stringValue,
                        defaultSubscription: tp["default_subscription"]?.stringValue ?? "opt_in",
                        visibility: tp["visibility"]?.stringValue ?? "public",
                        createdAt: now,
                        seq: state.nextSeq()
                    )
                }
                for cp in t["contact_properties"]?.arrayValue ?? [] {
                    let id = cp["id"]?.stringValue ?? IDs.uuid()
                    team.properties[id] = ContactPropertyRecord(
                        id: id,
                        key: cp["key"]?.stringValue ?? "key",
                        type: cp["type"]?.stringValue ?? "string",
                        fallbackValue: cp["fallback_value"] ?? .null,
                        createdAt: now,
                        seq: state.nextSeq()
                    )
                }
                for c in t["contacts"]?.arrayValue ?? [] {
                    let id = c["id"]?.stringValue ?? IDs.uuid()
                    team.contacts[id] = ContactRecord(
                        id: id,
                        email: c["email"]?.stringValue ?? "\(id)@example.org",
                        firstName: c["first_name"]?.stringValue,
                        lastName: c["last_name"]?.stringValue,
                        unsubscribed: c["unsubscribed"]?.boolValue ?? false,
                        properties: c["properties"]?.objectValue ?? JSONObject(),
                        segmentIds: (c["segments"]?.arrayValue ?? []).compactMap(\.stringValue),
                        topics: [:],
                        createdAt: now,
                        seq: state.nextSeq()
                    )
                }
                for tm in t["templates"]?.arrayValue ?? [] {
                    let id = tm["id"]?.stringValue ?? IDs.uuid()
                    let content = TemplateContent(
                        name: tm["name"]?.stringValue ?? "Template",
                        alias: tm["alias"]?.stringValue,
                        from: tm["from"]?.stringValue,
                        subject: tm["subject"]?.stringValue,
                        replyTo: tm["reply_to"]?.arrayValue?.compactMap(\.stringValue),
                        html: tm["html"]?.stringValue ?? "",
                        text: tm["text"]?.stringValue,
                        variables: (tm["variables"]?.arrayValue ?? []).map { v in
                            TemplateVariable(
                                id: IDs.uuid(),
                                key: v["key"]?.stringValue ?? "",
                                type: v["type"]?.stringValue ?? "string",
                                fallbackValue: v["fallback_value"] ?? .null,
                                createdAt: now
                            )
                        }
                    )
                    let published = (tm["status"]?.stringValue ?? "published") == "published"
                    team.templates[id] = TemplateRecord(
                        id: id,
                        draft: content,
                        published: published ? content : nil,
                        currentVersionId: IDs.uuid(),
                        createdAt: now,
                        updatedAt: now,
                        publishedAt: published ? now : nil,
                        hasUnpublishedVersions: false,
                        seq: state.nextSeq()
                    )
                }
                for w in t["webhooks"]?.arrayValue ?? [] {
                    let id = w["id"]?.stringValue ?? IDs.uuid()
                    team.webhooks[id] = WebhookRecord(
                        id: id,
                        endpoint: w["endpoint"]?.stringValue ?? "https://example.org/webhooks",
                        events: (w["events"]?.arrayValue ?? []).compactMap(\.stringValue),
                        status: w["status"]?.stringValue ?? "enabled",
                        signingSecret: w["signing_secret"]?.stringValue ?? Webhooks.newSecret(),
                        createdAt: now,
                        seq: state.nextSeq()
                    )
                }
                for k in t["api_keys"]?.arrayValue ?? [] {
                    guard let token = k["token"]?.stringValue else { continue }
                    let key = APIKeyRecord(
                        id: k["id"]?.stringValue ?? IDs.uuid(),
                        name: k["name"]?.stringValue ?? "Key",
                        token: token,
                        permission: k["permission"]?.stringValue ?? "full_access",
                        domainId: k["domain_id"]?.stringValue,
                        createdAt: now,
                        seq: state.nextSeq()
                    )
                    team.keys[key.id] = key
                    state.index(key, team: teamId)
                }
                do throws(FixtureError) {
                    let emails = try FixtureEmails.parse(
                        t["emails"]?.arrayValue ?? [],
                        team: team,
                        path: "teams[\(n)]",
                        now: now
                    )
                    for var email in emails {
                        // Inspection finds an e-mail by its id alone, across teams.
                        if state.teams.values.contains(where: { $0.emails[email.id] != nil }) {
                            throw FixtureError(
                                vendor: PostflareAPI.vendorName,
                                path: "teams[\(n)].emails",
                                "the e-mail id '\(email.id)' is already another team's"
                            )
                        }
                        email.seq = state.nextSeq()
                        // Not `Team.store`: history is not followed for webhooks.
                        team.emails.upsert(email)
                    }
                } catch {
                    failure = error
                    return
                }
                state.teams[teamId] = team
            }
        }
        if let failure { throw failure }
        return (limits, first)
    }

    /// The built-in team used when no fixture file is given (the same content as `fixtures/postflare.json`).
    static let defaultFixtures: JSON = [
        "teams": [
            [
                "id": "team_maildouble", "owner_email": "owner@example.org",
                "api_keys": [
                    [
                        "id": "9a3c8a52-1d0e-4b6f-9d5e-0c1f2a3b4c5d", "name": "Full access",
                        "token": "re_test_maildouble_full",
                        "permission": "full_access",
                    ],
                    [
                        "id": "2b7e4f10-6c3a-4d8e-a1b2-3c4d5e6f7a8b", "name": "Sending only",
                        "token": "re_test_maildouble_send",
                        "permission": "sending_access",
                    ],
                ],
                "domains": [
                    ["id": "4dd369bc-aa82-4ff3-97de-514ae3000ee0", "name": "example.org", "status": "verified"]
                ],
            ]
        ]
    ]
}
