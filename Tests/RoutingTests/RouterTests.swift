// SPDX-License-Identifier: Apache-2.0
import Glibc
import HTTPCore
import Routing
import Testing

@Suite struct RouterTests {
    func makeRouter() -> Router {
        var r = Router()
        r.get("/flows/all") { _ in .text("all") }
        r.get("/flows/{org}") { .text("org=" + $0.parameter("org")) }
        r.post("/flows/{org}/{flow}/messages") { .text($0.parameter("org") + "/" + $0.parameter("flow")) }
        r.get("/{account_id}/messages") { .text("acct=" + $0.parameter("account_id")) }
        r.get("/files/{path...}") { .text("file=" + $0.parameter("path")) }
        return r
    }

    @Test func literalBeatsCapture() {
        let r = makeRouter()
        #expect(
            String(decoding: r.respond(to: Request(method: .GET, target: "/flows/all")).body, as: UTF8.self) == "all"
        )
        #expect(
            String(decoding: r.respond(to: Request(method: .GET, target: "/flows/acme")).body, as: UTF8.self)
                == "org=acme"
        )
    }

    @Test func matrixParametersAreNotPartOfTheSegment() {
        let r = makeRouter()
        let req = Request(
            method: .GET,
            target: "/545/messages;daterange=2021-12-30T00:00:00Z,2021-12-31T00:00:00%2B01:00?addevents=true"
        )
        #expect(req.matrixParameters["daterange"] == "2021-12-30T00:00:00Z,2021-12-31T00:00:00+01:00")
        #expect(req.query("addevents") == "true")
        #expect(String(decoding: r.respond(to: req).body, as: UTF8.self) == "acct=545")
    }

    @Test func plusStaysPlusInPathButIsSpaceInQuery() {
        let req = Request(method: .GET, target: "/a;range=2021+01?q=a+b")
        #expect(req.matrixParameters["range"] == "2021+01")
        #expect(req.query("q") == "a b")
    }

    @Test func methodNotAllowedListsAllow() {
        let r = makeRouter()
        let res = r.respond(to: Request(method: .DELETE, target: "/flows/acme"))
        #expect(res.status == .methodNotAllowed)
        #expect(res.headers["allow"] == "GET, HEAD")
    }

    @Test func headFallsBackToGetAndUnknownIs404() {
        let r = makeRouter()
        #expect(r.respond(to: Request(method: .HEAD, target: "/flows/all")).status == .ok)
        #expect(r.respond(to: Request(method: .GET, target: "/nope/x/y")).status == .notFound)
        #expect(
            String(decoding: r.respond(to: Request(method: .GET, target: "/files/a/b.png")).body, as: UTF8.self)
                == "file=a/b.png"
        )
    }

    @Test func handlerErrorsBecomeResponses() {
        var r = Router()
        r.get("/teapot") { _ in throw HTTPError(.conflict, json: ["x": 1]) }
        struct Boom: Error {}
        r.get("/boom") { _ in throw Boom() }
        #expect(r.respond(to: Request(method: .GET, target: "/teapot")).status == .conflict)
        let boom = r.respond(to: Request(method: .GET, target: "/boom"))
        #expect(boom.status == .internalServerError)
        #expect(!String(decoding: boom.body, as: UTF8.self).contains("Boom"))
    }

    @Test func deferredResponseCompletesFromAnotherThread() async {
        var r = Router()
        r.get("/later") { _ in
            let promise = ResponsePromise()
            Thread.detach { promise.complete(.text("done")) }
            return .later(promise)
        }
        let res = r.respond(to: Request(method: .GET, target: "/later"))
        let final = await res.deferred!.value
        #expect(String(decoding: final.body, as: UTF8.self) == "done")
    }
}

/// A bare pthread, to prove completion from a thread the router never saw.
enum Thread {
    static func detach(_ body: @escaping @Sendable () -> Void) {
        final class Box: @unchecked Sendable {
            let body: @Sendable () -> Void
            init(_ b: @escaping @Sendable () -> Void) { body = b }
        }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var tid = pthread_t()
        pthread_create(
            &tid,
            nil,
            { arg in
                let b = Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue()
                b.body()
                return nil
            },
            box
        )
        pthread_detach(tid)
    }
}
