# SPDX-License-Identifier: Apache-2.0
"""Persistence section (issue 14's acceptance), loaded by bench/bench.py.

  1. POST /emails over HTTPS/1.1 (wrk -c16) with persistence off, `--data-dir --fsync interval` and
     `--fsync always`, in interleaved rounds; the ratios are to the run without persistence.
  2. Start-up with 1,000,000 stored messages: one Postflare team (`--max-messages 1000000`) filled through
     the API over plain HTTP with `--fsync interval` (the commit times while it grows are printed), stopped with
     SIGTERM (the last commit), then exec → first HTTPS 200 on that data dir (target ≤ 2 s), the state file's
     size and the RSS after loading.
"""
import json
import os
import re
import statistics
import subprocess
import tempfile
import time

KEY = "re_test_maildouble_full"
EMAIL = {"from": "Acme <hello@example.org>", "to": ["delivered@resend.dev"], "subject": "Bench",
         "text": "Hello from the persistence benchmark"}


def _wrk_total(url, script, seconds, connections=16):
    """(2xx answers, req/s) of one wrk run."""
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", script, url],
                         capture_output=True, text=True, check=True).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return total - (int(bad.group(1)) if bad else 0), rps


def persistence(ctx):
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    lua = ctx.wrk_script(os.path.join(ctx.work, "persist-emails.lua"), "POST", "/emails", headers, json.dumps(EMAIL))
    print(f"persistence — POST /emails, wrk -c16 HTTPS/1.1, {ctx.seconds}s per run, {ctx.rounds} round(s)")
    modes = {"off": [], "interval": ["--fsync", "interval"], "always": ["--fsync", "always"]}
    rates = {m: [] for m in modes}
    for _ in range(ctx.rounds):
        for mode, flags in modes.items():
            extra = ["--postflare-webhooks", "off"]
            if mode != "off":
                extra += ["--data-dir", tempfile.mkdtemp(prefix=f"persist-{mode}-", dir=ctx.work), *flags]
            md = ctx.MailDouble(ctx.work, ctx.threads, extra)
            try:
                ok, rps = _wrk_total(f"https://127.0.0.1:{md.https_port}/emails", lua, ctx.seconds)
                rates[mode].append(rps)
            finally:
                md.stop()
    base = statistics.median(rates["off"])
    for mode in modes:
        med = statistics.median(rates[mode])
        rounds = ", ".join(f"{r:.0f}" for r in rates[mode])
        print(f"  send, persistence {mode:<9} {med:>9.0f} req/s   {med / base:.2f}× of off   [rounds {rounds}]")
        ctx.results[f"persistence_send_{mode}_rps"] = round(med)
        ctx.results[f"persistence_send_{mode}_ratio"] = round(med / base, 3)
    startup_with_messages(ctx, lua)


def startup_with_messages(ctx, lua, target=1_000_000):
    data = tempfile.mkdtemp(prefix="persist-1m-", dir=ctx.work)
    extra = ["--postflare-webhooks", "off", "--max-messages", str(target), "--data-dir", data,
             "--journal-size", "0"]
    md = ctx.MailDouble(ctx.work, ctx.threads, extra)
    stored, t0 = 0, time.perf_counter()
    try:
        while stored < target:
            ok, _ = _wrk_total(f"http://127.0.0.1:{md.http_port}/emails", lua, 15)
            stored += ok
    finally:
        md.proc.terminate()
        t_stop = time.perf_counter()
        md.proc.wait(timeout=600)
    fill = t_stop - t0
    stop_seconds = time.perf_counter() - t_stop
    path = os.path.join(data, "state.mdstate")
    size = os.path.getsize(path)
    print(f"  filled {stored:,} messages in {fill:.0f} s with --fsync interval; SIGTERM → exit (drain + last commit)"
          f" {stop_seconds:.2f} s; state file {size / 1e6:.0f} MB")
    times, rss = [], 0
    for _ in range(3):
        port = _free_port()
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(ctx.root / ".build" / "release" / "maildouble"), "--threads", str(ctx.threads),
                                 "--https-port", str(port), "--no-http", "--state-dir", os.path.join(ctx.work, "state"),
                                 "--fixtures", str(ctx.root / "fixtures"), "--max-messages", str(target),
                                 "--postflare-webhooks", "off", "--data-dir", data],
                                stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        times.append(_wait_https(port))
        rss = _rss_kib(proc.pid)
        proc.terminate()
        proc.wait(timeout=600)
    med = statistics.median(times)
    print(f"  exec → first HTTPS 200 with {stored:,} stored messages (median of 3): {med:.2f} s"
          f"  (target ≤ 2 s: {'met' if med <= 2 else 'NOT met'}); RSS after loading {rss / 1024:.0f} MB")
    ctx.results["persistence_startup_1m_seconds"] = round(med, 2)
    ctx.results["persistence_state_file_mb"] = round(size / 1e6)
    ctx.results["persistence_fill_seconds"] = round(fill)
    ctx.results["persistence_sigterm_exit_seconds"] = round(stop_seconds, 2)


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_https(port, limit=120.0):
    """Seconds until GET /_emulator/health answers 200 over HTTPS (polling: the server is not up to signal)."""
    import ssl
    import urllib.request
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit:
        try:
            with urllib.request.urlopen(f"https://127.0.0.1:{port}/_emulator/health", context=ctx, timeout=2) as r:
                if r.status == 200:
                    return time.perf_counter() - t0
        except OSError:
            time.sleep(0.005)
    raise RuntimeError("the emulator did not answer within the limit")


def _rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


SECTIONS = {"persistence": persistence}
