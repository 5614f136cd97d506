# SPDX-License-Identifier: Apache-2.0
"""Scripted faults seen by real clients beyond the vendor SDKs: Flowdock through curl and `requests` (its
`{message}` error, then the retry stored once), an HTTP/2 RST_STREAM through httpx (the stream fails, the
connection goes on), and a `refuse` on one of two listener addresses (the client moves to the other)."""
import ssl
import uuid

import httpx
import pytest
import requests

from conftest import Emulator
from test_flowdock_clients import TOKEN, curl

FULL_KEY = "re_test_maildouble_full"


def session(em):
    s = requests.Session()
    s.trust_env = False
    s.verify = em.ca_file
    return s


def add_fault(em, rule):
    r = session(em).post(f"{em.https}/_emulator/faults", json=rule)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def em():
    e = Emulator(["--postflare-rate-limit", "0", "--host", "127.0.0.1", "--host", "127.0.0.2"])
    yield e
    e.stop()


def test_flowdock_503_in_its_format_then_a_retry_posts_once(em):
    add_fault(em, {"match": {"vendor": "flowdock", "method": "POST"}, "action": {"status": 503}})
    url = f"{em.https}/flows/acme/my-flow/messages"
    content = f"retry {uuid.uuid4()}"
    status, headers, body = curl(em, "-u", f"{TOKEN}:", "-d", "event=message", "-d", f"content={content}", url)
    assert status == 503 and headers.get("retry-after") == "1"
    assert set(body) == {"message"} and body["message"]
    r = session(em).post(url, auth=(TOKEN, ""), json={"event": "message", "content": content})
    assert r.status_code == 201, r.text
    listed = session(em).get(f"{em.https}/_emulator/messages", params={"vendor": "flowdock", "q": content}).json()
    assert len(listed["data"]) == 1


def test_h2_rst_stream_fails_one_request_and_the_connection_goes_on(em):
    rule = add_fault(em, {"match": {"vendor": "postflare", "route": "/emails", "method": "GET"},
                          "action": {"rst_stream": "REFUSED_STREAM"}})
    with httpx.Client(http2=True, verify=ssl.create_default_context(cafile=em.ca_file), trust_env=False,
                      headers={"Authorization": f"Bearer {FULL_KEY}"}) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get(f"{em.https}/emails")
        r = client.get(f"{em.https}/emails")
        assert r.status_code == 200 and r.http_version == "HTTP/2"
    faults = session(em).get(f"{em.https}/_emulator/faults/{rule['id']}").json()
    assert faults["fired"] == 1 and faults["remaining"] == 0


def test_refuse_takes_one_address_down_and_the_client_moves_to_the_other(em):
    add_fault(em, {"match": {"local_address": "127.0.0.2"}, "action": {"refuse": True}, "times": None})
    s = requests.Session()
    s.trust_env = False
    sent = None
    tried = []
    for address in ["127.0.0.2", "127.0.0.1"]:  # the client's list of addresses, first one down
        tried.append(address)
        try:
            sent = s.post(f"http://{address}:{em.http_port}/emails", timeout=10,
                          headers={"Authorization": f"Bearer {FULL_KEY}"},
                          json={"from": "hello@example.org", "to": ["delivered@resend.dev"], "subject": "moved",
                                "text": "x"})
            break
        except requests.exceptions.ConnectionError:
            continue
    assert tried == ["127.0.0.2", "127.0.0.1"]
    assert sent is not None and sent.status_code == 200, sent and sent.text
