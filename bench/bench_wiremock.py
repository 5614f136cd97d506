# SPDX-License-Identifier: Apache-2.0
"""WireMock section (issue 15's first acceptance item), loaded by bench/bench.py.

The generic HTTP mock users pick instead of a vendor emulator is WireMock. It runs here from PyPI's `wiremock`
wheel (2.7.0), which bundles `wiremock-standalone-2.35.1.jar`, on Debian's openjdk-17-jre-headless; both are
installed by `make bench` (the wheel into bench/.venv-wiremock on first use).

WireMock is tuned as its docs advise for throughput: no request journal (`--no-request-journal`), no request
logging, asynchronous responses, 32 container threads, and its JIT warmed by a 10 s run of every request before
anything is measured. Its stubs answer the very bytes MailDouble answers (status, headers but Date/length, body),
captured from MailDouble at the start of the run, while MailDouble does its real work on every request (parse,
validate, authenticate, store, schedule the message's life):
  1. `POST /emails` (Postflare, Resend-compatible), 2. a Flowmailer `POST /545/messages/submit`,
  3. the 10-message Flowmailer `GET /545/messages` page (`Range: items=:10`).
Each over HTTPS/1.1 (`wrk -c16`) and h2 (`h2load -c16 -m10`; WireMock 2.35 serves h2 over TLS), in interleaved
rounds (medians, see bench.py's `paired`), twice: both servers pinned to one core with the load generator on the
other (MailDouble `--threads 1`), and both unpinned at the machine's default (MailDouble `--threads` = cores).
Targets: ≥ 2× on the two sends, ≥ 3× on the page.
"""
import json
import os
import pathlib
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

WIREMOCK_WHEEL = "wiremock==2.7.0"
JAR_NAME = "wiremock-standalone-2.35.1.jar"
FM_ACCEPT = "application/vnd.flowmailer.v1.12+json"
EMAIL_BODY = json.dumps({"from": "Acme <hello@example.org>", "to": ["delivered@resend.dev"], "subject": "Bench",
                         "text": "Hello from the benchmark"})
SUBMIT_BODY = json.dumps({"messageType": "EMAIL", "senderAddress": "shop@example.com",
                          "recipientAddress": "customer@example.com", "subject": "Bench", "text": "Hello from wrk"})
# Hop-by-hop and per-answer headers: the server writes its own.
SKIP_HEADERS = {"date", "content-length", "connection", "transfer-encoding", "keep-alive"}


def _insecure():
    c = ssl.create_default_context()
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    return c


def _call(port, path, data=None, headers=None, method=None, tls=True):
    scheme = "https" if tls else "http"
    req = urllib.request.Request(f"{scheme}://127.0.0.1:{port}{path}", data=data, headers=headers or {},
                                 method=method)
    try:
        with urllib.request.urlopen(req, context=_insecure() if tls else None, timeout=10) as r:
            return r.status, dict(r.headers.items()), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers.items()), e.read()


def _jar(root):
    venv = root / "bench" / ".venv-wiremock"
    found = list(venv.glob(f"lib/python*/site-packages/wiremock/server/{JAR_NAME}"))
    if not found:
        print(f"  creating bench/.venv-wiremock (pip install {WIREMOCK_WHEEL}) …")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", WIREMOCK_WHEEL],
                       check=True)
        found = list(venv.glob(f"lib/python*/site-packages/wiremock/server/{JAR_NAME}"))
    if not found:
        raise RuntimeError(f"{JAR_NAME} not found in the {WIREMOCK_WHEEL} wheel")
    return found[0]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WireMock:
    def __init__(self, root, workdir, cpus=None):
        if not shutil.which("java"):
            raise RuntimeError("java is missing: run `make bench` (it installs openjdk-17-jre-headless)")
        jar = _jar(root)
        self.http_port, self.https_port = _free_port(), _free_port()
        self.log = open(os.path.join(workdir, f"wiremock-{self.https_port}.log"), "wb")
        args = ["java", "-jar", str(jar), "--port", str(self.http_port), "--https-port", str(self.https_port),
                "--no-request-journal", "--disable-request-logging", "--async-response-enabled", "true",
                "--container-threads", "32", "--disable-banner", "--root-dir", os.path.join(workdir, "wiremock")]
        if cpus is not None:
            args = ["taskset", "-c", cpus] + args
        os.makedirs(os.path.join(workdir, "wiremock", "mappings"), exist_ok=True)
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = _call(self.http_port, "/__admin/mappings", tls=False)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("WireMock did not come up (see its log in the bench work folder)")
            time.sleep(0.2)

    def stub(self, method, path, status, headers, body):
        mapping = {"request": {"method": method, "url": path},
                   "response": {"status": status, "headers": headers, "body": body.decode("utf-8")}}
        answer, _, text = _call(self.http_port, "/__admin/mappings", json.dumps(mapping).encode(),
                                {"Content-Type": "application/json"}, tls=False)
        if answer != 201:
            raise RuntimeError(f"WireMock refused the stub for {method} {path}: {answer} {text[:200]!r}")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def _capture(status, headers, body):
    kept = {k: v for k, v in headers.items() if k.lower() not in SKIP_HEADERS}
    return status, kept, body


def _run(ctx, pinned):
    threads = 1 if pinned else (os.cpu_count() or 1)
    server_cpus, client_cpus = ("0", "1") if pinned else (None, None)
    extra = ["--flowmailer-token-lifetime", "86400", "--postflare-rate-limit", "0"]
    md = ctx.MailDouble(ctx.work, threads, extra)
    wm = None
    try:
        if pinned:
            subprocess.run(["taskset", "-a", "-p", "-c", server_cpus, str(md.proc.pid)], check=True,
                           stdout=subprocess.DEVNULL)
        port = md.https_port
        form = urllib.parse.urlencode({"client_id": "maildouble", "client_secret": "maildouble-secret",
                                       "grant_type": "client_credentials", "scope": "api"}).encode()
        status, _, body = _call(port, "/oauth/token", form, {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 200:
            raise RuntimeError(f"/oauth/token answered {status}")
        token = json.loads(body)["access_token"]
        fm = {"Authorization": f"Bearer {token}", "Accept": FM_ACCEPT}
        submit_headers = dict(fm, **{"Content-Type": FM_ACCEPT})
        email_headers = {"Authorization": "Bearer re_test_maildouble_full", "Content-Type": "application/json"}
        for i in range(7):  # the fixture account holds 3 messages: 7 more make a full page of 10
            body = json.loads(SUBMIT_BODY)
            body["recipientAddress"] = f"page{i}@example.com"
            if _call(port, "/545/messages/submit", json.dumps(body).encode(), submit_headers)[0] != 201:
                raise RuntimeError("submit failed")
        time.sleep(2.5)  # let them reach DELIVERED, so that the page stops changing
        list_headers = dict(fm, Range="items=:10")
        cases = [
            ("POST /emails", "POST", "/emails", email_headers, EMAIL_BODY, 2.0),
            ("Flowmailer submit", "POST", "/545/messages/submit", submit_headers, SUBMIT_BODY, 2.0),
            ("GET /545/messages page", "GET", "/545/messages", list_headers, None, 3.0),
        ]
        wm = WireMock(ctx.root, ctx.work, cpus=server_cpus)
        for name, method, path, headers, body, _ in cases:
            status, answer_headers, answer = _capture(*_call(port, path, body.encode() if body else None, headers,
                                                             method))
            if status >= 400:
                raise RuntimeError(f"{name}: MailDouble answered {status}: {answer[:200]!r}")
            wm.stub(method, path, status, answer_headers, answer)
        mode = "both servers on core 0, load on core 1" if pinned else "unpinned, machine default"
        print(f"wiremock — {mode}; MailDouble --threads {threads}, WireMock 2.35.1 (32 container threads, async,"
              f" no journal); {ctx.seconds}s per run, {max(ctx.rounds, 3)} round(s)")

        def load(tool, url, script=None, body_file=None, headers=None):
            prefix = ["taskset", "-c", client_cpus] if client_cpus else []
            if tool == "wrk":
                args = prefix + ["wrk", "-t1", "-c16", f"-d{ctx.seconds}s"] + (["-s", script] if script else [])
                out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
                rps = float(out.split("Requests/sec:")[1].split()[0])
                bad = int(out.split("Non-2xx or 3xx responses:")[1].split()[0]) if "Non-2xx" in out else 0
                return rps, bad
            args = prefix + ["h2load", "-c16", "-m10", "-D", str(ctx.seconds)]
            for k, v in (headers or {}).items():
                args += ["-H", f"{k}: {v}"]
            if body_file:
                args += ["-d", body_file]
            out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
            rps = float(out.split(" req/s")[0].rsplit(" ", 1)[-1])
            codes = out.split("status codes: ")[1].split(",")
            bad = int(codes[2].split()[0]) + int(codes[3].split()[0])
            return rps, bad

        for name, method, path, headers, body, target in cases:
            slug = path.strip("/").replace("/", "-")
            script = ctx.wrk_script(os.path.join(ctx.work, f"wm-{slug}.lua"), method, path, headers, body)
            body_file = None
            if body:
                body_file = os.path.join(ctx.work, f"wm-{slug}.json")
                with open(body_file, "w") as f:
                    f.write(body)
            ours_url, theirs_url = f"https://127.0.0.1:{port}{path}", f"https://127.0.0.1:{wm.https_port}{path}"
            # JIT warm-up for WireMock (and the same for us, which changes nothing but keeps things even).
            for url in (theirs_url, ours_url):
                subprocess.run((["taskset", "-c", client_cpus] if client_cpus else [])
                               + ["wrk", "-t1", "-c16", "-d10s", "-s", script, url],
                               capture_output=True, check=True)
            ours, theirs, bad_ours, bad_theirs = ctx.paired(lambda: load("wrk", ours_url, script),
                                                            lambda: load("wrk", theirs_url, script),
                                                            max(ctx.rounds, 3))
            ctx.report(f"{name} HTTPS/1.1 wrk -c16", ours, theirs, target, peer="wiremock")
            if bad_ours or bad_theirs:
                print(f"    bad answers: maildouble {bad_ours}, wiremock {bad_theirs}")
            h2_headers = dict(headers)
            ours, theirs, bad_ours, bad_theirs = ctx.paired(
                lambda: load("h2load", ours_url, body_file=body_file, headers=h2_headers),
                lambda: load("h2load", theirs_url, body_file=body_file, headers=h2_headers), max(ctx.rounds, 3))
            ctx.report(f"{name} h2 h2load -c16 -m10", ours, theirs, target, peer="wiremock")
            if bad_ours or bad_theirs:
                print(f"    bad answers: maildouble {bad_ours}, wiremock {bad_theirs}")
    finally:
        if wm:
            wm.stop()
        md.stop()


def wiremock(ctx):
    _run(ctx, pinned=True)
    _run(ctx, pinned=False)


SECTIONS = {"wiremock": wiremock}
