# SPDX-License-Identifier: Apache-2.0
"""SendPro (Flowmailer) webhooks as a receiver sees them: a webhook configured through the control plane (SendPro
sets them up in its web UI), a message submitted the way the official PHP SDK submits it, the emulator clock moved,
and the receiver gets JSON arrays of {message?, messageEvent, messageTags} for SUBMITTED, PROCESSED and DELIVERED,
filtered by event type when configured. Waits are threading conditions with a timeout, no sleeps."""
import json

import pytest
import requests
from test_flowmailer_sdk import FlowmailerClient
from test_postflare_webhooks import Receiver, advance


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def control(em, method, path, body=None):
    with requests.Session() as s:
        s.trust_env = False
        return s.request(method, f"{em.https}{path}", json=body, verify=em.ca_file)


def submit(em, recipient):
    client = FlowmailerClient(em.https, em.ca_file)
    r = client.call("POST", "/messages/submit", {
        "messageType": "EMAIL", "senderAddress": "shop@acme.io", "recipientAddress": recipient,
        "subject": "Your order", "text": "Thanks!", "tags": ["order"]})
    assert r.status_code == 201, r.text
    return r.headers["Location"].rsplit("/", 1)[-1]


def elements(deliveries):
    return [e for d in deliveries for e in json.loads(d["body"])]


def test_a_receiver_gets_the_message_life_as_arrays(fresh_emulator, receiver):
    r = control(fresh_emulator, "POST", "/_emulator/webhooks",
                {"tenant": "545", "url": receiver.url, "description": "all", "add_message_tags": True})
    assert r.status_code == 201, r.text
    message_id = submit(fresh_emulator, "ada@acme.io")
    advance(fresh_emulator, 5)
    got = receiver.wait(1)
    while "DELIVERED" not in [e["messageEvent"]["type"] for e in elements(got)] and len(got) < 5:
        got = receiver.wait(len(got) + 1)
    items = elements(got)
    assert [e["messageEvent"]["type"] for e in items][:3] == ["SUBMITTED", "PROCESSED", "DELIVERED"]
    assert all(isinstance(json.loads(d["body"]), list) for d in got)
    assert all(e["messageEvent"]["messageId"] == message_id and e["messageTags"] == ["order"] for e in items)
    assert list(items[0]) == ["message", "messageEvent", "messageTags"]
    assert items[0]["message"]["id"] == message_id and items[0]["message"]["status"] == "SUBMITTED"
    assert "message" not in items[2]
    assert got[0]["headers"]["content-type"] == "application/json"


def test_event_type_filter(fresh_emulator, receiver):
    r = control(fresh_emulator, "POST", "/_emulator/webhooks",
                {"tenant": "545", "url": receiver.url, "event_types": ["DELIVERED"]})
    assert r.status_code == 201, r.text
    submit(fresh_emulator, "bob@acme.io")
    advance(fresh_emulator, 5)
    got = receiver.wait(1)
    assert [e["messageEvent"]["type"] for e in elements(got)] == ["DELIVERED"]
    assert elements(got)[0]["messageTags"] == []
    listed = control(fresh_emulator, "GET", "/_emulator/webhooks?tenant=545").json()["data"]
    assert [w["event_types"] for w in listed] == [["DELIVERED"]]
