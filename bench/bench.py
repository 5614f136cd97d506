# SPDX-License-Identifier: Apache-2.0
"""MailDouble benchmarks, always against a reference measured in the same run (client and servers share the
machine's cores, so only ratios are comparable between runs).

Sections:
  transport  wrk -c16 (HTTPS/1.1 keep-alive) and h2load -c16 -m10 (h2) on /_emulator/ping vs nginx-light
             serving the same bytes with the same certificate and the same worker count
  startup    time from exec to the first HTTPS 200 (median of several starts), idle RSS
  idle-load  wrk again while 1,000 idle and slow-drip connections are held open
Vendor sections are added by bench/bench_*.py:
  flowmailer  wrk -c10: a 10-message GET /545/messages page vs nginx serving the same bytes; submit vs that GET
  postflare   POST /emails over HTTPS/1.1 and h2 vs nginx's static ping; vs moto's SES SendEmail (Python peer)
  wiremock    POST /emails, a Flowmailer submit and a GET page vs WireMock 2.35 stubs answering the same bytes
  scale       each vendor's list pages, send, get, inspection, wait and reset at 1M (and 100k) stored messages vs
              1k, and the RSS per stored message
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
# MAILDOUBLE_BINARY measures another build (an older commit's, say) against the same peers in the same run.
BINARY = pathlib.Path(os.environ.get("MAILDOUBLE_BINARY", ROOT / ".build" / "release" / "maildouble"))
PING_BODY = b'{"object":"ping","status":"ok","emulator":"maildouble"}'
RESULTS = {}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailDouble:
    def __init__(self, workdir, threads, extra=()):
        self.workdir = workdir
        ready = os.path.join(workdir, f"ready-{time.monotonic_ns()}")
        os.mkfifo(ready)
        self.proc = subprocess.Popen(
            [str(BINARY), "--threads", str(threads), "--https-port", "0", "--http-port", "0",
             "--state-dir", os.path.join(workdir, "state"), "--ready-file", ready,
             "--fixtures", str(ROOT / "fixtures"), "--postflare-rate-limit", "0", *extra],
            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        with open(ready) as f:
            info = json.load(f)
        self.https_port, self.http_port, self.ca = info["https_port"], info["http_port"], info["ca_file"]
        self.state = os.path.join(workdir, "state")

    def rss_kib(self):
        return rss_kib(self.proc.pid)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Nginx:
    def __init__(self, workdir, workers, cert, key, files):
        self.dir = os.path.join(workdir, "nginx")
        os.makedirs(os.path.join(self.dir, "root"), exist_ok=True)
        for name, body in files.items():
            path = os.path.join(self.dir, "root", name.lstrip("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(body)
        self.port = free_port()
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""
worker_processes {workers};
daemon off;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    keepalive_requests 10000000;
    client_body_temp_path {self.dir}/tmp;
    proxy_temp_path {self.dir}/tmp;
    fastcgi_temp_path {self.dir}/tmp;
    uwsgi_temp_path {self.dir}/tmp;
    scgi_temp_path {self.dir}/tmp;
    server {{
        listen 127.0.0.1:{self.port} ssl http2;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        root {self.dir}/root;
        default_type application/json;
        location / {{ try_files $uri =404; }}
    }}
}}
""")
        self.proc = subprocess.Popen(["nginx", "-c", conf, "-p", self.dir], stderr=subprocess.DEVNULL)
        try:
            wait_for_https(self.port, next(iter(files)))  # ready once it serves one of its files
        except RuntimeError:
            self.stop()
            raise

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def https_get(port, path, timeout=2.0):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            return int(data.split(b" ")[1]) if data else 0


def wait_for_https(port, path, limit=10.0):
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        try:
            if https_get(port, path) == 200:
                return time.perf_counter() - start
        except OSError:
            pass
    raise RuntimeError(f"no HTTPS 200 on port {port} within {limit}s")


def wrk(url, connections=16, seconds=5, script=None):
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        args += ["-s", script]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, int(errors.group(1)) if errors else 0


def h2load(url, clients=16, streams=10, seconds=5, extra=()):
    out = subprocess.run(["h2load", f"-c{clients}", f"-m{streams}", "-D", str(seconds), *extra, url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out).group(1))
    status = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", out)
    return rps, int(status.group(3)) + int(status.group(4))


def wrk_script(path, method, url_path, headers, body=None):
    """Writes a wrk Lua script sending one fixed request; returns its path."""
    def lua(s):
        return json.dumps(s)  # a JSON string literal is a valid Lua string literal for ASCII content
    lines = [f"wrk.method = {lua(method)}", f"wrk.path = {lua(url_path)}"]
    lines += [f"wrk.headers[{lua(k)}] = {lua(v)}" for k, v in headers.items()]
    if body is not None:
        lines.append(f"wrk.body = {lua(body)}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def paired(ours, theirs, rounds):
    """Runs two measurements alternately, `rounds` times each, ours first. Each is a function returning
    (req/s, bad answers). The speed of this shared machine drifts by ±20 % within minutes, so one run of each
    lets a slow minute decide a ratio; interleaved rounds and medians (see `report`) do not.
    Returns (ours' rates, theirs' rates, ours' bad answers, theirs' bad answers)."""
    mine, other, bad_mine, bad_other = [], [], 0, 0
    for _ in range(rounds):
        rate, bad = ours()
        mine.append(rate)
        bad_mine += bad
        rate, bad = theirs()
        other.append(rate)
        bad_other += bad
    return mine, other, bad_mine, bad_other


def report(name, ours, theirs, target=None, unit="req/s", peer="nginx"):
    """Prints one comparison. `ours`/`theirs` are a rate or the rates of interleaved rounds (`paired`): then the
    figures are medians, the ratio is the ratio of the medians, and the spread of the per-round ratios follows."""
    ours_list = ours if isinstance(ours, list) else [ours]
    theirs_list = theirs if isinstance(theirs, list) else [theirs]
    ours, theirs = statistics.median(ours_list), statistics.median(theirs_list)
    ratio = ours / theirs if theirs else float("nan")
    verdict = "" if target is None else ("  (target ≥ %.2f×: %s)" % (target, "met" if ratio >= target else "NOT met"))
    spread = ""
    if len(ours_list) > 1:
        rounds = [o / t for o, t in zip(ours_list, theirs_list) if t]
        spread = f" [rounds {min(rounds):.2f}–{max(rounds):.2f}×]"
    print(f"  {name:<46} maildouble {ours:>10.0f} {unit}   {peer} {theirs:>10.0f} {unit}   ratio {ratio:.2f}×{spread}{verdict}")
    RESULTS[name] = {"maildouble": ours, peer: theirs, "ratio": round(ratio, 3),
                     "rounds": [round(o / t, 3) for o, t in zip(ours_list, theirs_list) if t]}


def transport(work, threads, seconds, rounds=1):
    md = MailDouble(work, threads)
    ng = None
    try:
        cert = os.path.join(md.state, "server.pem")
        key = os.path.join(md.state, "server-key.pem")
        ng = Nginx(work, threads, cert, key, {"/_emulator/ping": PING_BODY})
        print(f"transport — /_emulator/ping, {threads} thread(s)/worker(s), {seconds}s per run, {rounds} round(s)")
        ours, theirs, _, _ = paired(lambda: wrk(f"https://127.0.0.1:{md.https_port}/_emulator/ping", seconds=seconds),
                                    lambda: wrk(f"https://127.0.0.1:{ng.port}/_emulator/ping", seconds=seconds),
                                    rounds)
        report("wrk -c16 HTTPS/1.1 keep-alive", ours, theirs, 1.0)
        ours, theirs, _, _ = paired(
            lambda: h2load(f"https://127.0.0.1:{md.https_port}/_emulator/ping", seconds=seconds),
            lambda: h2load(f"https://127.0.0.1:{ng.port}/_emulator/ping", seconds=seconds), rounds)
        report("h2load -c16 -m10 h2 over TLS", ours, theirs, 1.0)
    finally:
        if ng:
            ng.stop()
        md.stop()


def startup(work, threads, runs=7):
    print("startup")
    times = []
    state = os.path.join(work, "startup-state")
    for i in range(runs + 1):
        port = free_port()
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(BINARY), "--threads", str(threads), "--https-port", str(port), "--no-http",
                                 "--state-dir", state, "--fixtures", str(ROOT / "fixtures")],
                                stderr=subprocess.DEVNULL)
        elapsed = wait_for_https(port, "/_emulator/health")
        if i == 0:
            print(f"  first start (creates the dev CA): {elapsed * 1000:.1f} ms")
        else:
            times.append(elapsed)
        if i == runs:
            rss = rss_kib(proc.pid)
        proc.terminate()
        proc.wait(timeout=30)
    med = statistics.median(times) * 1000
    print(f"  exec → first HTTPS 200 (median of {runs}, certificates reused): {med:.1f} ms  (target ≤ 50 ms: {'met' if med <= 50 else 'NOT met'})")
    print(f"  idle RSS after start: {rss / 1024:.1f} MB  (target ≤ 20 MB: {'met' if rss <= 20 * 1024 else 'NOT met'})")
    RESULTS["startup_ms_median"] = round(med, 1)
    RESULTS["idle_rss_mb"] = round(rss / 1024, 1)


def hold_connections(md, count=1000):
    """Opens `count` connections that stay open: a third idle after one TLS request, a third that never start
    their handshake, a third slow-dripping a request head on the plain port."""
    held = []
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    for i in range(count):
        kind = i % 3
        s = socket.create_connection(("127.0.0.1", md.http_port if kind == 2 else md.https_port))
        if kind == 0:  # idle TLS: handshake done, one request answered, then nothing
            s = ctx.wrap_socket(s, server_hostname="localhost")
            s.sendall(b"GET /_emulator/ping HTTP/1.1\r\nHost: x\r\n\r\n")
            s.recv(4096)
        elif kind == 2:  # slow drip: a request head that never ends
            s.sendall(b"GET /_emulator/ping HTTP/1.1\r\nHost: x\r\nX-Drip: ")
        held.append(s)  # kind 1: a TCP connection to the TLS port that never starts its handshake
    return held


def idle_load(work, threads, seconds, rounds=1):
    md = MailDouble(work, threads)
    try:
        url = f"https://127.0.0.1:{md.https_port}/_emulator/ping"
        bases, loadeds, rss_held = [], [], 0
        # Rounds of (wrk alone, wrk with the connections held), so that the machine's drift hits both sides.
        for _ in range(rounds):
            base, _ = wrk(url, seconds=seconds)
            held = hold_connections(md)
            rss_held = md.rss_kib()
            loaded, _ = wrk(url, seconds=seconds)
            for s in held:
                s.close()
            bases.append(base)
            loadeds.append(loaded)
        base, loaded = statistics.median(bases), statistics.median(loadeds)
        slowdown = (1 - loaded / base) * 100
        per_round = [(1 - l / b) * 100 for b, l in zip(bases, loadeds)]
        spread = f" [rounds {min(per_round):.1f} – {max(per_round):.1f} %]" if rounds > 1 else ""
        print(f"idle-load — 1,000 held connections (334 idle after a TLS request, 333 before any handshake, 333 slow-drip) during wrk -c16, {rounds} round(s)")
        print(f"  wrk alone {base:.0f} req/s; with 1,000 held connections {loaded:.0f} req/s (medians); slowdown {slowdown:.1f} %{spread}"
              f"  (target ≤ 10 %: {'met' if slowdown <= 10 else 'NOT met'})")
        print(f"  RSS with 1,000 held connections: {rss_held / 1024:.1f} MB")
        RESULTS["idle_load_slowdown_pct"] = round(slowdown, 1)
        RESULTS["idle_load_slowdown_rounds"] = [round(x, 1) for x in per_round]
    finally:
        md.stop()


class Context:
    """What a vendor benchmark section (bench/bench_*.py, `SECTIONS = {"name": fn}`) gets: fn(ctx)."""

    def __init__(self, work, threads, seconds, rounds):
        self.work, self.threads, self.seconds, self.rounds = work, threads, seconds, rounds
        self.MailDouble, self.Nginx, self.wrk, self.h2load, self.report = MailDouble, Nginx, wrk, h2load, report
        self.paired = paired
        self.wrk_script, self.PING_BODY = wrk_script, PING_BODY
        self.results = RESULTS
        self.root = ROOT


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1, help="event-loop threads and nginx workers")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved rounds per comparison; figures are medians (see paired())")
    parser.add_argument("--only", nargs="*", help="sections to run (default: all)")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    for tool in ["wrk", "h2load", "nginx"]:
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: run `make bench` (it installs wrk, nghttp2-client, nginx-light)")
    work = tempfile.mkdtemp(prefix="maildouble-bench-")
    os.chmod(work, 0o755)  # nginx workers run as nobody and must reach the files they serve
    ctx = Context(work, args.threads, args.seconds, args.rounds)
    sections = {
        "transport": lambda c: transport(c.work, c.threads, c.seconds, c.rounds),
        "startup": lambda c: startup(c.work, c.threads),
        "idle-load": lambda c: idle_load(c.work, c.threads, c.seconds, c.rounds),
    }
    for path in sorted((ROOT / "bench").glob("bench_*.py")):
        namespace = {"__file__": str(path)}
        exec(compile(path.read_text(), str(path), "exec"), namespace)
        sections.update(namespace.get("SECTIONS", {}))
    for name in args.only or list(sections):
        sections[name](ctx)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(RESULTS, f, indent=2)


if __name__ == "__main__":
    main()
