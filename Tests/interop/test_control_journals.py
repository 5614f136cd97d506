# SPDX-License-Identifier: Apache-2.0
"""The control plane's journals as a test suite uses them with the official `resend` SDK: wait for the webhook
delivery a send causes (`/_emulator/deliveries/wait`, a parked request, no polling) with a local HTTP receiver
thread, and read the request journal of an SDK call with its credentials redacted."""
import http.server
import threading

import pytest
import requests
from conftest import resend_sdk_for

FULL_KEY = "re_test_maildouble_full"


class Receiver:
    """A webhook endpoint on 127.0.0.1, port 0, answering 200 to every POST."""

    def __init__(self):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def control(fresh_emulator):
    """`requests` against the control routes, outside the SDK's environment."""
    s = requests.Session()
    s.trust_env = False
    s.verify = fresh_emulator.ca_file
    base = fresh_emulator.https

    def call(method, path, **kw):
        return s.request(method, base + path, timeout=60, **kw)

    yield call
    s.close()


def test_wait_for_the_webhook_delivery_of_an_sdk_send(fresh_emulator, receiver, control):
    with resend_sdk_for(fresh_emulator, FULL_KEY) as resend:
        hook = resend.Webhooks.create({"endpoint": receiver.url, "events": ["email.delivered"]})
        email = resend.Emails.send({
            "from": "Acme <hello@example.org>", "to": ["delivered@resend.dev"], "subject": "Journals",
            "text": "hello",
        })
    # Nothing delivered yet: a short wait times out with what matched.
    r = control("GET", "/_emulator/deliveries/wait", params={"event_type": "email.delivered", "timeout": 0.1})
    assert r.status_code == 408
    assert r.json() == {"error": "timeout", "wanted": 1, "matched": 0, "data": []}

    assert control("POST", "/_emulator/clock/advance", params={"seconds": 3}).status_code == 200
    r = control("GET", "/_emulator/deliveries/wait", params={"event_type": "email.delivered", "timeout": 30})
    assert r.status_code == 200, r.text
    [delivery] = r.json()["data"]
    assert delivery["vendor"] == "postflare" and delivery["endpoint_id"] == hook["id"]
    assert delivery["url"] == receiver.url and delivery["status"] == 200 and delivery["error"] is None
    assert delivery["attempt"] == 1 and delivery["next_attempt"] is None
    assert email["id"] in delivery["request_body"]
    assert delivery["request_headers"]["svix-id"] == delivery["delivery_id"]
    assert control("GET", "/_emulator/deliveries", params={"status": "2xx"}).json()["data"] == [delivery]


def test_the_request_journal_shows_an_sdk_call_redacted(fresh_emulator, control):
    with resend_sdk_for(fresh_emulator, FULL_KEY) as resend:
        email = resend.Emails.send({
            "from": "hello@example.org", "to": ["delivered@resend.dev"], "subject": "Journal", "text": "hi",
        })
        resend.Emails.get(email["id"])
    r = control("GET", "/_emulator/requests", params={"vendor": "postflare"})
    assert r.status_code == 200
    body = r.json()
    assert body["has_more"] is False and body["next"] is None
    send, get = body["data"]
    assert (send["method"], send["path"], send["route"], send["status"]) == ("POST", "/emails", "/emails", 200)
    assert (get["method"], get["path"], get["route"]) == ("GET", f"/emails/{email['id']}", "/emails/{id}")
    assert send["request_headers"]["authorization"] == "Bearer [redacted]"
    assert FULL_KEY not in r.text
    assert send["request_bytes"] > 0 and send["response_bytes"] > 0 and send["latency_ms"] >= 0
    assert send["protocol"] == "HTTP/1.1" and send["seq"] < get["seq"]
    # The control routes are not journaled; clearing answers how many went.
    assert control("DELETE", "/_emulator/requests").json() == {"deleted": 2}
    assert control("GET", "/_emulator/requests").json()["data"] == []
