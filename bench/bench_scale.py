# SPDX-License-Identifier: Apache-2.0
"""Scale section (issue 15 item 2), loaded by bench/bench.py. Plain port: h2c with prior knowledge (h2load).

  scale  per vendor, one emulator per size (1k, 100k, 1M stored messages; `MAILDOUBLE_SCALE_SIZES=1000,100000`
         picks others, `MAILDOUBLE_SCALE_VENDORS=postflare` fewer vendors), all alive at once so that rounds
         interleave the sizes. Each is filled through the vendor's own send route, multiplexed (`h2load -n N
         -c4 -m32` over h2c): the messages are what a user's sends store, so the memory per message is that of
         real messages, and the Postflare fixture format has no e-mails at all. The emulator clock then moves a
         day on, so that every message has finished its life whatever the size. Then, in interleaved rounds of
         `--seconds` each (h2load -c16 -m10, or one request at a time on one keep-alive connection for the ones
         marked *, which scan every message: 160 of them in flight would leave minutes of backlog behind), once
         the emulator is idle (`_quiesce`):
           list, first page       Flowmailer `Range: items=:10`, Postflare `?limit=10`, Flowdock `?limit=10`
           list, deep page keyset Flowmailer `items=REF:10` after the middle message, Postflare
                                  `after=<middle>`, Flowdock `until_id=<middle>`
           list, deep page offset Flowmailer `items=N/2-N/2+10` *; Flowdock `search=…&skip=N/2` * (the only
                                  skip it has: a search filters every message, as the real API's did)
           get by id              the middle message
           inspection query *     `/_emulator/messages?vendor=V&to=<the middle message's own recipient>`
                                  (Flowdock messages have no recipient: `q=` that address, which its text has)
           inspection, inbox *    `/_emulator/messages?vendor=V&order=desc&limit=50`
           wait (satisfied) *     `/_emulator/messages/wait?…the same filter…&count=1`
           send                   `--max-messages N` keeps the store at N while it evicts (measured last, since
                                  it evicts the middle message of the small stores)
         and finally the time of one `POST /_emulator/reset?vendor=V&tenant=T`. Ratios are the N store's req/s
         over the 1k store's (target ≥ 1/1.2: at most 1.2× the cost); reset compares times. RSS per stored
         message = (VmRSS after filling − VmRSS before) / N (target ≤ 1 KB).
"""
import base64
import http.client
import json
import os
import re
import statistics
import subprocess
import time
import urllib.parse

SIZES = [int(s) for s in os.environ.get("MAILDOUBLE_SCALE_SIZES", "1000,100000,1000000").split(",")]
PROBE = "scale-probe.recipient@acme.io"  # the middle message's recipient; every other one has RECIPIENT
RECIPIENT = "customer.account@acme.io"  # longer than 15 UTF-8 bytes: no inline small-string storage
COST_TARGET = 1 / 1.2
# Measured one request at a time (`_serial`): the control plane's (a test's own calls) and the offset pages.
SERIAL = ("inspection", "wait", "list, deep page (offset)", "list, search")
RSS_TARGET = 1024


def _call(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
    finally:
        conn.close()


class Vendor:
    """One vendor's requests. `auth` holds the headers every vendor request carries."""
    name = tenant = ""

    def start_flags(self):
        return []

    def auth(self, port):
        return {}

    def after_probe(self, port, auth):
        return None


class Flowmailer(Vendor):
    name, tenant, media = "flowmailer", "545", "application/vnd.flowmailer.v1.12+json"

    def start_flags(self):
        return ["--flowmailer-token-lifetime", "10000000"]  # the bench advances the clock by a day

    def auth(self, port):
        status, _, body = _call(port, "POST", "/oauth/token",
                                "client_id=maildouble&client_secret=maildouble-secret&grant_type=client_credentials&scope=api",
                                {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200, body
        return {"Authorization": "Bearer " + json.loads(body)["access_token"], "Accept": self.media}

    def send(self, recipient):
        return "POST", "/545/messages/submit", {"Content-Type": self.media}, json.dumps({
            "messageType": "EMAIL", "senderAddress": "shop@example.org", "recipientAddress": recipient,
            "subject": "Your order has been confirmed", "text": "Thank you for your order. It ships tomorrow."})

    def sent_id(self, status, headers, body):
        assert status == 201, body
        return headers["location"].rsplit("/", 1)[1]

    def after_probe(self, port, auth):
        """The `>` reference of the message just sent (the newest): the last row before a `<` reference far in
        the future (`items=REF:1` reads the rows before a `<` REF), whose Content-Range ends with that row's `>`."""
        future = base64.b32hexencode(b"I<99991231235959999~").decode().rstrip("=")
        status, headers, body = _call(port, "GET", "/545/messages", headers={**auth, "Range": f"items={future}:1"})
        assert status == 206, (status, body[:300])
        return headers["content-range"].split()[1].split("/")[0].split(":")[1]

    def requests(self, port, auth, middle, n, ref):
        return {
            "list, first page": ("GET", "/545/messages", {"Range": "items=:10"}),
            "list, deep page (keyset)": ("GET", "/545/messages", {"Range": f"items={ref}:10"}),
            "list, deep page (offset)": ("GET", "/545/messages", {"Range": f"items={n // 2}-{n // 2 + 10}"}),
            "get by id": ("GET", f"/545/messages/{middle}", {}),
        }


class Postflare(Vendor):
    name, tenant = "postflare", "team_maildouble"

    def auth(self, port):
        return {"Authorization": "Bearer re_test_maildouble_full"}

    def send(self, recipient):
        return "POST", "/emails", {"Content-Type": "application/json"}, json.dumps({
            "from": "Acme <hello@example.org>", "to": [recipient], "subject": "Your order has been confirmed",
            "html": "<p>Thank you for your order. It ships <b>tomorrow</b>.</p>",
            "text": "Thank you for your order. It ships tomorrow."})

    def sent_id(self, status, headers, body):
        assert status == 200, body
        return json.loads(body)["id"]

    def requests(self, port, auth, middle, n, ref):
        return {
            "list, first page": ("GET", "/emails?limit=10", {}),
            "list, deep page (keyset)": ("GET", f"/emails?limit=10&after={middle}", {}),
            "get by id": ("GET", f"/emails/{middle}", {}),
        }


class Flowdock(Vendor):
    name, tenant = "flowdock", "acme"

    def auth(self, port):
        return {"Authorization": "Basic " + base64.b64encode(b"maildouble-flowdock-token:").decode()}

    def send(self, recipient):
        # A chat message has no recipient: the probe is the one message whose text names PROBE.
        return "POST", "/flows/acme/my-flow/messages", {"Content-Type": "application/json"}, json.dumps({
            "event": "message", "content": f"Deploy finished for {recipient}, see the dashboard",
            "tags": ["deploy"]})

    def sent_id(self, status, headers, body):
        assert status == 201, body
        return str(json.loads(body)["id"])

    def requests(self, port, auth, middle, n, ref):
        return {
            "list, first page": ("GET", "/flows/acme/my-flow/messages?limit=10", {}),
            "list, deep page (keyset)": ("GET", f"/flows/acme/my-flow/messages?limit=10&until_id={middle}", {}),
            "list, search + skip (offset)": ("GET", f"/flows/acme/my-flow/messages?limit=10&search=dashboard&skip={n // 2}", {}),
            "get by id": ("GET", f"/flows/acme/my-flow/messages/{middle}", {}),
        }


def _h2load(ctx, port, method, path, headers, body_file=None, seconds=None, n=None, clients=16, streams=10):
    args = ["h2load", f"-c{clients}", f"-m{streams}"]
    args += ["-n", str(n)] if n else ["-D", str(seconds)]
    for k, v in headers.items():
        args += ["-H", f"{k.lower()}: {v}"]
    if body_file:
        args += ["-d", body_file]
    assert method == ("POST" if body_file else "GET"), method
    out = subprocess.run(args + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out).group(1))
    status = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", out)
    return rps, int(status.group(1)), int(status.group(3)) + int(status.group(4))


def _serial(port, method, path, headers, seconds):
    """req/s of back-to-back requests on one keep-alive HTTP/1.1 connection, for at least `seconds` and 3
    requests: for the requests that scan every message, where 160 in flight (h2load -c16 -m10) would leave a
    backlog of minutes that the next measurement would pay for. A test calls these one at a time anyway."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    done, t0 = 0, time.perf_counter()
    try:
        while done < 3 or time.perf_counter() - t0 < seconds:
            conn.request(method, path, headers=headers)
            r = conn.getresponse()
            r.read()
            assert r.status in (200, 206), (path, r.status)
            done += 1
    finally:
        conn.close()
    return done / (time.perf_counter() - t0)


def _cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _quiesce(pid, limit=600.0):
    """Returns once the emulator used under 10 % of a core over 100 ms: the work a measurement left behind
    (requests h2load gave up on, deliveries due after a fill) must not be billed to the next one, which runs
    on the same two cores. Polling is the only signal /proc gives."""
    hz = os.sysconf("SC_CLK_TCK")
    t0, before = time.monotonic(), _cpu_ticks(pid)
    while time.monotonic() - t0 < limit:
        time.sleep(0.1)
        now = _cpu_ticks(pid)
        if (now - before) / hz < 0.01:
            return
        before = now


class Store:
    """One emulator holding `n` messages of one vendor."""

    def __init__(self, ctx, vendor, n):
        self.n, self.vendor = n, vendor
        self.md = ctx.MailDouble(ctx.work, ctx.threads, ["--max-messages", str(n), "--journal-size", "0",
                                                         "--postflare-webhooks", "off", *vendor.start_flags()])
        self.port = self.md.http_port
        self.auth = vendor.auth(self.port)
        method, path, headers, body = vendor.send(RECIPIENT)
        self.send = (method, path, headers)
        self.body_file = os.path.join(ctx.work, f"scale-{vendor.name}.json")
        with open(self.body_file, "w") as f:
            f.write(body)

    def fill(self, ctx):
        self.rss_empty = self.md.rss_kib()
        t0 = time.perf_counter()
        first = self.n // 2
        self._bulk(ctx, first)
        method, path, headers, body = self.vendor.send(PROBE)
        self.middle = self.vendor.sent_id(*_call(self.port, method, path, body, {**self.auth, **headers}))
        self.ref = self.vendor.after_probe(self.port, self.auth)
        self._bulk(ctx, self.n - first - 1)
        self.fill_seconds = time.perf_counter() - t0
        # A day later every message has finished its life (Flowmailer's delivery timeline, Postflare's
        # events): otherwise the big stores, filled for longer, hold more messages still changing (not cached).
        status, _, body = _call(self.port, "POST", "/_emulator/clock/advance?seconds=86400")
        assert status == 200, body
        _quiesce(self.md.proc.pid)
        self.rss_full = self.md.rss_kib()

    def _bulk(self, ctx, count):
        if count <= 0:
            return
        method, path, headers = self.send
        _, ok, bad = _h2load(ctx, self.port, method, path, {**self.auth, **headers}, self.body_file, n=count,
                             clients=4, streams=32)
        assert ok == count and bad == 0, (ok, bad, count)

    def reset_ms(self):
        _quiesce(self.md.proc.pid)
        t0 = time.perf_counter()
        status, _, body = _call(self.port, "POST", f"/_emulator/reset?vendor={self.vendor.name}&tenant={self.vendor.tenant}")
        took = (time.perf_counter() - t0) * 1000
        assert status == 200, body
        return took


def _control(vendor):
    to = urllib.parse.quote(PROBE)
    q = f"vendor={vendor.name}&to={to}" if vendor.name != "flowdock" else f"vendor=flowdock&q={to}"
    return {
        "inspection query (to=…)": ("GET", f"/_emulator/messages?{q}&limit=10", {}),
        "inspection, inbox (order=desc&limit=50)": ("GET", f"/_emulator/messages?vendor={vendor.name}&order=desc&limit=50", {}),
        "wait, already satisfied": ("GET", f"/_emulator/messages/wait?{q}&count=1&timeout=5", {}),
    }


def _scale_vendor(ctx, vendor):
    stores = []
    try:
        for n in SIZES:
            stores.append(Store(ctx, vendor, n))
        print(f"scale — {vendor.name}: h2load -c16 -m10 over h2c (scans: one at a time), {ctx.seconds}s per run, {ctx.rounds} round(s), "
              f"{ctx.threads} thread(s)")
        for s in stores:
            s.fill(ctx)
            per = (s.rss_full - s.rss_empty) * 1024 / s.n
            verdict = "" if s.n < 100_000 else f"  (target ≤ {RSS_TARGET} B: {'met' if per <= RSS_TARGET else 'NOT met'})"
            print(f"  {s.n:>9,} messages filled in {s.fill_seconds:6.1f} s ({s.n / s.fill_seconds:,.0f}/s); "
                  f"RSS {s.rss_empty / 1024:.0f} → {s.rss_full / 1024:.0f} MB: {per:,.0f} B per stored message{verdict}")
            ctx.results[f"scale_{vendor.name}_{s.n}_rss_bytes_per_message"] = round(per)
        kinds = [dict(vendor.requests(s.port, s.auth, s.middle, s.n, s.ref), **_control(vendor)) for s in stores]
        # A probe of each request on each store: a wrong answer must fail here, not vanish into a rate.
        for s, requests in zip(stores, kinds):
            for name, (method, path, headers) in requests.items():
                status, _, body = _call(s.port, method, path, headers={**s.auth, **headers})
                assert status in (200, 206), (vendor.name, s.n, name, status, body[:300])
                if "to=" in name or "wait" in name:
                    assert PROBE in body.decode() and s.middle in body.decode(), (name, body[:300])
        rates = {name: [[] for _ in stores] for name in kinds[0]}
        rates["send"] = [[] for _ in stores]
        for _ in range(ctx.rounds):
            for name in kinds[0]:
                for i, s in enumerate(stores):
                    method, path, headers = kinds[i][name]
                    _quiesce(s.md.proc.pid)
                    if name.startswith(SERIAL):
                        rps = _serial(s.port, method, path, {**s.auth, **headers}, ctx.seconds)
                    else:
                        rps, _, bad = _h2load(ctx, s.port, method, path, {**s.auth, **headers}, seconds=ctx.seconds)
                        assert bad == 0, (vendor.name, s.n, name, bad)
                    rates[name][i].append(rps)
        for _ in range(ctx.rounds):  # last: it evicts the small stores' middle message
            for i, s in enumerate(stores):
                method, path, headers = s.send
                _quiesce(s.md.proc.pid)
                rps, _, bad = _h2load(ctx, s.port, method, path, {**s.auth, **headers}, s.body_file, seconds=ctx.seconds)
                assert bad == 0, (vendor.name, s.n, "send", bad)
                rates["send"][i].append(rps)
        for name, per_store in rates.items():
            for i in range(1, len(stores)):
                _report(ctx, f"{vendor.name} {name}", stores[i].n, per_store[i], stores[0].n, per_store[0])
        resets = [s.reset_ms() for s in stores]
        figures = ", ".join(f"@{_size(s.n)} {ms:.1f} ms" for s, ms in zip(stores, resets))
        worst = resets[-1] / resets[0] if resets[0] else float("nan")
        print(f"  {vendor.name} tenant reset (one): {figures}; @{_size(stores[-1].n)} costs {worst:.1f}× @{_size(stores[0].n)}"
              f"  (target ≤ 1.2×: {'met' if worst <= 1.2 else 'NOT met'})")
        for s, ms in zip(stores, resets):
            ctx.results[f"scale_{vendor.name}_{s.n}_reset_ms"] = round(ms, 2)
    finally:
        for s in stores:
            s.md.stop()


def _report(ctx, name, n, rates, base_n, base_rates):
    """Like bench.py's `report` (medians, ratio of medians, per-round spread), with the cost per request in
    ms beside the rate: a scan at 1M answers well under 1 req/s, which `report`'s format prints as 0."""
    def fmt(r):
        return f"{r:>8.0f} req/s" if r >= 100 else f"{r:>8.2f} req/s ({1000 / r:,.0f} ms)" if r else "       0 req/s"
    rate, base = statistics.median(rates), statistics.median(base_rates)
    ratio = rate / base if base else float("nan")
    rounds = [a / b for a, b in zip(rates, base_rates) if b]
    spread = f" [rounds {min(rounds):.2f}–{max(rounds):.2f}×]" if len(rounds) > 1 else ""
    verdict = "met" if ratio >= COST_TARGET else "NOT met"
    print(f"  {name + ' @' + _size(n):<52} {fmt(rate)}   @{_size(base_n)} {fmt(base)}   ratio {ratio:.3f}×{spread}"
          f"  (target ≥ {COST_TARGET:.2f}×: {verdict})")
    ctx.results[f"scale {name} @{_size(n)}"] = {"rps": rate, f"rps_{_size(base_n)}": base, "ratio": round(ratio, 4),
                                                "rounds": [round(r, 4) for r in rounds]}


def _size(n):
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else (f"{n // 1000}k" if n % 1000 == 0 else str(n))


def scale(ctx):
    wanted = os.environ.get("MAILDOUBLE_SCALE_VENDORS", "flowmailer,postflare,flowdock").split(",")
    for vendor in (Flowmailer(), Postflare(), Flowdock()):
        if vendor.name in wanted:
            _scale_vendor(ctx, vendor)


SECTIONS = {"scale": scale}
