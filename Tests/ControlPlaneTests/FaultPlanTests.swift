// SPDX-License-Identifier: Apache-2.0
import ControlPlane
import EmulatorKit
import Glibc
import HTTPCore
import Testing

/// Fault rules without sockets: parsing, matching, `times`, seeded probability, the glob.
@Suite struct FaultPlanTests {
    static let routers = ["emulator", "flowmailer", "postflare", "flowdock"]
    static let vendors = Array(routers.dropFirst())

    static func rule(_ text: String) throws -> FaultRule {
        try FaultRuleParser.parse(JSON.parse(Array(text.utf8)), vendors: vendors)
    }

    static func plan(_ rules: String...) throws -> FaultPlan {
        let plan = FaultPlan(routerNames: routers)
        plan.add(try rules.map(rule), at: Timestamp(millis: 0))
        return plan
    }

    static func request(
        _ method: HTTPMethod = .POST,
        _ target: String = "/emails",
        headers: HTTPHeaders = [:],
        local: String = "127.0.0.1:8443"
    ) -> Request {
        var r = Request(method: method, target: target, headers: headers)
        r.localAddress = local
        return r
    }

    /// Fires against router `router` (an index in `routers`) and `route`, counting tenant look-ups.
    static func fire(
        _ plan: FaultPlan,
        _ request: Request,
        router: Int? = 2,
        route: String? = "/emails",
        tenant: String? = nil,
        asked: UnsafeMutablePointer<Int>? = nil
    ) -> String? {
        plan.fire(request, router: router, route: route) { _ in
            asked?.pointee += 1
            return tenant
        }?.id
    }

    @Test func rulesForARouteAndRulesForAnyRouteFireInCreationOrder() throws {
        // Rules with a `route` are indexed by it; the merge with the route-less ones keeps creation order.
        let plan = try Self.plan(
            #"{"match":{},"action":{"status":500}}"#,
            #"{"match":{"route":"/emails"},"action":{"status":501}}"#,
            #"{"match":{"route":"/domains"},"action":{"status":502}}"#,
            #"{"match":{"method":"POST"},"action":{"status":503}}"#,
            #"{"match":{"route":"/emails","vendor":"flowdock"},"action":{"status":504}}"#
        )
        #expect(Self.fire(plan, Self.request()) == "flt_1")
        #expect(Self.fire(plan, Self.request()) == "flt_2")
        #expect(Self.fire(plan, Self.request()) == "flt_4")  // flt_3 is for /domains, flt_5 for another vendor
        #expect(Self.fire(plan, Self.request()) == nil)
        #expect(Self.fire(plan, Self.request(.GET, "/domains"), route: "/domains") == "flt_3")
        #expect(Self.fire(plan, Self.request(), router: 3) == "flt_5")
    }

    @Test func globStarStaysInASegmentAndDoubleStarCrossesThem() {
        let one = FaultGlob("/*/messages/submit")
        #expect(one.matches("/545/messages/submit"))
        #expect(!one.matches("/545/x/messages/submit"))
        #expect(!one.matches("/545/messages/submit/x"))
        let any = FaultGlob("/545/**")
        #expect(any.matches("/545/messages/submit") && any.matches("/545/") && !any.matches("/546/messages"))
        #expect(FaultGlob("/emails/*").matches("/emails/abc") && !FaultGlob("/emails/*").matches("/emails/a/b"))
        #expect(FaultGlob("/**/submit").matches("/1/2/3/submit"))
        #expect(FaultGlob("/emails").matches("/emails") && !FaultGlob("/emails").matches("/emails/"))
        // Header values: no separator, `*` crosses `/` too.
        #expect(FaultGlob("application/*", separator: nil).matches("application/vnd.x/y"))
    }

    @Test func everyGivenConditionMustHold() throws {
        let plan = try Self.plan(
            #"{"match":{"vendor":"postflare","method":"post","route":"/emails","path":"/emails","#
                + #""header":{"name":"X-Test","value":"fail-*"},"credential":"re_key","local_address":":8443"},"#
                + #""action":{"status":503},"times":null}"#
        )
        let good: HTTPHeaders = ["X-Test": "fail-now", "Authorization": "Bearer re_key"]
        #expect(Self.fire(plan, Self.request(headers: good)) == "flt_1")
        #expect(Self.fire(plan, Self.request(.GET, headers: good)) == nil)
        #expect(Self.fire(plan, Self.request(headers: good), router: 1) == nil)
        #expect(Self.fire(plan, Self.request(headers: good), route: "/emails/batch") == nil)
        #expect(Self.fire(plan, Self.request(headers: ["X-Test": "ok", "Authorization": "Bearer re_key"])) == nil)
        #expect(Self.fire(plan, Self.request(headers: ["Authorization": "Bearer re_key"])) == nil)
        #expect(Self.fire(plan, Self.request(headers: ["X-Test": "fail-1", "Authorization": "Bearer other"])) == nil)
        #expect(Self.fire(plan, Self.request(headers: good, local: "127.0.0.1:8080")) == nil)
    }

    @Test func anEmptyMatchHitsEveryVendorRequestAndTheFallback() throws {
        let plan = try Self.plan(#"{"match":{},"action":{"drop":"before"},"times":null}"#)
        #expect(Self.fire(plan, Self.request(), router: 1, route: nil) == "flt_1")
        #expect(Self.fire(plan, Self.request(), router: nil, route: nil) == "flt_1")
    }

    @Test func credentialsAreTheBearerTokenTheBasicUserOrTheAccessToken() throws {
        let plan = try Self.plan(#"{"match":{"credential":"tok"},"action":{"reset":true},"times":null}"#)
        #expect(Self.fire(plan, Self.request(headers: ["Authorization": "Bearer tok"])) == "flt_1")
        let basic = "Basic " + Base64.encode(Array("tok:".utf8))
        #expect(Self.fire(plan, Self.request(headers: ["Authorization": basic])) == "flt_1")
        #expect(Self.fire(plan, Self.request(.GET, "/flows?access_token=tok")) == "flt_1")
        #expect(Self.fire(plan, Self.request(.GET, "/flows?access_token=other")) == nil)
    }

    @Test func theTenantIsAskedOnlyByARuleThatWantsItAndOncePerRequest() throws {
        var asked = 0
        let untenanted = try Self.plan(#"{"match":{"vendor":"postflare"},"action":{"status":500},"times":null}"#)
        #expect(Self.fire(untenanted, Self.request(), tenant: "team_a", asked: &asked) == "flt_1")
        #expect(asked == 0)
        let tenanted = try Self.plan(
            #"{"match":{"tenant":"team_b"},"action":{"status":500}}"#,
            #"{"match":{"tenant":"team_c"},"action":{"status":500}}"#
        )
        #expect(Self.fire(tenanted, Self.request(), tenant: "team_a", asked: &asked) == nil)
        #expect(asked == 1)
        #expect(Self.fire(tenanted, Self.request(), tenant: "team_c") == "flt_2")
    }

    @Test func timesCountDownAndAUsedUpRuleStaysListedButNeverFires() throws {
        let plan = try Self.plan(#"{"match":{"route":"/emails"},"action":{"status":503},"times":2}"#)
        #expect(Self.fire(plan, Self.request()) == "flt_1")
        #expect(plan.entries.first?.remaining == 1)
        #expect(Self.fire(plan, Self.request()) == "flt_1")
        #expect(Self.fire(plan, Self.request()) == nil)
        let entry = try #require(plan.entries.first)
        #expect(entry.fired == 2 && entry.remaining == 0)
        let json = FaultRoutes.json(entry)
        #expect(json["fired"] == 2 && json["remaining"] == 0 && json["times"] == 2)
        #expect(json["id"] == "flt_1" && json["action"] == ["status": 503])
    }

    @Test func theFirstMatchingRuleInCreationOrderFiresThenTheNext() throws {
        let plan = try Self.plan(
            #"{"match":{"route":"/emails"},"action":{"status":500}}"#,
            #"{"match":{},"action":{"status":502}}"#
        )
        #expect(Self.fire(plan, Self.request()) == "flt_1")
        #expect(Self.fire(plan, Self.request()) == "flt_2")
        #expect(Self.fire(plan, Self.request()) == nil)
        #expect(plan.isEmpty == false)
        #expect(plan.remove(id: "flt_1")?.fired == 1)
        #expect(plan.remove(id: "flt_1") == nil)
        #expect(plan.removeAll() == 1)
        #expect(plan.isEmpty)
    }

    @Test func aSeedMakesTheProbabilityDrawsRepeatRunToRun() throws {
        func sequence(seed: Int) throws -> [Bool] {
            let plan = try Self.plan(
                #"{"match":{},"action":{"status":503},"times":null,"probability":0.5,"seed":\#(seed)}"#
            )
            return (0..<64).map { _ in Self.fire(plan, Self.request()) != nil }
        }
        let first = try sequence(seed: 42)
        #expect(try sequence(seed: 42) == first)
        #expect(try sequence(seed: 7) != first)
        let fired = first.filter { $0 }.count
        #expect(fired > 16 && fired < 48)  // about half
    }

    @Test func aFailedDrawLetsALaterRuleFire() throws {
        // seed 1's first draw is checked against a tiny probability: it fails, the catch-all fires.
        let plan = try Self.plan(
            #"{"match":{},"action":{"status":503},"probability":0.000001,"seed":1}"#,
            #"{"match":{},"action":{"status":500}}"#
        )
        #expect(Self.fire(plan, Self.request()) == "flt_2")
    }

    @Test func twoThreadsRacingForATimesOneRuleFireItOnce() throws {
        for _ in 0..<20 {
            let plan = try Self.plan(#"{"match":{},"action":{"status":503}}"#)
            let wins = Locked(0)
            let group = DispatchGroupLike(count: 4)
            for _ in 0..<4 {
                group.spawn {
                    for _ in 0..<50 where Self.fire(plan, Self.request()) != nil { wins.withLock { $0 += 1 } }
                }
            }
            group.join()
            #expect(wins.withLock { $0 } == 1)
            #expect(plan.entries.first?.fired == 1)
        }
    }

    @Test func refuseRulesAnswerOnlyTheListenerCheck() throws {
        let plan = try Self.plan(#"{"match":{"local_address":"127.0.0.2"},"action":{"refuse":true},"times":null}"#)
        #expect(plan.isEmpty && plan.hasListenerRules)
        #expect(plan.refusal(localAddress: "127.0.0.2:8443")?.id == "flt_1")
        #expect(plan.refusal(localAddress: "127.0.0.1:8443") == nil)
        #expect(Self.fire(plan, Self.request(local: "127.0.0.2:8443")) == nil)
        #expect(plan.entries.first?.fired == 1)
    }

    @Test func localAddressesTakeAHostAPortOrBoth() throws {
        let host = try #require(FaultMatch.AddressCondition("127.0.0.2"))
        #expect(host.matches("127.0.0.2:1") && !host.matches("127.0.0.20:1"))
        let port = try #require(FaultMatch.AddressCondition(":8025"))
        #expect(port.matches("127.0.0.9:8025") && port.matches("[::1]:8025") && !port.matches("127.0.0.9:8026"))
        let both = try #require(FaultMatch.AddressCondition("[::1]:8025"))
        #expect(both.matches("[::1]:8025") && !both.matches("127.0.0.1:8025"))
        #expect(FaultMatch.AddressCondition("::1")?.matches("[::1]:1") == true)
        for bad in ["", ":", "host.example", "127.0.0.1:99999", "[::1", "1.2.3.4:x"] {
            #expect(FaultMatch.AddressCondition(bad) == nil, "\(bad)")
        }
    }

    @Test func badRulesAreRefusedWithASentence() throws {
        let bad = [
            #""text""#, #"{"action":{"status":503},"extra":1}"#, #"{"match":{}}"#,
            #"{"action":{}}"#, #"{"action":{"status":503,"drop":"before"}}"#, #"{"action":{"status":200}}"#,
            #"{"action":{"status":"503"}}"#, #"{"action":{"status":503,"headers":{"X":1}}}"#,
            #"{"action":{"status":503,"headers":{"Bad Name":"v"}}}"#,
            #"{"action":{"status":503,"headers":{"X":"a\r\nb"}}}"#, #"{"action":{"status":503,"retry_after":-1}}"#,
            #"{"action":{"delay_ms":60001}}"#, #"{"action":{"delay_ms":"10"}}"#, #"{"action":{"drop":"later"}}"#,
            #"{"action":{"reset":false}}"#, #"{"action":{"slow_body":0}}"#, #"{"action":{"rst_stream":"NOPE"}}"#,
            #"{"action":{"goaway":7}}"#, #"{"action":{"refuse":true}}"#,
            #"{"match":{"local_address":"127.0.0.2","vendor":"postflare"},"action":{"refuse":true}}"#,
            #"{"action":{"reset":true,"message":"x"}}"#, #"{"match":{"vendor":"emulator"},"action":{"reset":true}}"#,
            #"{"match":{"route":"/_emulator/health"},"action":{"reset":true}}"#,
            #"{"match":{"path":"emails"},"action":{"reset":true}}"#,
            #"{"match":{"header":{"value":"x"}},"action":{"reset":true}}"#,
            #"{"match":{"local_address":"nowhere"},"action":{"reset":true}}"#,
            #"{"match":{"colour":"red"},"action":{"reset":true}}"#, #"{"match":[],"action":{"reset":true}}"#,
            #"{"action":{"reset":true},"times":0}"#, #"{"action":{"reset":true},"times":1.5}"#,
            #"{"action":{"reset":true},"probability":0}"#, #"{"action":{"reset":true},"probability":1.01}"#,
            #"{"action":{"reset":true},"seed":"x"}"#, #"{"action":{"reset":true},"seed":1.5}"#,
        ]
        for text in bad {
            guard let json = try? JSON.parse(Array(text.utf8)) else { continue }
            do {
                _ = try FaultRuleParser.parseBody(json, vendors: Self.vendors)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.response.status == .badRequest, "\(text)")
                let body = try JSON.parse(error.response.body)
                #expect(body["error"] == "Bad Request" && (body["message"]?.stringValue?.isEmpty == false), "\(text)")
            }
        }
    }

    @Test func defaultsAndNamedCodesAreFilledIn() throws {
        let r = try Self.rule(#"{"action":{"rst_stream":true}}"#)
        #expect(r.times == 1 && r.probability == 1 && r.seed == nil)
        #expect(r.action == .rstStream(code: 2))
        #expect(try Self.rule(#"{"action":{"goaway":"enhance_your_calm"}}"#).action == .goaway(code: 0xb))
        #expect(try Self.rule(#"{"action":{"goaway":true},"times":null}"#).times == nil)
        #expect(try Self.rule(#"{"action":{"reset":true},"seed":-1}"#).seed == UInt64.max)
        let status = try Self.rule(
            #"{"action":{"status":429,"retry_after":5,"body":{"x":1},"headers":{"X-A":"b"},"message":"m"}}"#
        )
        #expect(
            status.action
                == .status(
                    .init(
                        status: 429,
                        message: "m",
                        body: .json(["x": 1]),
                        headers: [.init(name: "X-A", value: "b")],
                        retryAfter: 5
                    )
                )
        )
        let (rules, isArray) = try FaultRuleParser.parseBody(
            JSON.parse(Array(#"[{"action":{"reset":true}},{"action":{"drop":"after_commit"}}]"#.utf8)),
            vendors: Self.vendors
        )
        #expect(isArray && rules.count == 2 && rules[1].action == .drop(afterCommit: true))
    }
}

/// Threads for the race test (pthread, so that the test runs the same under any sanitizer).
final class DispatchGroupLike: @unchecked Sendable {
    // @unchecked: `threads` is touched only by the creating thread (spawn, join).
    private var threads: [pthread_t] = []
    private let barrier: UnsafeMutablePointer<pthread_barrier_t>

    init(count: Int) {
        barrier = .allocate(capacity: 1)
        pthread_barrier_init(barrier, nil, UInt32(count))
    }

    deinit {
        pthread_barrier_destroy(barrier)
        barrier.deallocate()
    }

    /// Starts `body` on a new thread; every spawned body starts together once `count` are waiting.
    func spawn(_ body: @escaping @Sendable () -> Void) {
        let barrier = self.barrier
        let box = Unmanaged.passRetained(
            ThreadBody { [barrier] in
                pthread_barrier_wait(barrier)
                body()
            }
        ).toOpaque()
        var thread = pthread_t()
        pthread_create(&thread, nil, runThreadBody, box)
        threads.append(thread)
    }

    func join() {
        for t in threads { pthread_join(t, nil) }
        threads = []
    }
}

final class ThreadBody: @unchecked Sendable {
    // @unchecked: the closure is run once, by the thread it was handed to.
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

private func runThreadBody(_ arg: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    Unmanaged<ThreadBody>.fromOpaque(arg!).takeRetainedValue().run()
    return nil
}
