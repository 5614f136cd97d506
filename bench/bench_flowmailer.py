# SPDX-License-Identifier: Apache-2.0
"""Flowmailer section (issue 3's acceptance), loaded by bench/bench.py.

At the REST guidelines' concurrency (wrk -c10, HTTPS/1.1 keep-alive, one OAuth token fetched beforehand):
  1. a 10-message `GET /545/messages` page (`Range: items=:10`) vs nginx serving the very same body bytes
     statically — target ≥ 0.8×;
  2. `POST /545/messages/submit` (every answer must be a 201) vs that same nginx static GET — target ≥ 0.5×.
"""
import json
import os
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request

ACCEPT = "application/vnd.flowmailer.v1.12+json"
SUBMIT_BODY = {"messageType": "EMAIL", "senderAddress": "shop@example.com",
               "recipientAddress": "customer@example.com", "subject": "Bench", "text": "Hello from wrk"}


def _insecure():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _call(port, path, data=None, headers=None, method=None):
    req = urllib.request.Request(f"https://127.0.0.1:{port}{path}", data=data, headers=headers or {},
                                 method=method)
    try:
        with urllib.request.urlopen(req, context=_insecure(), timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:  # 206 and 201 are fine; anything ≥ 400 lands here
        return e.code, e.read()


def _token(port):
    form = urllib.parse.urlencode({"client_id": "maildouble", "client_secret": "maildouble-secret",
                                   "grant_type": "client_credentials", "scope": "api"}).encode()
    status, body = _call(port, "/oauth/token", form, {"Content-Type": "application/x-www-form-urlencoded"})
    if status != 200:
        raise RuntimeError(f"/oauth/token answered {status}: {body[:200]!r}")
    return json.loads(body)["access_token"]


def flowmailer(ctx):
    # A day-long token: the default 60 s would expire in the middle of a run and turn every answer into a 401.
    md = ctx.MailDouble(ctx.work, ctx.threads, ["--flowmailer-token-lifetime", "86400"])
    ng = None
    try:
        token = _token(md.https_port)
        auth = {"Authorization": f"Bearer {token}", "Accept": ACCEPT}
        submit_headers = dict(auth, **{"Content-Type": ACCEPT})
        # The fixture account holds 3 messages; 7 more make the page a full 10.
        for i in range(7):
            body = dict(SUBMIT_BODY, recipientAddress=f"page{i}@example.com")
            status, answer = _call(md.https_port, "/545/messages/submit", json.dumps(body).encode(), submit_headers)
            if status != 201:
                raise RuntimeError(f"submit answered {status}: {answer[:200]!r}")
        time.sleep(2.5)  # let them reach DELIVERED so the page (and nginx's copy of it) stops changing
        list_headers = dict(auth, Range="items=:10")
        status, page = _call(md.https_port, "/545/messages", headers=list_headers)
        items = json.loads(page)
        if status != 206 or len(items) != 10:
            raise RuntimeError(f"GET /545/messages answered {status} with {len(items)} items")

        cert = os.path.join(md.state, "server.pem")
        key = os.path.join(md.state, "server-key.pem")
        ng = ctx.Nginx(ctx.work, ctx.threads, cert, key, {"/545/messages": page})
        # nginx ignores a Range that is not `bytes=`, so it gets the identical request and answers 200.
        lua_get = ctx.wrk_script(os.path.join(ctx.work, "flowmailer-get.lua"), "GET", "/545/messages", list_headers)
        lua_submit = ctx.wrk_script(os.path.join(ctx.work, "flowmailer-submit.lua"), "POST", "/545/messages/submit",
                                submit_headers, json.dumps(SUBMIT_BODY))

        print(f"flowmailer — wrk -c10 HTTPS/1.1 keep-alive, {ctx.threads} thread(s)/worker(s), {ctx.seconds}s per run,"
              f" {ctx.rounds} round(s); page = {len(page)} bytes")
        static = lambda: ctx.wrk(f"https://127.0.0.1:{ng.port}/545/messages", connections=10,
                                 seconds=ctx.seconds, script=lua_get)
        ours, theirs, bad, bad_ng = ctx.paired(
            lambda: ctx.wrk(f"https://127.0.0.1:{md.https_port}/545/messages", connections=10,
                            seconds=ctx.seconds, script=lua_get), static, ctx.rounds)
        if bad or bad_ng:
            print(f"  WARNING: non-2xx answers: maildouble {bad}, nginx {bad_ng}")
        ctx.report("GET /545/messages (10 items) vs static", ours, theirs, 0.8)

        submitted, theirs, bad, _ = ctx.paired(
            lambda: ctx.wrk(f"https://127.0.0.1:{md.https_port}/545/messages/submit", connections=10,
                            seconds=ctx.seconds, script=lua_submit), static, ctx.rounds)
        print(f"  submit answers other than 2xx: {bad}" + ("" if bad == 0 else "  (figure not trustworthy)"))
        ctx.report("POST /545/messages/submit vs static GET", submitted, theirs, 0.5)
        ctx.results["flowmailer_submit_non2xx"] = bad
    finally:
        if ng:
            ng.stop()
        md.stop()


SECTIONS = {"flowmailer": flowmailer}
