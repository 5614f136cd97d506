# SPDX-License-Identifier: Apache-2.0
"""Hostile-scale section (reliability issue, deliverable 10), loaded by bench/bench.py.

What a request controls must cost at most n log n in its size, and stored data must not slow a page down.
Each cost is timed at 1k, 10k and 100k, and the growth per tenfold step is printed next to it (≈10× is
linear; a page read should stay ≈1×):
  1. `POST /emails` whose JSON body has N extra keys (parsed, then ignored) — target: 100k keys ≤ 100 ms;
  2. `POST /contacts/imports` with an N-row CSV: the answer (queued at once) and the time until the import
     reads `completed` — target: 100k rows completed ≤ 5 s, while a health check keeps its latency;
  3. `GET /emails?limit=100` with N e-mails stored — target: at 100k ≤ 2× its time at 1k.
Plain HTTP on loopback (the TLS cost is the transport section's); medians of several tries.
"""
import json
import statistics
import time
import urllib.error
import urllib.request
import uuid

KEY = "re_test_maildouble_full"
SIZES = [1_000, 10_000, 100_000]


def _call(port, method, path, body=None, headers=None, timeout=120):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                                 headers={"Authorization": f"Bearer {KEY}", **(headers or {})})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, data = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, data = e.code, e.read()
    return status, data, time.perf_counter() - start


def _median_ms(fn, tries=5):
    return statistics.median(fn() for _ in range(tries)) * 1000


def _growth(label, unit, figures):
    steps = [f"{b / a:.1f}×" if a > 0 else "-" for a, b in zip(figures, figures[1:])]
    cells = "   ".join(f"{n // 1000}k {v:8.1f} {unit}" for n, v in zip(SIZES, figures))
    print(f"  {label:<40} {cells}   per ×10: {', '.join(steps)}")


def json_keys(port):
    out = []
    for n in SIZES:
        doc = {"from": "a@example.org", "to": "delivered@resend.dev", "subject": "s", "text": "t"}
        doc.update({f"k{i}": i for i in range(n)})
        body = json.dumps(doc).encode()
        hdr = {"Content-Type": "application/json"}
        status, _, _ = _call(port, "POST", "/emails", body, hdr)
        if status >= 500:
            raise RuntimeError(f"POST /emails with {n} keys answered {status}")
        out.append(_median_ms(lambda: _call(port, "POST", "/emails", body, hdr)[2]))
    return out


def imports(port):
    accepted, completed, health = [], [], []
    for n in SIZES:
        boundary = uuid.uuid4().hex
        csv = "email,first_name\n" + "".join(f"user{i}-{n}@example.org,U{i}\n" for i in range(n))
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\n"
                f"Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n").encode()
        start = time.perf_counter()
        status, data, took = _call(port, "POST", "/contacts/imports", body,
                                   {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        if status not in (200, 201):
            raise RuntimeError(f"import of {n} rows answered {status}: {data[:200]!r}")
        accepted.append(took * 1000)
        import_id = json.loads(data)["id"]
        # An import reads `queued` for its first emulator second: move the clock instead of waiting it out.
        _call(port, "POST", "/_emulator/clock/advance?seconds=2")
        worst_health = 0.0
        while True:
            worst_health = max(worst_health, _call(port, "GET", "/_emulator/health")[2])
            status, data, _ = _call(port, "GET", f"/contacts/imports/{import_id}")
            if json.loads(data).get("status") == "completed":
                break
            if time.perf_counter() - start > 120:
                raise RuntimeError(f"import of {n} rows not completed after 120 s")
            time.sleep(0.01)
        completed.append((time.perf_counter() - start) * 1000)
        health.append(worst_health * 1000)
    return accepted, completed, health


def stored_page(port):
    out = []
    stored = 0
    one = {"from": "a@example.org", "to": "delivered@resend.dev", "subject": "s", "text": "t"}
    batch = json.dumps([one] * 100).encode()
    for n in SIZES:
        while stored < n:
            status, data, _ = _call(port, "POST", "/emails/batch", batch, {"Content-Type": "application/json"})
            if status != 200:
                raise RuntimeError(f"POST /emails/batch answered {status}: {data[:200]!r}")
            stored += 100
        out.append(_median_ms(lambda: _call(port, "GET", "/emails?limit=100")[2], tries=21))
    return out


def hostile_scale(ctx):
    md = ctx.MailDouble(ctx.work, ctx.threads, ["--max-messages", "200000"])
    try:
        port = md.http_port
        print("hostile scale — plain HTTP/1.1, one request at a time; medians")
        keys = json_keys(port)
        _growth("POST /emails, N extra JSON keys", "ms", keys)
        accepted, completed, health = imports(port)
        _growth("POST /contacts/imports, N rows: answer", "ms", accepted)
        _growth("  … until `completed`", "ms", completed)
        _growth("  … slowest health check meanwhile", "ms", health)
        page = stored_page(port)
        _growth("GET /emails?limit=100, N stored", "ms", page)
        checks = [
            ("100k-key JSON ≤ 100 ms", keys[-1] <= 100),
            ("100k-row import completed ≤ 5 s", completed[-1] <= 5000),
            ("page at 100k stored ≤ 2× at 1k", page[-1] <= 2 * page[0]),
        ]
        print("  " + "; ".join(f"{name}: {'met' if ok else 'NOT met'}" for name, ok in checks))
        ctx.results["hostile_scale"] = {
            "sizes": SIZES, "json_keys_ms": keys, "import_accept_ms": accepted, "import_complete_ms": completed,
            "health_during_import_ms": health, "page_at_stored_ms": page,
        }
    finally:
        md.stop()


SECTIONS = {"hostile-scale": hostile_scale}
