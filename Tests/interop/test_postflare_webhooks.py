# SPDX-License-Identifier: Apache-2.0
"""Postflare webhooks as a Resend user receives them: the official `resend` SDK creates a webhook pointing at a
local `http.server`, sends an e-mail, the test moves the emulator clock, and every delivery the emulator POSTs
is checked with the SDK's own `resend.Webhooks.verify`. A 500 answer is retried once the clock passes the
5 s mark of Resend's schedule, with the same `svix-id`. Waits are `threading.Event`s with a timeout, no sleeps."""
import http.server
import json
import threading
import time

import pytest
import requests
from conftest import resend_sdk_for

FULL_KEY = "re_test_maildouble_full"


class Receiver:
    """A webhook endpoint on 127.0.0.1, port 0: records each POST and answers the scripted statuses in order
    (200 once the script runs out). `wait(n)` blocks until n deliveries have arrived."""

    def __init__(self, statuses=()):
        self.deliveries = []
        self.statuses = list(statuses)
        self.changed = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.changed:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.deliveries.append({
                        "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body,
                    })
                    receiver.changed.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/resend"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait(self, count, timeout=20):
        with self.changed:
            self.changed.wait_for(lambda: len(self.deliveries) >= count, timeout=timeout)
            return list(self.deliveries)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver(statuses=[500])
    yield r
    r.close()


@pytest.fixture
def resend(fresh_emulator):
    """A private emulator: its clock must not have been moved by other tests (verify allows 300 s of skew)."""
    with resend_sdk_for(fresh_emulator, FULL_KEY) as module:
        yield module


def advance(em, seconds):
    with requests.Session() as s:
        s.trust_env = False
        r = s.post(f"{em.https}/_emulator/clock/advance", params={"seconds": seconds}, verify=em.ca_file)
        assert r.status_code == 200, r.text


def verify(resend, delivery, secret):
    h = delivery["headers"]
    return resend.Webhooks.verify({
        "payload": delivery["body"].decode(),
        "headers": {"id": h["svix-id"], "timestamp": h["svix-timestamp"], "signature": h["svix-signature"]},
        "webhook_secret": secret,
    })


def test_deliveries_verify_with_the_sdk_and_a_500_is_retried(resend, fresh_emulator, receiver):
    hook = resend.Webhooks.create({"endpoint": receiver.url, "events": ["email.sent", "email.delivered"]})
    secret = hook["signing_secret"]
    assert secret.startswith("whsec_")
    email = resend.Emails.send({
        "from": "Acme <hello@example.org>", "to": ["delivered@resend.dev"], "subject": "Webhooks",
        "html": "<p>hello</p>",
    })

    advance(fresh_emulator, 3)  # sent at +1 s, delivered at +2 s
    first = receiver.wait(2)
    assert len(first) == 2, "the emulator must POST both events"
    events = [verify(resend, d, secret) for d in first]
    assert [e["type"] for e in events] == ["email.sent", "email.delivered"]
    for d, e in zip(first, events):
        assert d["path"] == "/webhooks/resend"
        assert d["headers"]["content-type"] == "application/json"
        assert e["data"]["email_id"] == email["id"]
        assert e["data"]["to"] == ["delivered@resend.dev"]
    with pytest.raises(ValueError):
        verify(resend, first[0], "whsec_" + "A" * 32)  # another secret does not verify

    advance(fresh_emulator, 5)  # Resend retries a failed attempt after 5 s
    everything = receiver.wait(3)
    assert len(everything) == 3, "the 500 answer must be retried"
    retry = everything[2]
    assert retry["headers"]["svix-id"] == first[0]["headers"]["svix-id"]
    assert retry["body"] == first[0]["body"]
    # Signed with real time, not the emulator clock (now 8 s ahead): receivers compare it with their own clock.
    assert abs(int(retry["headers"]["svix-timestamp"]) - time.time()) < 60
    assert verify(resend, retry, secret)["type"] == "email.sent"
    assert json.loads(retry["body"])["data"]["email_id"] == email["id"]


def test_deliveries_still_verify_after_the_clock_moved_ten_hours(resend, fresh_emulator):
    """Every real verifier refuses a timestamp more than 5 minutes off its own clock. After the emulator clock
    moved 10 h (Resend's last retry step) the deliveries are still signed with real time, so `resend`, `svix`
    and `standardwebhooks` accept them, while the payload's `created_at` stays on the emulator clock and a
    failed attempt still waits for the emulator clock to reach its retry time."""
    svix_webhooks = pytest.importorskip("svix.webhooks")
    standardwebhooks = pytest.importorskip("standardwebhooks")
    receiver = Receiver(statuses=[500, 500])
    try:
        advance(fresh_emulator, 36_000)
        hook = resend.Webhooks.create({"endpoint": receiver.url, "events": ["email.delivered"]})
        secret = hook["signing_secret"]
        email = resend.Emails.send({
            "from": "Acme <onboarding@resend.dev>", "to": ["delivered@resend.dev"], "subject": "Later",
            "text": "x",
        })
        created = resend.Emails.get(email["id"])["created_at"]
        assert created.startswith(time.strftime("%Y-%m-%d", time.gmtime(time.time() + 36_000)))

        advance(fresh_emulator, 3)
        assert len(receiver.wait(1)) == 1  # the first attempt: answered 500
        advance(fresh_emulator, 5)
        assert len(receiver.wait(2)) == 2  # the 5 s retry: 500 again
        advance(fresh_emulator, 36_000)  # far past the 5 min step: one more attempt, not several
        deliveries = receiver.wait(3)
        assert len(deliveries) == 3
        for d in deliveries:
            body = d["body"].decode()
            event = verify(resend, d, secret)
            assert event["type"] == "email.delivered"
            assert event["data"]["email_id"] == email["id"]
            svix_headers = {k: d["headers"][k] for k in ("svix-id", "svix-timestamp", "svix-signature")}
            svix_webhooks.Webhook(secret).verify(body, svix_headers)  # raises WebhookVerificationError if refused
            std_headers = {k: d["headers"][k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature")}
            assert standardwebhooks.Webhook(secret).verify(body, std_headers)["type"] == "email.delivered"
            # The payload's time is the emulator's: about 10 h ahead of the signature's.
            created_at = time.mktime(time.strptime(event["created_at"][:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
            assert created_at - int(d["headers"]["svix-timestamp"]) > 35_000
        assert len({d["headers"]["svix-id"] for d in deliveries}) == 1
    finally:
        receiver.close()


def test_webhook_event_log_and_replay_with_the_sdk(resend, fresh_emulator):
    """resend 2.52's `Webhooks.list_events`, `get_event`, `list_event_attempts` and `replay_event` over the
    deliveries the emulator really made: a 500 then the 5 s retry's 200, then a manual replay."""
    receiver = Receiver(statuses=[500])
    try:
        hook = resend.Webhooks.create({"endpoint": receiver.url, "events": ["email.sent"]})
        resend.Emails.send({"from": "Acme <onboarding@resend.dev>", "to": ["delivered@resend.dev"],
                            "subject": "Log", "text": "x"})
        advance(fresh_emulator, 2)
        first = receiver.wait(1)[0]
        advance(fresh_emulator, 5)
        assert len(receiver.wait(2)) == 2
        event_id = first["headers"]["svix-id"]

        events = resend.Webhooks.list_events(hook["id"])
        assert events["object"] == "list" and events["has_more"] is False
        assert [(e["id"], e["type"], e["status"]) for e in events["data"]] == [(event_id, "email.sent", "success")]
        event = resend.Webhooks.get_event(hook["id"], event_id)
        assert event["object"] == "webhook_event"
        assert event["payload"] == json.loads(first["body"])
        assert event["next_attempt_at"] is None
        attempts = resend.Webhooks.list_event_attempts(hook["id"], event_id)
        assert [a["http_status_code"] for a in attempts["data"]] == [200, 500]

        replayed = resend.Webhooks.replay_event(hook["id"], event_id)
        assert replayed["object"] == "webhook_event" and replayed["id"] == event_id
        third = receiver.wait(3)
        assert len(third) == 3
        assert third[2]["headers"]["svix-id"] == event_id and third[2]["body"] == first["body"]
        assert verify(resend, third[2], hook["signing_secret"])["type"] == "email.sent"
        assert len(resend.Webhooks.list_event_attempts(hook["id"], event_id)["data"]) == 3

        with requests.Session() as s:
            s.trust_env = False
            r = s.get(f"{fresh_emulator.https}/webhooks/{hook['id']}/events", params={"before": event_id},
                      headers={"Authorization": f"Bearer {FULL_KEY}"}, verify=fresh_emulator.ca_file)
        assert r.status_code == 422
        assert r.json()["message"] == "The `before` parameter is not supported for this endpoint."
        resend.Webhooks.update({"webhook_id": hook["id"], "status": "disabled"})
        with pytest.raises(resend.exceptions.ResendError):
            resend.Webhooks.replay_event(hook["id"], event_id)
    finally:
        receiver.close()


def test_simulated_click_and_injected_inbound_mail_reach_the_sdk(resend, fresh_emulator):
    """The control plane's simulated `email.clicked` and injected inbound e-mail, as a Resend user sees them:
    verified webhooks, `Emails.get` showing `clicked`, and `Emails.Receiving` listing the received e-mail."""
    receiver = Receiver()
    try:
        hook = resend.Webhooks.create({"endpoint": receiver.url, "events": ["email.clicked", "email.received"]})
        sent = resend.Emails.send({"from": "Acme <onboarding@resend.dev>", "to": ["delivered@resend.dev"],
                                   "subject": "Confirm", "html": '<a href="https://app.acme.io/c?t=1">go</a>'})
        advance(fresh_emulator, 3)
        with requests.Session() as s:
            s.trust_env = False
            r = s.post(f"{fresh_emulator.https}/_emulator/messages/postflare/{sent['id']}/events",
                       json={"type": "clicked"}, verify=fresh_emulator.ca_file)
            assert r.status_code == 201, r.text
            r = s.post(f"{fresh_emulator.https}/_emulator/postflare/inbound", verify=fresh_emulator.ca_file,
                       json={"from": "Ada <ada@acme.io>", "to": "support@example.org", "subject": "Help",
                             "text": "hello", "attachments": [{"filename": "a.txt", "content": "aGk="}]})
            assert r.status_code == 201, r.text
            inbound_id = r.json()["id"]
        deliveries = receiver.wait(2)
        events = [verify(resend, d, hook["signing_secret"]) for d in deliveries]
        assert [e["type"] for e in events] == ["email.clicked", "email.received"]
        assert events[0]["data"]["click"]["link"] == "https://app.acme.io/c?t=1"
        assert events[1]["data"]["email_id"] == inbound_id
        assert resend.Emails.get(sent["id"])["last_event"] == "clicked"

        listed = resend.Emails.Receiving.list()
        assert [e["id"] for e in listed["data"]] == [inbound_id]
        got = resend.Emails.Receiving.get(inbound_id)
        assert got["text"] == "hello" and got["subject"] == "Help"
        attachments = resend.Emails.Receiving.Attachments.list(inbound_id)
        assert [a["filename"] for a in attachments["data"]] == ["a.txt"]
    finally:
        receiver.close()
