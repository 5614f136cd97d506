# SPDX-License-Identifier: Apache-2.0
"""Control-plane section (issue 10's acceptance), loaded by bench/bench.py. Plain HTTP/1.1 on the http port.

  control-wait     median time from a send's response (POST /emails) to the response of a `wait` parked for
                   it on another connection — target ≤ 2 ms; then wrk -c16 POST /emails alone vs with 1,000
                   parked waiters (each for another recipient) — target ≤ 5 % slower
  control-faults   wrk -c16 POST /emails with no fault rule vs 100 rules that match other routes — target
                   ≤ 5 % slower
Each round resets Postflare first, so that what earlier runs stored does not enter the figures.
"""
import json
import socket
import statistics
import time

KEY = "re_test_maildouble_full"


def _request(method, path, body=None, headers=None):
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    payload = b"" if body is None else json.dumps(body).encode()
    for k, v in (headers or {}).items():
        head.append(f"{k}: {v}")
    if body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + payload


def _read_response(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        rest += sock.recv(65536)
    return int(head.split(b" ")[1]), rest[:length]


def _call(port, method, path, body=None, headers=None):
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(_request(method, path, body, headers))
        return _read_response(s)


def _parked(port):
    return json.loads(_call(port, "GET", "/_emulator/health")[1])["parked_waiters"]


def _until(predicate, limit=30.0):
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError("condition not reached")
        time.sleep(0.005)


def _send_body(to):
    return {"from": "Acme <hello@example.org>", "to": [to], "subject": "Bench", "text": "Hello from the benchmark"}


def _park(port, count, prefix):
    socks = []
    for i in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(_request("GET", f"/_emulator/messages/wait?vendor=postflare&to={prefix}-{i}@acme.io&timeout=300"))
        socks.append(s)
    _until(lambda: _parked(port) >= count)
    return socks


def _release(port, socks):
    for s in socks:
        s.close()
    _until(lambda: _parked(port) == 0)


def _email_script(ctx):
    return ctx.wrk_script(f"{ctx.work}/control-email.lua", "POST", "/emails",
                          {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
                          json.dumps(_send_body("delivered@resend.dev")))


def control_wait(ctx):
    md = ctx.MailDouble(ctx.work, ctx.threads)
    try:
        port = md.http_port
        auth = {"Authorization": f"Bearer {KEY}"}
        print(f"control-wait — {ctx.threads} thread(s)")
        gaps = []
        for i in range(200):
            waiter = socket.create_connection(("127.0.0.1", port))
            waiter.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            waiter.sendall(_request("GET", f"/_emulator/messages/wait?vendor=postflare&to=lat-{i}@acme.io&timeout=30"))
            _until(lambda: _parked(port) == 1)
            with socket.create_connection(("127.0.0.1", port)) as sender:
                sender.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sender.sendall(_request("POST", "/emails", _send_body(f"lat-{i}@acme.io"), auth))
                status, _ = _read_response(sender)
                sent = time.perf_counter()
            woken, _ = _read_response(waiter)
            gaps.append((time.perf_counter() - sent) * 1000)
            waiter.close()
            assert status == 200 and woken == 200, (status, woken)
        median = statistics.median(gaps)
        p90 = sorted(gaps)[int(len(gaps) * 0.9)]
        print(f"  send response → wait response: median {median:.3f} ms, p90 {p90:.3f} ms over {len(gaps)}"
              f"  (target ≤ 2 ms: {'met' if median <= 2 else 'NOT met'})")
        ctx.results["wait_latency_ms_median"] = round(median, 3)

        script = _email_script(ctx)
        url = f"http://127.0.0.1:{port}/emails"
        alone, loaded = [], []
        # This machine's rate drifts by ±25 % between 5-second runs (seen: 15k–24k req/s for the same run), so
        # this comparison takes at least 5 interleaved rounds and reports their medians.
        for _ in range(max(ctx.rounds, 5)):
            _call(port, "POST", "/_emulator/reset?vendor=postflare")
            alone.append(ctx.wrk(url, seconds=ctx.seconds, script=script)[0])
            _call(port, "POST", "/_emulator/reset?vendor=postflare")
            socks = _park(port, 1000, "nobody")
            loaded.append(ctx.wrk(url, seconds=ctx.seconds, script=script)[0])
            _release(port, socks)
        a, b = statistics.median(alone), statistics.median(loaded)
        slowdown = (1 - b / a) * 100
        rounds = [round((1 - y / x) * 100, 1) for x, y in zip(alone, loaded)]
        print(f"  wrk -c16 POST /emails alone {a:.0f} req/s; with 1,000 parked waiters {b:.0f} req/s; slowdown"
              f" {slowdown:.1f} % [rounds {rounds}]  (target ≤ 5 %: {'met' if slowdown <= 5 else 'NOT met'})")
        ctx.results["waiters_slowdown_pct"] = round(slowdown, 1)
    finally:
        md.stop()


def control_faults(ctx):
    md = ctx.MailDouble(ctx.work, ctx.threads)
    try:
        port = md.http_port
        print(f"control-faults — {ctx.threads} thread(s)")
        script = _email_script(ctx)
        url = f"http://127.0.0.1:{port}/emails"
        rules = [{"match": {"vendor": "flowdock" if i % 2 else "postflare", "route": f"/nothing-{i}"},
                  "action": {"status": 503}, "times": None} for i in range(100)]
        clean, faulted = [], []
        for _ in range(max(ctx.rounds, 5)):  # at least 5 interleaved rounds: see control_wait
            _call(port, "DELETE", "/_emulator/faults")
            _call(port, "POST", "/_emulator/reset?vendor=postflare")
            clean.append(ctx.wrk(url, seconds=ctx.seconds, script=script)[0])
            status, body = _call(port, "POST", "/_emulator/faults", rules)
            assert status == 201, (status, body)
            _call(port, "POST", "/_emulator/reset?vendor=postflare")
            rate, bad = ctx.wrk(url, seconds=ctx.seconds, script=script)
            assert bad == 0, "a rule for another route fired"
            faulted.append(rate)
        a, b = statistics.median(clean), statistics.median(faulted)
        slowdown = (1 - b / a) * 100
        rounds = [round((1 - y / x) * 100, 1) for x, y in zip(clean, faulted)]
        print(f"  wrk -c16 POST /emails, no rule {a:.0f} req/s; 100 rules for other routes {b:.0f} req/s; slowdown"
              f" {slowdown:.1f} % [rounds {rounds}]  (target ≤ 5 %: {'met' if slowdown <= 5 else 'NOT met'})")
        ctx.results["faults_100_rules_slowdown_pct"] = round(slowdown, 1)
    finally:
        md.stop()


SECTIONS = {"control-wait": control_wait, "control-faults": control_faults}
