# SPDX-License-Identifier: Apache-2.0
"""`--data-dir` with real processes: a restart keeps every vendor's data and the SDK flows work on it;
SIGTERM during a load of acknowledged sends loses none; kill -9 at random moments under `--fsync always` never
loses an acknowledged write and always restarts; a damaged state file stops start-up with a message and exit
code. Waits are on the ready FIFO and process exits, never on sleeps."""
import os
import random
import signal
import subprocess
import tempfile
import threading

import requests

from conftest import BINARY, ROOT, Emulator, resend_sdk_for

KEY = "re_test_maildouble_full"
MEDIA = "application/vnd.flowmailer.v1.12+json"
FLOWDOCK = {"Authorization": "Bearer maildouble-flowdock-token"}


def start(data_dir, *extra):
    return Emulator(["--data-dir", data_dir, "--postflare-rate-limit", "0", "--postflare-webhooks", "off", *extra])


def session(em):
    s = requests.Session()
    s.verify = em.ca_file
    s.trust_env = False
    return s


def flowmailer_token(s, em):
    r = s.post(f"{em.https}/oauth/token", data={"client_id": "maildouble", "client_secret": "maildouble-secret",
                                               "grant_type": "client_credentials", "scope": "api"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}", "Accept": MEDIA, "Content-Type": MEDIA}


def flowmailer_ids(s, em):
    r = s.get(f"{em.https}/545/messages", headers={**flowmailer_token(s, em), "Range": "items=:1000"})
    assert r.status_code in (200, 206), r.text
    return {m["id"] for m in r.json()}


def postflare_ids(em):
    """Every stored Postflare e-mail id, read through the control route (all pages)."""
    s, ids, after = session(em), set(), ""
    while True:
        r = s.get(f"{em.https}/_emulator/messages?vendor=postflare&limit=1000{after}")
        assert r.status_code == 200, r.text
        body = r.json()
        ids |= {m["id"] for m in body["data"]}
        if not body.get("has_more"):
            return ids
        after = f"&cursor={body['next']}"


def test_a_restart_keeps_every_vendor_and_the_sdk_flows_work_on_it():
    data = tempfile.mkdtemp(prefix="maildouble-data-")
    em = start(data)
    try:
        with resend_sdk_for(em, KEY) as resend:
            sent = resend.Emails.send({"from": "Acme <hello@example.org>", "to": ["delivered@resend.dev"],
                                       "subject": "Survives a restart", "html": "<p>kept</p>"})
        s = session(em)
        submit = s.post(f"{em.https}/545/messages/submit", headers=flowmailer_token(s, em),
                        json={"messageType": "EMAIL", "senderAddress": "shop@acme.io",
                              "recipientAddress": "ada@acme.io", "subject": "Kept order", "text": "Thanks"})
        assert submit.status_code == 201, submit.text
        fm_id = submit.headers["Location"].rsplit("/", 1)[-1]
        chat = s.post(f"{em.https}/flows/acme/my-flow/messages", headers=FLOWDOCK,
                      json={"event": "message", "content": "kept in the flow"})
        assert chat.status_code == 201, chat.text
    finally:
        assert em.stop() == 0

    again = start(data)
    try:
        with resend_sdk_for(again, KEY) as resend:
            got = resend.Emails.get(sent["id"])
            assert got["subject"] == "Survives a restart" and got["to"] == ["delivered@resend.dev"]
            # The SDK keeps sending on the restored state: new ids next to the old one.
            more = resend.Emails.send({"from": "hello@example.org", "to": ["delivered@resend.dev"],
                                       "subject": "after", "text": "t"})
            assert more["id"] != sent["id"]
        s = session(again)
        assert fm_id in flowmailer_ids(s, again)
        flow = s.get(f"{again.https}/flows/acme/my-flow/messages", headers=FLOWDOCK)
        assert any(m.get("content") == "kept in the flow" for m in flow.json()), flow.text
        assert "state restored" in open(os.path.join(again.dir, "stderr.log")).read()
    finally:
        assert again.stop() == 0


def test_a_large_part_not_kept_after_loading_is_still_written_back_whole():
    """A loaded part of 1 MiB or more is dropped from memory after start-up (Persistence.keptPartBytes): a
    restart that changes nothing leaves the file as it was, and a commit for another vendor encodes it again."""
    data = tempfile.mkdtemp(prefix="maildouble-data-")
    body = "<p>" + "x" * 300_000 + "</p>"
    em = start(data)
    try:
        s = session(em)
        headers = {"Authorization": f"Bearer {KEY}"}
        ids = set()
        for i in range(5):
            r = s.post(f"{em.https}/emails", headers=headers, json={
                "from": "Acme <hello@example.org>", "to": ["delivered@resend.dev"], "subject": f"big {i}",
                "html": body})
            assert r.status_code == 200, r.text
            ids.add(r.json()["id"])
    finally:
        assert em.stop() == 0
    path = os.path.join(data, "state.mdstate")
    assert os.path.getsize(path) > 1 << 20
    before = open(path, "rb").read()

    idle = start(data)
    assert idle.stop() == 0
    assert open(path, "rb").read() == before, "a restart without changes rewrote the state"

    again = start(data)
    try:
        s = session(again)
        chat = s.post(f"{again.https}/flows/acme/my-flow/messages", headers=FLOWDOCK,
                      json={"event": "message", "content": "only flowdock changed"})
        assert chat.status_code == 201, chat.text
    finally:
        assert again.stop() == 0

    last = start(data)
    try:
        assert postflare_ids(last) >= ids
        s = session(last)
        got = s.get(f"{last.https}/emails/{sorted(ids)[0]}", headers={"Authorization": f"Bearer {KEY}"})
        assert got.status_code == 200 and got.json()["html"] == body
        flow = s.get(f"{last.https}/flows/acme/my-flow/messages", headers=FLOWDOCK)
        assert any(m.get("content") == "only flowdock changed" for m in flow.json()), flow.text
    finally:
        assert last.stop() == 0


def send_until_stopped(em, acked, stop, errors, reached, target):
    """Sends Postflare e-mails until `stop` or the server goes away; records every id answered 2xx and sets
    `reached` once `target` are acknowledged (or when it ends), so that the test waits on an event."""
    s = session(em)
    try:
        while not stop.is_set():
            try:
                r = s.post(f"{em.https}/emails", headers={"Authorization": f"Bearer {KEY}"}, timeout=10,
                           json={"from": "hello@example.org", "to": ["delivered@resend.dev"], "subject": "load",
                                 "text": "t"})
            except requests.RequestException:
                return  # the server is draining or gone
            if 200 <= r.status_code < 300:
                acked.append(r.json()["id"])
                if len(acked) >= target:
                    reached.set()
            elif r.status_code != 503:  # 503: refused while draining
                errors.append(r.status_code)
    finally:
        reached.set()


def load(em, clients, target):
    """Starts `clients` senders; returns (acked, errors, stop, workers) once `target` sends were acknowledged."""
    acked, errors, stop, reached = [], [], threading.Event(), threading.Event()
    workers = [threading.Thread(target=send_until_stopped, args=(em, acked, stop, errors, reached, target))
               for _ in range(clients)]
    for w in workers:
        w.start()
    reached.wait(timeout=300)
    return acked, errors, stop, workers


def test_sigterm_during_a_load_of_acknowledged_sends_loses_none():
    data = tempfile.mkdtemp(prefix="maildouble-data-")
    em = start(data)  # the default --fsync interval: the shutdown commit must catch up on everything
    # SIGTERM once a few hundred sends were acknowledged (counted, not timed), with the senders still going.
    acked, errors, stop, workers = load(em, 4, 300)
    em.process.send_signal(signal.SIGTERM)
    assert em.process.wait(timeout=60) == 0
    stop.set()
    for w in workers:
        w.join()
    assert not errors
    again = start(data)
    try:
        stored = postflare_ids(again)
        missing = set(acked) - stored
        assert not missing, f"{len(missing)} of {len(acked)} acknowledged sends lost"
    finally:
        again.stop()


def test_kill_9_at_random_moments_never_loses_an_acknowledged_write():
    data = tempfile.mkdtemp(prefix="maildouble-data-")
    acked_all = []
    rng = random.Random(1234)
    for round_ in range(6):
        em = start(data, "--fsync", "always")
        # Every send acknowledged before this start is still there.
        stored = postflare_ids(em)
        missing = set(acked_all) - stored
        assert not missing, f"round {round_}: {len(missing)} of {len(acked_all)} acknowledged writes lost"
        acked, errors, stop, workers = load(em, 3, rng.randint(1, 120))
        em.process.kill()  # SIGKILL: no drain, no last commit
        em.process.wait(timeout=30)
        stop.set()
        for w in workers:
            w.join()
        em.log.close()
        assert not errors
        acked_all += acked
    em = start(data, "--fsync", "always")
    try:
        assert not set(acked_all) - postflare_ids(em)
    finally:
        assert em.stop() == 0


def run_refusing(data_dir):
    """Starts on `data_dir` expecting a refusal: no ready file is written, so this waits on the exit."""
    state = tempfile.mkdtemp(prefix="maildouble-state-")
    return subprocess.run([str(BINARY), "--https-port", "0", "--http-port", "0", "--state-dir", state,
                           "--fixtures", str(ROOT / "fixtures"), "--data-dir", data_dir],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


def test_a_truncated_or_garbage_state_file_gives_a_clear_message_and_exit_code():
    data = tempfile.mkdtemp(prefix="maildouble-data-")
    em = start(data)
    s = session(em)
    assert s.post(f"{em.https}/flows/acme/my-flow/messages", headers=FLOWDOCK,
                  json={"event": "message", "content": "x"}).status_code == 201
    assert em.stop() == 0
    path = os.path.join(data, "state.mdstate")
    good = open(path, "rb").read()
    for damaged, says in [(good[: len(good) // 2], "truncated"), (b"\x00garbage" * 50, "not a MailDouble state file"),
                          (good[:8] + b"\x07\x00\x00\x00" + good[12:], "format version 7")]:
        with open(path, "wb") as f:
            f.write(damaged)
        r = run_refusing(data)
        assert r.returncode == 1, r.stderr
        assert path in r.stderr and says in r.stderr, r.stderr
        assert "Traceback" not in r.stderr and "Fatal error" not in r.stderr
