# SPDX-License-Identifier: Apache-2.0
"""Flowdock over HTTPS with curl (-u TOKEN:, -d form posts, -F multipart) and python requests (JSON)."""
import json
import subprocess

import requests

TOKEN = "maildouble-flowdock-token"


def curl(emulator, *args):
    out = subprocess.run(["curl", "-sS", "--max-time", "20", "--cacert", emulator.ca_file, "-D", "-", *args],
                         capture_output=True, text=True, check=True).stdout.replace("\r\n", "\n")
    head, _, body = out.partition("\n\n")
    while head.startswith("HTTP/") and " 100 " in head.split("\n")[0]:
        head, _, body = body.partition("\n\n")
    status = int(head.split(" ")[1])
    headers = {k.lower(): v for k, v in (l.split(": ", 1) for l in head.split("\n")[1:] if ": " in l)}
    return status, headers, json.loads(body) if body.strip() else None


def test_seed_examples_with_curl(emulator):
    status, headers, body = curl(emulator, "-u", f"{TOKEN}:", "-H", "Content-Type: application/json",
                                 "-d", '{"event":"message","content":"Hi all!"}',
                                 f"{emulator.https}/flows/organization/main/messages")
    assert status == 201 and headers["flowdock-user"] == "1"
    assert body["content"] == "Hi all!" and body["event"] == "message"
    assert 'rel="comments"' in headers["link"]
    status, headers, flows = curl(emulator, "-u", f"{TOKEN}:", f"{emulator.https}/flows/acme")
    assert status == 200 and headers["flowdock-user"] == "1"
    assert {f["parameterized_name"] for f in flows} >= {"my-flow", "another-flow"}


def test_form_and_json_posts_store_identical_messages(emulator):
    url = f"{emulator.https}/flows/acme/my-flow/messages"
    _, _, form = curl(emulator, "-u", f"{TOKEN}:", "-d", "event=message", "-d", "content=Same #thing",
                      "-d", "tags=a,b", url)
    session = requests.Session()
    session.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment overrides verify
    r = session.post(url, auth=(TOKEN, ""), json={"event": "message", "content": "Same #thing", "tags": ["a", "b"]},
                     verify=emulator.ca_file)
    assert r.status_code == 201
    as_json = r.json()
    for key in ("id", "sent", "thread_id", "thread", "uuid", "created_at", "updated_at"):
        form.pop(key, None)
        as_json.pop(key, None)
    assert form == as_json


def test_multipart_file_upload(emulator, tmp_path):
    f = tmp_path / "note.txt"
    f.write_text("hello file")
    status, _, body = curl(emulator, "-u", f"{TOKEN}:", "-F", "event=file", "-F", f"content=@{f}",
                           f"{emulator.https}/flows/acme/my-flow/messages")
    assert status == 201 and body["event"] == "file"


def test_errors(emulator):
    status, headers, body = curl(emulator, f"{emulator.https}/flows")
    assert status == 401 and headers["www-authenticate"].startswith("Basic realm=")
    assert "message" in body
    status, _, body = curl(emulator, "-u", f"{TOKEN}:", "-H", "Content-Type: application/json",
                           "-d", '{"event":"message"}', f"{emulator.https}/flows/acme/my-flow/messages")
    assert status == 400 and "content" in body["errors"]
    status, _, _ = curl(emulator, "-u", f"{TOKEN}:", f"{emulator.https}/flows/acme/no-such-flow")
    assert status == 404
    status, _, body = curl(emulator, "-u", f"{TOKEN}:", "-d", "content=orphan",
                           f"{emulator.https}/flows/acme/my-flow/messages/999999/comments")
    assert status == 404


def test_requests_json_list_and_edit(emulator):
    s = requests.Session()
    s.auth = (TOKEN, "x")
    s.verify = emulator.ca_file
    s.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment overrides verify
    posted = s.post(f"{emulator.https}/flows/acme/my-flow/messages",
                    json={"event": "message", "content": "edit me"}).json()
    for method in ("PUT", "PATCH"):
        r = s.request(method, f"{emulator.https}/flows/acme/my-flow/messages/{posted['id']}", json={"tags": [method]})
        assert r.status_code == 200, r.text
    listed = s.get(f"{emulator.https}/flows/acme/my-flow/messages", params={"limit": 100}).json()
    assert posted["id"] in [m["id"] for m in listed]
    assert s.get(f"{emulator.https}/v1/user").json()["id"] == 1


def _stream_session():
    session = requests.Session()
    session.trust_env = False
    return session


def test_streaming_api_delivers_a_rest_post_within_a_second(emulator):
    """The Streaming API as the official node client reads it: `GET /flows?filter=` on stream.flowdock.com with
    `Accept: application/json`, objects split on CR LF (the emulator's certificate also names
    stream.flowdock.com; here the Host header picks the host on a localhost connection)."""
    import time
    session = _stream_session()
    with session.get(f"{emulator.https}/flows?filter=acme/my-flow", auth=(TOKEN, ""), stream=True,
                     headers={"Host": "stream.flowdock.com", "Accept": "application/json"},
                     verify=emulator.ca_file, timeout=10) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("application/json")
        lines = stream.iter_lines(chunk_size=1, delimiter=b"\r\n")
        posted = _stream_session().post(f"{emulator.https}/flows/acme/my-flow/messages", auth=(TOKEN, ""),
                                        json={"event": "message", "content": "Streamed!"}, verify=emulator.ca_file)
        sent = time.monotonic()
        assert posted.status_code == 201
        for line in lines:
            if not line.strip():
                continue  # a keep-alive newline
            message = json.loads(line)
            if message.get("content") == "Streamed!":
                break
        assert time.monotonic() - sent < 1.0
        assert message["id"] == posted.json()["id"] and message["flow"] == "acme/my-flow"
        assert message["event"] == "message"


def test_streaming_api_errors_are_flowdock_errors(emulator):
    session = _stream_session()
    host = {"Host": "stream.flowdock.com"}
    r = session.get(f"{emulator.https}/flows", auth=(TOKEN, ""), headers=host, verify=emulator.ca_file)
    assert r.status_code == 400 and "message" in r.json()
    r = session.get(f"{emulator.https}/flows?filter=acme/nope", auth=(TOKEN, ""), headers=host,
                    verify=emulator.ca_file)
    assert r.status_code == 404 and r.json()["message"] == "Flow not found"
    r = session.get(f"{emulator.https}/flows?filter=acme/my-flow", headers=host, verify=emulator.ca_file)
    assert r.status_code == 401
