// SPDX-License-Identifier: Apache-2.0
import EmulatorKit
import HTTPCore

/// `POST /emails/batch`: up to 100 e-mails in one request (spec §2.1). `x-batch-validation: strict` (the
/// default) sends only when every item is valid and otherwise answers the first item's error;
/// `permissive` sends the valid ones and lists the others under `errors` with their 0-based index.
extension PostflareAPI {
    static let maxBatch = 100

    func sendBatch(_ req: Request, _ p: Principal) throws -> Response {
        let mode = (req.headers["x-batch-validation"] ?? "strict").lowercased()
        guard mode == "strict" || mode == "permissive" else {
            throw PostflareError.validation("The `x-batch-validation` header must be \"strict\" or \"permissive\".")
        }
        return try idempotent(req, principal: p, endpoint: "POST /emails/batch") {
            guard let json = try? req.jsonBody() else {
                throw PostflareError.validation(
                    "Invalid JSON body. The request body must be an array of emails.",
                    status: 400
                )
            }
            guard let items = json.arrayValue else {
                throw PostflareError.validation("The request body must be an array of emails.")
            }
            guard !items.isEmpty else { throw PostflareError.validation("The batch must contain at least one email.") }
            guard items.count <= Self.maxBatch else {
                throw PostflareError.validation("Too many emails in the batch. The maximum is 100.")
            }
            let now = store.now
            let permissive = mode == "permissive"
            var stored: [EmailRecord] = []
            let result = try store.withTeam(p.teamId) { team, state throws(PostflareError) -> JSON in
                let input = EmailInput(principal: p, now: now, inBatch: true)
                var valid: [EmailRecord] = []
                var errors: [JSON] = []
                for (index, item) in items.enumerated() {
                    do throws(PostflareError) {
                        guard let obj = item.objectValue else {
                            throw .validation("Each batch item must be an email object.")
                        }
                        valid.append(try input.parse(Body(object: obj), in: team))
                    } catch {
                        if !permissive { throw error }
                        errors.append(["index": .int(index), "message": .string(error.message)])
                    }
                }
                try chargeQuota(&team, count: valid.count, now: now)
                var data: [JSON] = []
                for var email in valid {
                    email.id = IDs.uuid()
                    email.seq = state.nextSeq()
                    team.store(email)
                    stored.append(email)
                    data.append(["id": .string(email.id)])
                }
                var out: JSONObject = ["data": .array(data)]
                if permissive { out["errors"] = .array(errors) }
                return .object(out)
            }
            for email in stored { announce(email, team: p.teamId) }
            return ok(result)
        }
    }
}
