# SPDX-License-Identifier: Apache-2.0
"""Fault-plan section (issue 10, item 4), loaded by bench/bench.py.

wrk -c16 over HTTPS/1.1 keep-alive on Postflare `GET /domains` (full-access key, rate limit off), in interleaved
rounds: with 100 fault rules that match other routes (50 on Postflare's other routes, 25 on Flowmailer's, 25 path
globs and header conditions that never hold) against none — target ≤ 5 % slower, i.e. a ratio ≥ 0.95×. With no
rule set the cost is one atomic load per request; the transport section's ratios show it stays in their spread.
"""
import json
import ssl
import urllib.request

KEY = "re_test_maildouble_full"


def _control(md, method, path, body=None):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"https://127.0.0.1:{md.https_port}{path}", data=data, method=method)
    with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
        return r.status


def _rules():
    never = {"action": {"status": 503}, "times": None}
    rules = []
    for i in range(50):
        route = ["/emails/{id}", "/emails/batch", "/contacts", "/webhooks/{id}", "/api-keys"][i % 5]
        rules.append({**never, "match": {"vendor": "postflare", "route": route, "method": ["GET", "POST"][i % 2]}})
    for i in range(25):
        rules.append({**never, "match": {"vendor": "flowmailer", "route": "/{account_id}/messages/submit"}})
    for i in range(13):
        rules.append({**never, "match": {"path": f"/nothing-{i}/**"}})
    for i in range(12):
        rules.append({**never, "match": {"header": {"name": f"X-Never-{i}"}}})
    return rules


def faults(ctx):
    md = ctx.MailDouble(ctx.work, ctx.threads)
    try:
        script = ctx.wrk_script(f"{ctx.work}/faults-domains.lua", "GET", "/domains", {"Authorization": f"Bearer {KEY}"})
        url = f"https://127.0.0.1:{md.https_port}/domains"
        rules = _rules()

        def with_rules():
            assert _control(md, "POST", "/_emulator/faults", rules) == 201
            try:
                return ctx.wrk(url, seconds=ctx.seconds, script=script)
            finally:
                _control(md, "DELETE", "/_emulator/faults")

        def without():
            return ctx.wrk(url, seconds=ctx.seconds, script=script)

        print(f"faults — Postflare GET /domains, {len(rules)} non-matching rules vs none, {ctx.rounds} round(s)")
        ours, theirs, bad_ours, bad_theirs = ctx.paired(with_rules, without, ctx.rounds)
        ctx.report("wrk -c16 GET /domains, 100 rules vs none", ours, theirs, 0.95, peer="no rules")
        if bad_ours or bad_theirs:
            print(f"  non-2xx answers: {bad_ours} with rules, {bad_theirs} without (a rule fired: fix the bench)")
    finally:
        md.stop()


SECTIONS = {"faults": faults}
