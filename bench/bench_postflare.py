# SPDX-License-Identifier: Apache-2.0
"""Postflare section (issue 4's acceptance), loaded by bench/bench.py.

`POST /emails` (full-access key, rate limit off) with every answer a 2xx:
  1. wrk -c16 over HTTPS/1.1 keep-alive and h2load -c16 -m10 over h2, each against nginx serving the ping
     bytes statically in the same run — target ≥ 0.5×;
  2. wrk -c16 against a Python emulator peer, moto's SES `SendEmail` in server mode (plain HTTP, its only
     transport) — target ≥ 100×. moto lives in bench/.venv-moto, created on first use.
"""
import json
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

KEY = "re_test_maildouble_full"
EMAIL = {"from": "Acme <hello@example.org>", "to": ["delivered@resend.dev"], "subject": "Bench",
         "html": "<p>Hello from the benchmark</p>", "text": "Hello from the benchmark"}
# moto routes a request to a service by the credential scope of its SigV4 Authorization header and does not
# check the signature, so a fixed, well-formed header is enough.
MOTO_AUTH = ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/ses/aws4_request, "
             "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64)
SENDER = "sender@example.org"


def _post(url, body, headers, context=None):
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, context=context, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _insecure():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _moto_venv(root):
    venv = root / "bench" / ".venv-moto"
    server = venv / "bin" / "moto_server"
    if not server.exists():
        print("  creating bench/.venv-moto (pip install 'moto[server]') …")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", "moto[server]"],
                       check=True)
    return server


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ses(port, params):
    body = urllib.parse.urlencode(params).encode()
    return _post(f"http://127.0.0.1:{port}/", body,
                 {"Content-Type": "application/x-www-form-urlencoded", "Authorization": MOTO_AUTH,
                  "X-Amz-Date": "20260101T000000Z"})


def _send_email_form():
    return {"Action": "SendEmail", "Version": "2010-12-01", "Source": SENDER,
            "Destination.ToAddresses.member.1": "delivered@example.org",
            "Message.Subject.Data": EMAIL["subject"], "Message.Body.Text.Data": EMAIL["text"]}


class Moto:
    def __init__(self, root, workdir):
        server = _moto_venv(root)
        self.port = _free_port()
        self.log = open(os.path.join(workdir, "moto.log"), "wb")
        self.proc = subprocess.Popen([str(server), "-H", "127.0.0.1", "-p", str(self.port)],
                                     stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = _ses(self.port, {"Action": "VerifyEmailIdentity", "Version": "2010-12-01",
                                             "EmailAddress": SENDER})
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("moto_server did not come up")
                time.sleep(0.2)
        if status != 200:
            raise RuntimeError(f"moto VerifyEmailIdentity answered {status}")
        status, answer = _ses(self.port, _send_email_form())
        if status != 200 or b"MessageId" not in answer:
            raise RuntimeError(f"moto SendEmail answered {status}: {answer[:300]!r}")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()


def postflare(ctx):
    md = ctx.MailDouble(ctx.work, ctx.threads)
    ng = None
    moto = None
    try:
        url = f"https://127.0.0.1:{md.https_port}/emails"
        headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
        body = json.dumps(EMAIL)
        status, answer = _post(url, body.encode(), headers, _insecure())
        if status != 200:
            raise RuntimeError(f"POST /emails answered {status}: {answer[:300]!r}")
        lua = ctx.wrk_script(os.path.join(ctx.work, "postflare-emails.lua"), "POST", "/emails", headers, body)
        body_file = os.path.join(ctx.work, "postflare-email.json")
        with open(body_file, "w") as f:
            f.write(body)

        cert = os.path.join(md.state, "server.pem")
        key = os.path.join(md.state, "server-key.pem")
        ng = ctx.Nginx(ctx.work, ctx.threads, cert, key, {"/_emulator/ping": ctx.PING_BODY})
        ping = f"https://127.0.0.1:{ng.port}/_emulator/ping"
        # moto runs beside them from the start, idle until its turn, so that its rounds interleave with ours.
        moto = Moto(ctx.root, ctx.work)
        form = urllib.parse.urlencode(_send_email_form())
        moto_lua = ctx.wrk_script(os.path.join(ctx.work, "moto-sendemail.lua"), "POST", "/",
                                  {"Content-Type": "application/x-www-form-urlencoded", "Authorization": MOTO_AUTH,
                                   "X-Amz-Date": "20260101T000000Z"}, form)
        print(f"postflare — POST /emails, {ctx.threads} thread(s)/worker(s), {ctx.seconds}s per run, {ctx.rounds}"
              f" round(s); baseline: nginx serving the ping bytes statically")
        send_h1 = lambda: ctx.wrk(url, connections=16, seconds=ctx.seconds, script=lua)
        ours, static_h1, bad, _ = ctx.paired(
            send_h1, lambda: ctx.wrk(ping, connections=16, seconds=ctx.seconds), ctx.rounds)
        print(f"  POST /emails answers other than 2xx over HTTPS/1.1: {bad}")
        ctx.report("POST /emails wrk -c16 HTTPS/1.1 vs static", ours, static_h1, 0.5)
        ours_h2, static_h2, bad_h2, _ = ctx.paired(
            lambda: ctx.h2load(url, clients=16, streams=10, seconds=ctx.seconds,
                               extra=("-d", body_file, "-H", f"authorization: Bearer {KEY}",
                                      "-H", "content-type: application/json")),
            lambda: ctx.h2load(ping, clients=16, streams=10, seconds=ctx.seconds), ctx.rounds)
        print(f"  POST /emails answers 4xx/5xx over h2: {bad_h2}")
        ctx.report("POST /emails h2load -c16 -m10 h2 vs static", ours_h2, static_h2, 0.5)
        ctx.results["postflare_emails_non2xx"] = bad + bad_h2

        # Our HTTPS/1.1 figure (the lower of our two) against moto over plain HTTP, in rounds of their own.
        ours_vs, theirs, bad_vs, bad_moto = ctx.paired(
            send_h1,
            lambda: ctx.wrk(f"http://127.0.0.1:{moto.port}/", connections=16, seconds=ctx.seconds, script=moto_lua),
            ctx.rounds)
        print(f"  POST /emails answers other than 2xx: {bad_vs}; moto SendEmail answers other than 2xx: {bad_moto}")
        ctx.report("POST /emails vs moto SES SendEmail (HTTP)", ours_vs, theirs, 100, peer="moto")
        ctx.results["moto_sendemail_non2xx"] = bad_moto
    finally:
        if moto:
            moto.stop()
        if ng:
            ng.stop()
        md.stop()


SECTIONS = {"postflare": postflare}
