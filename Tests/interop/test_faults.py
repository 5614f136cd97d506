# SPDX-License-Identifier: Apache-2.0
"""Scripted faults (`/_emulator/faults`) seen through the official clients: the resend SDK gets Resend's own error
body on a 503 and a retry loop ends with one email; a Flowmailer client that retries on a connection error ends
with two messages after an `after_commit` drop (Flowmailer has no idempotency), while a Resend send retried with
the same `Idempotency-Key` ends with one."""
import uuid

import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from conftest import resend_sdk_for
from test_flowmailer_sdk import FlowmailerClient

FULL_KEY = "re_test_maildouble_full"


def control(emulator):
    s = requests.Session()
    s.trust_env = False
    s.verify = emulator.ca_file
    return s


@pytest.fixture
def faults(emulator):
    """Adds rules for one test and removes every rule after it."""
    s = control(emulator)

    def add(rule):
        r = s.post(f"{emulator.https}/_emulator/faults", json=rule)
        assert r.status_code == 201, r.text
        return r.json()

    yield add
    assert s.delete(f"{emulator.https}/_emulator/faults").status_code == 200


def stored(emulator, vendor, subject):
    r = control(emulator).get(f"{emulator.https}/_emulator/messages", params={"vendor": vendor, "subject": subject})
    assert r.status_code == 200, r.text
    return r.json()["data"]


def email(subject):
    return {"from": "hello@example.org", "to": ["delivered@resend.dev"], "subject": subject, "text": "hi"}


def test_resend_sdk_sees_two_503s_in_resends_format_then_a_retry_loop_sends_one(emulator, faults):
    rule = faults({"match": {"vendor": "postflare", "route": "/emails", "method": "POST"},
                   "action": {"status": 503}, "times": 2})
    subject = f"retry-{uuid.uuid4()}"
    errors = []
    with resend_sdk_for(emulator, FULL_KEY) as resend:
        for _ in range(5):
            try:
                sent = resend.Emails.send(email(subject))
                break
            except resend.exceptions.ResendError as e:
                errors.append(e)
        else:
            pytest.fail("never sent")
    assert len(errors) == 2
    for e in errors:
        assert e.code == 503 and e.error_type == "service_unavailable"
        assert e.message == "The service is temporarily unavailable."
        assert {k.lower(): v for k, v in e.headers.items()}.get("retry-after") == "1"  # names are case-insensitive
    found = stored(emulator, "postflare", subject)
    assert [m["id"] for m in found] == [sent["id"]]
    listed = control(emulator).get(f"{emulator.https}/_emulator/faults/{rule['id']}").json()
    assert listed["fired"] == 2 and listed["remaining"] == 0


def test_a_flowmailer_client_retrying_on_a_dropped_connection_submits_twice(emulator, faults):
    faults({"match": {"vendor": "flowmailer", "route": "/{account_id}/messages/submit"},
            "action": {"drop": "after_commit"}})
    c = FlowmailerClient(emulator.https, emulator.ca_file)
    c.fetch_token()
    # The usual client-side fix for "individual calls will fail": retry on connection errors, POST included.
    retry = Retry(total=3, connect=3, read=3, status=0, allowed_methods=None, backoff_factor=0)
    c.session.mount("https://", HTTPAdapter(max_retries=retry))
    subject = f"twice-{uuid.uuid4()}"
    r = c.call("POST", "/messages/submit", {
        "messageType": "EMAIL", "senderAddress": "shop@example.com", "recipientAddress": "anna@example.com",
        "subject": subject, "text": "Thanks"})
    assert r.status_code == 201
    # The dropped attempt was stored before the connection closed: only a 201 says it will be handled, and
    # Flowmailer has no idempotency key, so the retry is a second message.
    assert len(stored(emulator, "flowmailer", subject)) == 2


def test_a_resend_send_retried_with_its_idempotency_key_after_a_drop_sends_one(emulator, faults):
    faults({"match": {"vendor": "postflare", "route": "/emails"}, "action": {"drop": "after_commit"}})
    subject = f"once-{uuid.uuid4()}"
    key = str(uuid.uuid4())
    with resend_sdk_for(emulator, FULL_KEY) as resend:
        with pytest.raises(resend.exceptions.ResendError) as dropped:
            resend.Emails.send(email(subject), {"idempotency_key": key})
        assert dropped.value.error_type == "HttpClientError"  # the SDK's name for a connection error
        assert len(stored(emulator, "postflare", subject)) == 1
        again = resend.Emails.send(email(subject), {"idempotency_key": key})
    found = stored(emulator, "postflare", subject)
    assert [m["id"] for m in found] == [again["id"]]


def test_a_bad_rule_is_a_400_with_a_message(emulator):
    r = control(emulator).post(f"{emulator.https}/_emulator/faults", json={"action": {"status": 200}})
    assert r.status_code == 400
    assert r.json()["error"] == "Bad Request" and "status" in r.json()["message"]
