# SPDX-License-Identifier: Apache-2.0
"""Flowmailer over HTTPS, driven the way the official PHP SDK drives it (spec §3.4): a client-credentials
token refreshed on 401, versioned media types, ReferenceRange paging that follows Next-Range until it is
absent, 201 + Location on submit, allErrors bodies on 400/403/404. Plus the seed's request replayed byte for
byte over TLS."""
import json
import pathlib
import re
import socket
import ssl
import urllib.parse

import requests

SEED = pathlib.Path(__file__).resolve().parents[3] / "shared" / "seeds" / "001_6ed53a0ebd58b229.txt"
MEDIA = "application/vnd.flowmailer.v1.12+json"


class FlowmailerClient:
    """The PHP SDK's behaviour, transcribed: token on demand, refresh once on 401."""

    def __init__(self, base, ca, client_id="maildouble", secret="maildouble-secret", account="545"):
        self.base, self.account = base, account
        self.session = requests.Session()
        self.session.verify = ca
        self.session.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment overrides verify
        self.client_id, self.secret = client_id, secret
        self.token = None

    def fetch_token(self):
        r = self.session.post(f"{self.base}/oauth/token", data={
            "client_id": self.client_id, "client_secret": self.secret,
            "grant_type": "client_credentials", "scope": "api"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["token_type"] == "bearer" and body["expires_in"] == 60 and body["scope"] == "api"
        self.token = body["access_token"]

    def call(self, method, path, body=None, headers=None):
        if self.token is None:
            self.fetch_token()
        for attempt in range(2):
            h = {"Authorization": f"Bearer {self.token}", "Accept": MEDIA, **(headers or {})}
            if body is not None:
                h["Content-Type"] = MEDIA
            r = self.session.request(method, f"{self.base}/{self.account}{path}", headers=h,
                                     data=json.dumps(body) if body is not None else None)
            if r.status_code == 401 and attempt == 0:
                self.fetch_token()
                continue
            return r

    def messages_all(self, page=10, matrix=""):
        """README loop: ReferenceRange(pageSize, null) → follow Next-Range until absent."""
        reference = ""
        seen = []
        while True:
            r = self.call("GET", f"/messages{matrix}", headers={"Range": f"items={reference}:{page}"})
            assert r.status_code in (200, 206), r.text
            seen += r.json()
            next_range = r.headers.get("Next-Range")
            if not next_range:
                return seen
            assert r.status_code == 206 and r.headers["Content-Range"].endswith("/*")
            reference = urllib.parse.parse_qs(next_range)["items"][0].split(":")[0]


def advance(emulator, seconds):
    session = requests.Session()
    session.trust_env = False
    r = session.post(f"{emulator.https}/_emulator/clock/advance?seconds={seconds}", verify=emulator.ca_file)
    assert r.status_code == 200


def test_submit_get_and_message_life(emulator):
    c = FlowmailerClient(emulator.https, emulator.ca_file)
    r = c.call("POST", "/messages/submit", {
        "messageType": "EMAIL", "senderAddress": "shop@example.com", "recipientAddress": "anna@example.com",
        "subject": "Order 1", "text": "Thanks", "flowSelector": "flow2"})
    assert r.status_code == 201 and r.content == b""
    location = r.headers["Location"]
    assert re.fullmatch(rf"{emulator.https}/545/messages/\d{{14}}[0-9a-f]{{18}}", location), location
    message_id = location.rsplit("/", 1)[1]
    advance(emulator, 5)
    m = c.call("GET", f"/messages/{message_id}").json()
    assert m["id"] == message_id and m["status"] == "DELIVERED"
    assert m["flow"]["id"] == "16814"
    assert [e["type"] for e in sorted(m["events"], key=lambda e: e["inserted"])][-1] == "DELIVERED"
    # The account-wide event feed (newest first) carries this message's events too.
    r = c.call("GET", "/message_events", headers={"Range": "items=:1000"})
    assert r.status_code == 206
    mine = [e for e in r.json() if e["messageId"] == message_id]
    assert {"PROCESSED", "DELIVERED"} <= {e["type"] for e in mine}


def test_bounce_pattern(emulator):
    c = FlowmailerClient(emulator.https, emulator.ca_file)
    r = c.call("POST", "/messages/submit", {"messageType": "EMAIL", "senderAddress": "shop@example.com",
                                            "recipientAddress": "bounce+1@example.com", "subject": "x", "text": "y"})
    advance(emulator, 5)
    m = c.call("GET", "/messages/" + r.headers["Location"].rsplit("/", 1)[1]).json()
    assert m["status"] == "HARDBOUNCE"


def test_paging_follows_next_range_and_sees_every_message_once(emulator):
    c = FlowmailerClient(emulator.https, emulator.ca_file)
    ids = set()
    for i in range(23):
        r = c.call("POST", "/messages/submit", {"messageType": "EMAIL", "senderAddress": "a@example.com",
                                                "recipientAddress": f"p{i}@example.com", "subject": "s", "text": "t"})
        ids.add(r.headers["Location"].rsplit("/", 1)[1])
    seen = [m["id"] for m in c.messages_all(page=7)]
    assert len(seen) == len(set(seen)), "a message was repeated"
    assert ids <= set(seen), "a message was skipped"


def test_offset_range_dialect(emulator):
    c = FlowmailerClient(emulator.https, emulator.ca_file)
    r = c.call("GET", "/messages", headers={"Range": "items=0-2"})
    assert r.status_code == 206
    assert re.fullmatch(r"items 0-2/\d+", r.headers["Content-Range"])
    assert len(r.json()) == 2


def test_flows_sources_and_errors(emulator):
    c = FlowmailerClient(emulator.https, emulator.ca_file)
    flows = {f["id"] for f in c.call("GET", "/flows").json()}
    assert {"16801", "16814"} <= flows
    assert "6953" in {s["id"] for s in c.call("GET", "/sources").json()}
    missing = c.call("GET", "/flows/999999")
    assert missing.status_code == 404
    invalid = c.call("POST", "/messages/submit", {"messageType": "PIGEON"})
    assert invalid.status_code == 400
    assert all({"code", "field", "objectName"} <= set(e) for e in invalid.json()["allErrors"])
    assert c.call("GET", "/messages", headers={"Accept": "application/vnd.flowmailer.v0.1+json"}).status_code == 406


def test_tokens_expire_on_the_emulator_clock_and_the_sdk_refreshes(emulator):
    c = FlowmailerClient(emulator.https, emulator.ca_file)
    c.fetch_token()
    first = c.token
    advance(emulator, 61)
    raw = c.session.get(f"{emulator.https}/545/flows", headers={"Authorization": f"Bearer {first}", "Accept": MEDIA})
    assert raw.status_code == 401 and "WWW-Authenticate" in raw.headers
    assert c.call("GET", "/flows").status_code == 200 and c.token != first


def test_submit_only_credential(emulator):
    c = FlowmailerClient(emulator.https, emulator.ca_file, "maildouble-submit", "maildouble-submit-secret")
    ok = c.call("POST", "/messages/submit", {"messageType": "EMAIL", "senderAddress": "a@example.com",
                                             "recipientAddress": "b@example.com", "subject": "s", "text": "t"})
    assert ok.status_code == 201
    assert c.call("GET", "/messages").status_code == 403


def seed_body():
    text = SEED.read_text()
    block = re.findall(r"```json\n(.*?)\n```", text, re.S)[0]
    return json.loads(re.sub(r"/\*.*?\*/", "", block))


def test_seed_request_replayed_byte_for_byte(emulator):
    c = FlowmailerClient(emulator.https, emulator.ca_file)
    c.fetch_token()
    request = ("GET /545/messages;daterange=2021-12-30T00:00:00Z,2021-12-31T00:00:00Z?addevents=true&addheaders=true"
               "&addonlinelink=true HTTP/1.1\r\n"
               "Host: api.flowmailer.net\r\n"
               f"Authorization: Bearer {c.token}\r\n"
               "Accept: application/vnd.flowmailer.v1.12+json;charset=UTF-8\r\n"
               "Range: items=:10\r\n\r\n").encode()
    ctx = ssl.create_default_context(cafile=emulator.ca_file)
    with socket.create_connection(("127.0.0.1", emulator.https_port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname="api.flowmailer.net") as s:
            s.sendall(request)
            data = b""
            while b"\r\n\r\n" not in data:
                data += s.recv(65536)
            head, body = data.split(b"\r\n\r\n", 1)
            headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:])
            length = int(headers["Content-Length"])
            while len(body) < length:
                body += s.recv(65536)
    assert head.startswith(b"HTTP/1.1 206 Partial Content")
    seed_text = SEED.read_text()
    assert headers["Content-Range"] == re.search(r"Content-Range: (.*)", seed_text).group(1)
    assert headers["Next-Range"] == re.search(r"Next-Range: (.*)", seed_text).group(1)
    assert headers["Content-Type"] == "application/vnd.flowmailer.v1.12+json;charset=UTF-8"
    ours, theirs = json.loads(body), seed_body()
    assert [m["id"] for m in ours] == [m["id"] for m in theirs]
    assert ours[0] == theirs[0], "the first message is shown in full by the seed and must match exactly"
    for mine, seed in zip(ours, theirs):
        assert list(mine.keys()) == list(seed.keys())
        for key, value in seed.items():
            if value != []:  # the seed elides some arrays with a comment
                assert mine[key] == value, key
